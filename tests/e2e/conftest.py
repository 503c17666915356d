"""Browser tests: real daphne processes on a fresh database, headless Debian Chromium.

The database is a fresh SQLite file (or, with DATABASE_URL, a fresh PostgreSQL database
named after it with an `_e2e` suffix); migrate and seed.py run against it; daphne serves
it on ports E2E_PORT=8500 (and the next one when REDIS_URL is set, for the cross-process test)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
_BASE = int(os.environ.get("E2E_PORT", "8500"))  # another base lets two suites run at once
PORTS = (_BASE, _BASE + 1)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _database_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        import psycopg

        server, name = base.rsplit("/", 1)
        name = f"{name}_e2e"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{server}/{name}"
    path = ROOT / "var" / f"e2e-{os.getpid()}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne on {port} exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"daphne did not listen on {port}")


@pytest.fixture(scope="session")
def site():
    """Migrated, seeded database and one or two daphne processes; yields base URLs."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "integra.settings",
        "PYTHONPATH": str(ROOT),
        "CONN_MAX_AGE": "0",
    }
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], **run)
    seeded = json.loads(subprocess.run([sys.executable, "tests/e2e/seed.py"], **run).stdout)
    ports = PORTS if env.get("REDIS_URL") else PORTS[:1]
    log = open(ROOT / "var" / f"e2e-daphne-{_BASE}.log", "w")  # noqa: SIM115
    servers = []
    try:
        for port in ports:
            servers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "tests.e2e.asgi_static:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for port, process in zip(ports, servers, strict=True):
            _wait_for(port, process)
        yield {
            "urls": [f"http://127.0.0.1:{p}" for p in ports],
            "database_url": env["DATABASE_URL"],
            **seeded,
        }
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        if env["DATABASE_URL"].startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(env["DATABASE_URL"].removeprefix("sqlite:///") + suffix).unlink(
                    missing_ok=True
                )


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def receptionist(browser, site):
    """open_as("rita", path, base=0) → a logged-in page showing `path`."""
    contexts = []

    def open_as(
        username: str, path: str, *, base: int = 0, width: int = 1400, height: int = 900, now=None
    ):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        if now is not None:  # the browser's clock starts there and runs on
            page.clock.install(time=now)
        url = site["urls"][base]
        page.goto(f"{url}/admin/login/?next={quote(path)}")
        page.fill("#id_username", username)
        page.fill("#id_password", site["password"])
        page.click("input[type=submit]")
        page.wait_for_url(f"**{path.split('?')[0]}*")
        page.wait_for_selector("body[data-live=live][data-synced]")
        return page

    yield open_as
    for context in contexts:
        context.close()
