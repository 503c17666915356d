"""Portal benchmark: server time of each portal page for one professional on the demo
clinic (3 locations, 15 rooms, 25 professionals, about 2,000 bookings over eight weeks).

    uv run python bench/bench_portal.py [--postgres] [--runs 30] [--bookings 2000]

Creates its own database (SQLite file var/bench-portal.sqlite3, or PostgreSQL database
wt_portal_bench with --postgres), loads it with `seed_demo` (every booking through the
booking service), then requests each page in-process with Django's test client, signed
in as a professional. Prints median / p95 / p99 wall time, CPU time and SQL queries per
page. Prints figures; never passes or fails on time."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare_database(postgres: bool) -> str:
    if postgres:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute('DROP DATABASE IF EXISTS "wt_portal_bench" WITH (FORCE)')
            c.execute('CREATE DATABASE "wt_portal_bench"')
        return "postgres://postgres@127.0.0.1:5432/wt_portal_bench"
    path = ROOT / "var" / "bench-portal.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--bookings", type=int, default=2000)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = prepare_database(args.postgres)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integra.settings")
    # A benchmark runs with DEBUG off, like production; its key is its own.
    os.environ.setdefault("SECRET_KEY", "integra-benchmark-only-not-a-secret")
    os.environ["LOG_LEVEL"] = "ERROR"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from portal.models import CalendarFeed
    from professionals.models import Professional
    from scheduling.models import Booking

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", bookings=args.bookings, verbosity=0)
    print(f"seeded {Booking.objects.count()} bookings in {time.perf_counter() - started:.0f} s")
    ana = Professional.objects.get(user__username="ana")
    feed = CalendarFeed.issue(ana, by=ana.user)
    client = Client()
    client.force_login(ana.user)
    pages = {
        "my bookings": reverse("portal:home"),
        "find a slot (7 days, everywhere, 1 h)": reverse("portal:find"),
        "find, live refresh (results only)": reverse("portal:find") + "?part=results",
        "money": reverse("portal:money"),
        "month": reverse("portal:month"),
        "iCal feed": reverse("portal:feed-ics", args=[feed.token]),
    }
    print(
        f"{ana.name}: {Booking.objects.filter(professional=ana).count()} bookings; "
        f"{args.runs} runs per page on {connection.vendor}; load {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{'page':42} {'median':>8} {'p95':>8} {'p99':>8} {'CPU med':>8} {'queries':>7} {'KiB':>6}"
    )
    for name, url in pages.items():
        headers = {"HX-Request": "true"} if "results" in name else {}
        client.get(url, headers=headers)  # warm
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        print(
            f"{name:42} {statistics.median(walls):7.1f}ms {percentile(walls, 0.95):7.1f}ms "
            f"{percentile(walls, 0.99):7.1f}ms {statistics.median(cpus):7.1f}ms "
            f"{len(queries):7d} {len(response.content) / 1024:6.0f}"
        )


if __name__ == "__main__":
    main()
