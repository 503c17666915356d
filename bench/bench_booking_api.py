"""Booking API benchmark: throughput and latency of successful bookings, and contention on
hot slots, against real daphne processes on PostgreSQL, driven from this separate process.

    uv run python bench/bench_booking_api.py [--workers 2] [--bookings 4000]

Prints figures; never passes or fails on time. It creates (and drops) its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from http_load import drive, summary  # noqa: E402

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(rooms: int, professionals: int):
    """Migrate and create one always-open location, rooms, professionals and a staff
    token. Returns (token, room ids, professional ids)."""
    import django

    django.setup()
    from datetime import time as clock

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from accounts.models import ApiToken
    from professionals.models import Professional
    from scheduling.models import Location, OpeningHours, Room

    call_command("migrate", verbosity=0)
    location = Location.objects.create(name="Bench", tz="UTC", currency="EUR")
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=d, opens=clock(0), closes=clock(0))
        for d in range(7)
    )
    room_ids = [
        Room.objects.create(location=location, name=f"Room {i}", hourly_price=40).pk
        for i in range(rooms)
    ]
    User = get_user_model()
    staff = User.objects.create_user("bench-staff", "staff@bench.test", "x", is_staff=True)
    pro_ids = []
    for i in range(professionals):
        user = User.objects.create_user(f"pro{i}", f"pro{i}@bench.test", "x")
        pro_ids.append(Professional.objects.create(user=user, name=f"Pro {i}", email=user.email).pk)
    _, raw = ApiToken.issue(staff, "bench")
    from django.db import connections

    connections.close_all()
    return raw, room_ids, pro_ids


def start_servers(
    workers: int, env: dict, app: str = "integra.asgi:application"
) -> tuple[int, list[subprocess.Popen]]:
    """`workers` daphne processes sharing one listening socket, as behind a load balancer."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    port = listener.getsockname()[1]
    fd = listener.fileno()
    os.set_inheritable(fd, True)
    daphne = str(Path(sys.executable).parent / "daphne")
    processes = [
        subprocess.Popen(
            [daphne, "--fd", str(fd), "--access-log", os.devnull, app],
            cwd=ROOT,
            env=env,
            pass_fds=(fd,),
            stdout=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    listener.close()
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
            return port, processes
        except Exception:
            time.sleep(0.3)
    raise SystemExit("daphne did not come up")


def stop(processes):
    for p in processes:
        p.send_signal(signal.SIGINT)
    for p in processes:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc), so a figure can say
    what each booking cost in CPU even when other work shares the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def database_backends(name: str) -> list[int]:
    """The PostgreSQL server processes serving the benchmark database."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)
        ).fetchall()
    return [pid for (pid,) in rows]


class CpuMeter:
    """CPU spent by the servers, the database and this client between start() and stop()."""

    def __init__(self, servers, database: str):
        self.servers = [p.pid for p in servers]
        self.database = database

    def start(self):
        self.backends = database_backends(self.database)
        self.before = (
            cpu_seconds(self.servers),
            cpu_seconds(self.backends),
            time.process_time(),
        )

    def stop(self, count: int) -> str:
        after = (cpu_seconds(self.servers), cpu_seconds(self.backends), time.process_time())
        server, database, client = (
            (a - b) * 1000 / count for a, b in zip(after, self.before, strict=True)
        )
        return (
            f"CPU per request: daphne {server:.2f} ms, PostgreSQL {database:.2f} ms "
            f"({len(self.backends)} connections), load client {client:.2f} ms; "
            f"total {server + database + client:.2f} ms"
        )


def booking(room, professional, start: datetime, minutes: int = 30) -> dict:
    return {
        "room_id": room,
        "professional_id": professional,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=minutes)).isoformat(),
    }


def double_bookings() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM scheduling_booking a JOIN scheduling_booking b
              ON a.id < b.id AND a.status <> 'cancelled' AND b.status <> 'cancelled'
             AND (a.room_id = b.room_id OR a.professional_id = b.professional_id)
             AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
            """
        )
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="daphne processes")
    parser.add_argument("--threads", type=int, default=8, help="ASGI_THREADS per process")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--bookings", type=int, default=4000)
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--contention", type=int, default=200)
    parser.add_argument("--database", default="bench_integra")
    args = parser.parse_args()
    # A bench stopped by `timeout` or a supervisor still stops the daphne processes it
    # started (the `finally` below runs on SystemExit, not on a bare SIGTERM).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))

    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integra.settings")
    # A benchmark runs with DEBUG off, like production; its key is its own.
    os.environ.setdefault("SECRET_KEY", "integra-benchmark-only-not-a-secret")
    recreate_database(args.database)
    rooms = args.clients
    token, room_ids, pro_ids = prepare(rooms=rooms + 1, professionals=rooms + 400)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "HTTPS": "0",  # plain HTTP on this machine
        "ASGI_THREADS": str(args.threads),
        "LOG_LEVEL": "ERROR",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
    }
    port, processes = start_servers(args.workers, env)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        base = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        base += timedelta(days=2)
        pairs = list(zip(room_ids[:rooms], pro_ids[:rooms], strict=True))

        def distinct(count: int, offset: int) -> list:
            out = []
            for i in range(count):
                room, pro = pairs[i % rooms]
                slot = offset + i // rooms
                out.append(
                    (
                        "POST",
                        "/api/v1/bookings",
                        booking(room, pro, base + timedelta(minutes=30 * slot)),
                    )
                )
            return out

        warmup = distinct(rooms * 4, 0)
        asyncio.run(drive("127.0.0.1", port, warmup, args.clients, headers))
        print(
            f"# Booking API on PostgreSQL, {args.workers} daphne worker(s), "
            f"{os.cpu_count()} cores shared with this client; "
            "load average %.2f %.2f %.2f" % os.getloadavg()
        )
        requests = distinct(args.bookings, 4)
        meter = CpuMeter(processes, args.database)
        meter.start()
        run = asyncio.run(drive("127.0.0.1", port, requests, args.clients, headers))
        cpu = meter.stop(len(requests))
        ok = run.latencies_ms(201)
        print(
            f"(a) {args.bookings} bookings on distinct slots, {args.clients} clients: "
            f"statuses {dict(run.statuses())}"
        )
        print(
            f"    throughput {len(ok) / run.wall_seconds:.0f} bookings/s "
            f"over {run.wall_seconds:.2f} s; latency {summary(ok)}"
        )
        print(f"    {cpu}")

        hot_room = room_ids[rooms]
        hot_day = base + timedelta(days=5)
        hot = [hot_day + timedelta(hours=8, minutes=30 * i) for i in range(10)]
        rng = random.Random(7)
        contenders = pro_ids[rooms:]
        attempts = [
            ("POST", "/api/v1/bookings", booking(hot_room, rng.choice(contenders), hot[i % 10]))
            for i in range(args.attempts)
        ]
        rng.shuffle(attempts)
        meter.start()
        run = asyncio.run(drive("127.0.0.1", port, attempts, args.contention, headers))
        cpu = meter.stop(len(attempts))
        statuses = run.statuses()
        errors = sum(n for s, n in statuses.items() if s >= 500)
        other = {s: n for s, n in statuses.items() if s not in (201, 409) and s < 500}
        print(
            f"(b) {args.attempts} attempts at {args.contention} concurrency on 10 hot slots: "
            f"{statuses.get(201, 0)} winners, {statuses.get(409, 0)} conflicts, "
            f"{errors} server errors, other {other}"
        )
        print(
            f"    {len(run.results) / run.wall_seconds:.0f} attempts/s; "
            f"conflict latency {summary(run.latencies_ms(409))}"
        )
        print(f"    {cpu}")
        from django.db import connections

        connections.close_all()
        print(f"    double bookings found afterwards: {double_bookings()}")
    finally:
        stop(processes)
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
