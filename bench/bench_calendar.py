"""Backoffice calendar benchmark.

    uv run python bench/bench_calendar.py [--postgres] [--clients 200] [--changes 30]

Prints, for the week view of 3 locations × 15 rooms with 2,000 bookings: server time and
SQL query count (in-process test client), time to first render in headless Chromium (a
real daphne process), and live-update latency from a committed change to 200 connected
websocket clients (p50/p95; the change is made in this process, the clients are served by
daphne, the two meet through Redis). Creates its own database (SQLite file, or PostgreSQL
database h5_bench with --postgres) and uses Redis database 5. Prints figures; never passes
or fails on time."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8510
REDIS_URL = "redis://127.0.0.1:6379/5"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def prepare_database(postgres: bool) -> str:
    if postgres:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute('DROP DATABASE IF EXISTS "h5_bench" WITH (FORCE)')
            c.execute('CREATE DATABASE "h5_bench"')
        return "postgres://postgres@127.0.0.1:5432/h5_bench"
    path = ROOT / "var" / "bench-calendar.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def seed(bookings_wanted: int):
    """3 locations × 15 rooms, 120 professionals, `bookings_wanted` bookings in one week,
    all made through the booking service."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from professionals.models import Professional
    from scheduling import services
    from scheduling.models import Location, OpeningHours, Room, Source

    User = get_user_model()
    staff = User.objects.create_user("bench", "bench@clinic.test", "bench-pass", is_staff=True)
    locations = []
    for n in range(3):
        location = Location.objects.create(name=f"Clinic {n + 1}", tz="Europe/Lisbon")
        OpeningHours.objects.bulk_create(
            OpeningHours(location=location, weekday=d, opens=clock(7), closes=clock(22))
            for d in range(7)
        )
        for r in range(15):
            Room.objects.create(location=location, name=f"Room {r + 1:02d}", hourly_price=40)
        locations.append(location)
    people = []
    for n in range(120):
        user = User.objects.create_user(f"pro{n}", f"pro{n}@example.test")
        people.append(
            Professional.objects.create(user=user, name=f"Professional {n:03d}", email=user.email)
        )
    rooms = list(Room.objects.select_related("location").order_by("location__name", "name"))
    tz = locations[0].zone
    monday = timezone.now().astimezone(tz).date() + timedelta(days=7)
    monday -= timedelta(days=monday.weekday())
    made = 0
    # Each room: 7 days × up to 10 one-hour bookings; each professional one room at a time.
    for day_index in range(7):
        day = monday + timedelta(days=day_index)
        for hour in range(8, 22):
            for room_index, room in enumerate(rooms):
                if made >= bookings_wanted:
                    return staff, locations, monday
                if (hour + room_index + day_index) % 3 == 0:
                    continue
                who = people[(room_index + hour * 45) % len(people)]
                start = datetime.combine(day, clock(hour), tzinfo=tz)
                try:
                    services.book(
                        room=room,
                        professional=who,
                        starts_at=start,
                        ends_at=start + timedelta(hours=1),
                        by=staff,
                        source=Source.BACKOFFICE,
                    )
                    made += 1
                except Exception:  # noqa: S112 - a clash just means "try the next slot"
                    continue
    _ = Decimal
    return staff, locations, monday


def server_figures(staff, locations, monday) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(staff)
    figures = {}
    for view in ("week", "day"):
        url = f"/calendar/?view={view}&date={monday}" + "".join(
            f"&loc={loc.pk}" for loc in locations
        )
        client.get(url)  # warm templates
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        figures[view] = (statistics.median(timings), len(captured), len(response.content))
    return figures


def wait_for_port(port: int, process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("daphne exited")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("daphne did not start")


def session_cookie(staff) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(staff)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


PAINTS = """() => new Promise((done) => {
  // First contentful paint, and the largest contentful paint so far (the grid), read once
  // both have been reported; navigation timing for first and last byte.
  const seen = {};
  const finish = () => {
    if (!("fcp" in seen) || !("lcp" in seen)) return;
    const nav = performance.getEntriesByType("navigation")[0];
    done([seen.fcp, seen.lcp, nav.responseStart, nav.responseEnd, nav.domContentLoadedEventEnd]);
  };
  new PerformanceObserver((list) => {
    const fcp = list.getEntriesByName("first-contentful-paint")[0];
    if (fcp) seen.fcp = fcp.startTime;
    finish();
  }).observe({ type: "paint", buffered: true });
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    seen.lcp = entries[entries.length - 1].startTime;
    finish();
  }).observe({ type: "largest-contentful-paint", buffered: true });
})"""


def first_render(cookie: str, url: str, runs: int = 7) -> list[list[float]]:
    """Paint timings of `url` in fresh browser contexts (the first run only warms up)."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        for run in range(runs + 1):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.add_cookies(
                [{"name": "sessionid", "value": cookie, "domain": "127.0.0.1", "path": "/"}]
            )
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{PORT}{url}", wait_until="load")
            paint = page.evaluate(PAINTS)
            if run:
                results.append(paint)
            page.wait_for_timeout(300)  # let the page's socket settle before the next run
            context.close()
        browser.close()
    return results


def print_paints(label: str, paints: list[list[float]]) -> None:
    def figure(index: int) -> str:
        values = sorted(p[index] for p in paints)
        return f"median {statistics.median(values):.0f} / p95 {percentile(values, 95):.0f} ms"

    fcp = ", ".join(f"{p[0]:.0f}" for p in paints)
    print(
        f"{label}: first contentful paint {figure(0)} (runs: {fcp}); grid painted "
        f"(largest contentful paint) {figure(1)}; first byte {figure(2)}; "
        f"last byte {figure(3)}; DOMContentLoaded {figure(4)}"
    )


def percentile(values: list[float], q: int) -> float:
    """Nearest-rank percentile of sorted `values`."""
    rank = max(1, -(-len(values) * q // 100))
    return values[rank - 1]


async def live_latency(cookie: str, location, day, clients: int, changes: int, staff, ports):
    import websockets
    from asgiref.sync import sync_to_async

    from scheduling import services
    from scheduling.models import Booking, Source

    received: dict[int, list[float]] = {}
    ready = asyncio.Event()
    connected = 0

    async def client(port):
        nonlocal connected
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/calendar/",
            additional_headers={"Cookie": f"sessionid={cookie}"},
            origin=f"http://127.0.0.1:{port}",
            max_queue=None,
        ) as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "subscribe",
                        "locations": [location.pk],
                        "first_day": str(day),
                        "last_day": str(day),
                    }
                )
            )
            assert json.loads(await ws.recv())["type"] == "subscribed"
            connected += 1
            if connected == clients:
                ready.set()
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "booking":
                    received.setdefault(message["booking_id"], []).append(time.perf_counter())

    tasks = [asyncio.create_task(client(ports[n % len(ports)])) for n in range(clients)]
    await asyncio.wait_for(ready.wait(), 60)
    booking = await sync_to_async(
        lambda: (
            Booking.objects.filter(room__location=location, starts_at__date=day).active().first()
        )
    )()
    sent = []
    for n in range(changes):
        notes = f"bench change {n}"

        def change(notes=notes):
            started = time.perf_counter()
            services.update_notes(booking, notes=notes, by=staff, source=Source.BACKOFFICE)
            return started

        sent.append(await sync_to_async(change)())
        await asyncio.sleep(0.3)
    deadline = time.perf_counter() + 15
    while len(received.get(booking.pk, [])) < clients * changes and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    arrivals = sorted(received.get(booking.pk, []))
    # Each change reaches every client once; pair arrivals to the change that preceded them.
    latencies = []
    for index, started in enumerate(sent):
        end = sent[index + 1] if index + 1 < len(sent) else float("inf")
        latencies += [(t - started) * 1000 for t in arrivals if started <= t < end]
    return latencies, len(arrivals), clients * changes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--bookings", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--servers", type=int, default=1, help="daphne processes for the clients")
    parser.add_argument("--paint-runs", type=int, default=15, help="page loads per view")
    args = parser.parse_args()

    database_url = prepare_database(args.postgres)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        # Another settings module may be given to compare channel layers.
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "integra.settings"),
        "CONN_MAX_AGE": "60",
        # DEBUG is off, like production, and then the settings insist on a key.
        "SECRET_KEY": os.environ.get("SECRET_KEY", "integra-benchmark-only-not-a-secret"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    staff, locations, monday = seed(args.bookings)
    from scheduling.models import Booking

    count = Booking.objects.count()
    backend = connection.vendor
    print(f"database: {backend}; seeded {count} bookings in {time.perf_counter() - started:.1f} s")

    figures = server_figures(staff, locations, monday)
    for view, (ms, queries, size) in figures.items():
        print(
            f"{view} view, 3 locations x 15 rooms: {ms:.1f} ms server time (median of 15), "
            f"{queries} SQL queries, {size / 1024:.0f} KiB"
        )

    cookie = session_cookie(staff)
    log = open(ROOT / "var" / "bench-calendar-daphne.log", "w")  # noqa: SIM115
    ports = [PORT + n for n in range(args.servers)]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
            + ["tests.e2e.asgi_static:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_for_port(port, server)
        every = "".join(f"&loc={loc.pk}" for loc in locations)
        print_paints(
            "week view, 3 locations, in Chromium",
            first_render(cookie, f"/calendar/?view=week&date={monday}{every}", args.paint_runs),
        )
        print_paints(
            "day view, 3 locations (the calendar's first page), in Chromium",
            first_render(cookie, f"/calendar/?date={monday}", args.paint_runs),
        )
        latencies, got, expected = asyncio.run(
            live_latency(cookie, locations[0], monday, args.clients, args.changes, staff, ports)
        )
        latencies.sort()
        if latencies:
            p50 = statistics.median(latencies)
            p95 = percentile(latencies, 95)
            print(
                f"live update, commit -> {args.clients} websocket clients "
                f"on {args.servers} daphne process(es) "
                f"({args.changes} changes): "
                f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {percentile(latencies, 99):.0f} ms, "
                f"max {latencies[-1]:.0f} ms; "
                f"delivered {got}/{expected}"
            )
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
        log.close()


if __name__ == "__main__":
    main()
