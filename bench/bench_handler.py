"""What integra/workers.py's OneTripHandler buys over Django's own ASGI handler: daphne CPU
and latency per request, each handler in its own daphne processes, side by side, on
requests that reach Django's middleware and a view but no database (an API call without a
token: 401) and on a page that reads one (the login page).

    uv run python bench/bench_handler.py [--requests 6000] [--rounds 3]

Prints figures; never passes or fails on time. Runs on a throwaway SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_booking_api import cpu_seconds, start_servers, stop  # noqa: E402
from http_load import drive, summary  # noqa: E402

HANDLERS = {
    "OneTripHandler (integra.asgi)": "integra.asgi:application",
    "Django's ASGIHandler (bench.stock_asgi)": "bench.stock_asgi:application",
}
PATHS = {"401 (no database)": "/api/v1/bookings", "login page": "/accounts/login/"}


def measure(app: str, env: dict, path: str, count: int, clients: int) -> str:
    port, processes = start_servers(1, env, app)
    try:
        warm = [("GET", path, None)] * 300
        asyncio.run(drive("127.0.0.1", port, warm, clients, {}))
        pids = [p.pid for p in processes]
        before = cpu_seconds(pids)
        run = asyncio.run(drive("127.0.0.1", port, [("GET", path, None)] * count, clients, {}))
        cpu_ms = (cpu_seconds(pids) - before) * 1000 / count
        statuses = dict(run.statuses())
        return (
            f"{count / run.wall_seconds:6.0f} req/s, daphne CPU {cpu_ms:.2f} ms/request, "
            f"{summary(run.latencies_ms())}, statuses {statuses}"
        )
    finally:
        stop(processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    folder = tempfile.mkdtemp(prefix="bench-handler-")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "DEBUG": "0",
        "HTTPS": "0",  # plain HTTP on this machine
        "SECRET_KEY": "integra-benchmark-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    import subprocess

    manage = [sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)
    print(
        f"# one daphne process per handler, {args.clients} keep-alive clients, "
        f"{os.cpu_count()} cores shared with this client; load average "
        "%.2f %.2f %.2f" % os.getloadavg()
    )
    for label, path in PATHS.items():
        for round_ in range(1, args.rounds + 1):
            for name, app in HANDLERS.items():
                figures = measure(app, env, path, args.requests, args.clients)
                print(f"{label:18} round {round_}  {name:40} {figures}")


if __name__ == "__main__":
    main()
