"""Month-table benchmark: the professionals' month table (billing:month-table) for 25
professionals × 12 months with 6,000 sessions, rendered server-side.

    uv run python bench/bench_month_table.py [--runs 30] [--postgres DBNAME]

Seeds two locations (São Paulo in BRL; Lima in PEN with USD sessions), 25 professionals
(half on commission, some on rent and commission, agreements changing mid-year, the
clinic or the professional collecting) and 500 sessions a month through the booking
service (executed, no-shows, late cancellations). Then requests the page in-process with
Django's test client as a manager, each month of the year in turn, and prints median, p95
and p99 wall time, the process's CPU time, queries per render (and whether they are the
same for every month) and the load average. Never passes or fails on time.
Target: < 300 ms with a constant number of queries."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2025
PROFESSIONALS = 25
PER_MONTH = 20  # sessions per professional and month: 25 × 12 × 20 = 6,000


def use_database(postgres: str | None) -> None:
    if postgres:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{postgres}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{postgres}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{postgres}"
    else:
        path = ROOT / "var" / "bench-month-table.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integra.settings")
    # A benchmark runs with DEBUG off, like production; its key is its own.
    os.environ.setdefault("SECRET_KEY", "integra-benchmark-only-not-a-secret")
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def seed():
    """Locations, rooms, professionals, agreements and 6,000 sessions (booking service)."""
    from datetime import date, datetime
    from datetime import time as clock
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts import roles
    from billing.models import BillingPolicy, RevenueAgreement
    from patients.models import Patient
    from professionals.models import Professional
    from scheduling import services
    from scheduling.models import Location, OpeningHours, Room, Source

    sao_paulo = Location.objects.create(
        name="São Paulo", address="Rua Augusta 100", tz="America/Sao_Paulo", currency="BRL"
    )
    lima = Location.objects.create(
        name="Lima", address="Av. Larco 200", tz="America/Lima", currency="PEN",
        other_currencies=["USD"],
    )  # fmt: skip
    for location in (sao_paulo, lima):
        OpeningHours.objects.bulk_create(
            OpeningHours(location=location, weekday=d, opens=clock(7), closes=clock(22))
            for d in range(7)
        )
    BillingPolicy.objects.create(
        location=sao_paulo, no_show_session_percent=Decimal("80"), late_cancel_session_percent=40
    )
    rooms = [
        Room.objects.create(location=place, name=f"Sala {n}", hourly_price=Decimal("45.00"))
        for place in (sao_paulo, lima)
        for n in range(1, 6)
    ]
    users = get_user_model()
    staff = users.objects.create_user("bench-staff", is_staff=True)
    manager = users.objects.create_user("bench-manager", is_staff=True)
    manager.groups.add(Group.objects.get(name=roles.MANAGER))
    patients = [
        Patient.objects.create(
            first_name=f"Paciente{n}", last_name="Bench", birth_date=date(1990, 1, 1)
        )
        for n in range(200)
    ]
    pros = []
    for n in range(PROFESSIONALS):
        pro = Professional.objects.create(
            user=users.objects.create_user(f"pro{n}"),
            name=f"Professional {n:02d}",
            email=f"pro{n}@bench.test",
            profession="Psychologist",
        )
        pros.append(pro)
        if n % 2 == 0:  # half on commission; some change agreement on 1 July
            RevenueAgreement.objects.create(
                professional=pro,
                valid_from=date(YEAR, 1, 1),
                valid_until=date(YEAR, 6, 30) if n % 4 == 0 else None,
                model="both" if n % 3 == 0 else "commission",
                clinic_share_percent=Decimal("30"),
                collector="clinic" if n % 6 < 3 else "professional",
            )
            if n % 4 == 0:
                RevenueAgreement.objects.create(
                    professional=pro,
                    valid_from=date(YEAR, 7, 1),
                    model="commission",
                    clinic_share_percent=Decimal("35.5"),
                    collector="clinic",
                )
    made = 0
    for month in range(1, 13):
        for index, pro in enumerate(pros):
            room = rooms[index % len(rooms)]
            for k in range(PER_MONTH):
                day = date(YEAR, month, 1 + k % 28)
                hour = 7 + (index // len(rooms)) * 2 + (k // 28)
                starts = datetime.combine(day, clock(hour), tzinfo=room.location.zone)
                ends = datetime.combine(day, clock(hour, 45), tzinfo=room.location.zone)
                in_usd = room.location == lima and k % 5 == 0
                booking = services.book(
                    room=room,
                    professional=pro,
                    starts_at=starts,
                    ends_at=ends,
                    by=staff,
                    source=Source.SYSTEM,
                    allow_past=True,
                    patients=[patients[(index * 7 + k) % len(patients)].pk],
                    session_price=Decimal("60.00") if in_usd else Decimal("180.00"),
                    session_currency="USD" if in_usd else "",
                    session_type="virtual" if k % 7 == 6 else "on_site",
                )
                if k % 10 == 3:
                    services.mark_no_show(booking, by=staff, source=Source.SYSTEM)
                elif k % 10 == 7:
                    services.cancel(booking, by=staff, source=Source.SYSTEM)  # late: past
                else:
                    services.mark_executed(booking, by=staff, source=Source.SYSTEM)
                made += 1
    return manager, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=36)
    parser.add_argument("--postgres", metavar="DBNAME")
    args = parser.parse_args()
    print(f"1-minute load average at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    use_database(args.postgres)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver"]
    started = time.perf_counter()
    manager, made = seed()
    print(f"seeded {made} sessions in {time.perf_counter() - started:.0f} s (booking service)")

    client = Client()
    client.force_login(manager)
    url = reverse("billing:month-table")
    client.get(url, {"month": f"{YEAR}-01"}, secure=True)  # warm
    walls, cpus, queries, sizes = [], [], set(), []
    for run in range(args.runs):
        month = 1 + run % 12
        sort = ("name", "-balance", "commission")[run % 3]
        params = {"month": f"{YEAR}-{month:02d}", "sort": sort}
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params, secure=True)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, response.status_code
        queries.add(len(captured))
        sizes.append(len(response.content))
    csv = client.get(reverse("billing:month-table-csv"), {"month": f"{YEAR}-06"}, secure=True)
    rows = csv.content.decode().count("\n") - 1
    print(f"{args.runs} renders on {connection.vendor}, each month of {YEAR} in turn")
    print(
        f"month table: median={statistics.median(walls):.1f} ms  "
        f"p95={percentile(walls, 0.95):.1f} ms  p99={percentile(walls, 0.99):.1f} ms  "
        f"CPU median={statistics.median(cpus):.1f} ms  (target < 300 ms)"
    )
    print(
        f"queries per render: {sorted(queries)} ({'constant' if len(queries) == 1 else 'VARY'}); "
        f"page {statistics.median(sizes) / 1024:.0f} KiB; CSV of June: {rows} rows"
    )
    print(f"1-minute load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
