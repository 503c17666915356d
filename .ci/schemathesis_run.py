"""Schemathesis over the whole OpenAPI document, from outside, as the API's users.

A fresh database (SQLite, or with DATABASE_URL a new PostgreSQL database beside it) is
migrated and given the browser tests' fixture data; a daphne process serves it (with
REDIS_URL, on Redis, as in production); then `st run` walks every operation of
/api/v1/openapi.json — its examples, coverage, fuzzing and stateful (links) phases — with a
bounded number of examples per operation, once per role: a manager, a receptionist and a
professional, each with an API token of their own. Any server error, any response the
document does not describe, any valid request refused or invalid one accepted fails the run.

    .venv/bin/python .ci/schemathesis_run.py [--max-examples N]

Prints schemathesis's report per role and a line of figures at the end."""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ST = ROOT / ".venv" / "bin" / "st"
# Every check schemathesis has: server errors, the document's status codes, content types,
# headers and bodies, invalid data refused and valid data accepted, deleted things gone,
# created things there, authentication not ignored, one user's objects not another's.
CHECKS = "all"

TOKENS = """
import json
from django.contrib.auth import get_user_model
from accounts.models import ApiToken
users = get_user_model().objects
print(json.dumps({
    role: ApiToken.issue(users.get(username=name), "schemathesis")[1]
    # The professional first: staff runs deactivate professionals (hers among them).
    for role, name in (("professional", "ana"), ("reception", "sara"), ("manager", "rita"))
}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        import psycopg

        server, name = base.rsplit("/", 1)
        name = f"{name}_schemathesis"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{server}/{name}"
    path = ROOT / "var" / "schemathesis.sqlite3"
    path.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _figures(output: str) -> dict:
    """What schemathesis's summary says: "Tested: 72" and "4795 generated, 4795 passed,
    90 skipped" or "1753 generated, 5 found 5 unique failures, 24 skipped" (its wording,
    read loosely)."""
    summary = output[output.rfind("SUMMARY") :]
    figures = {}
    for key, pattern in (
        ("operations", r"Tested:\s*(\d+)"),
        ("cases", r"(\d+)\s+generated"),
        ("passed", r"(\d+)\s+passed"),
        ("failed", r"(\d+)\s+(?:failed|unique failures?)"),
        ("skipped", r"(\d+)\s+skipped"),
    ):
        found = re.findall(pattern, summary)
        figures[key] = int(found[-1]) if found else 0
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": _database(),
        "DJANGO_SETTINGS_MODULE": "integra.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
        "SECRET_KEY": "schemathesis-run-only-not-a-secret",
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TIME_ZONE": "Asia/Kathmandu",
        "CONN_MAX_AGE": "0",
    }
    backend = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    layer = "Redis" if env.get("REDIS_URL") else "in-memory layer"
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], **run)
    subprocess.run([python, "tests/e2e/seed.py"], **run)
    shell = subprocess.run([python, "manage.py", "shell", "-c", TOKENS], **run).stdout
    tokens = json.loads(shell.strip().splitlines()[-1])

    port = _free_port()
    log_path = ROOT / "var" / f"schemathesis-daphne-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115
    server = subprocess.Popen(
        [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "integra.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                print(log_path.read_text())
                raise SystemExit("daphne did not start")
            time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        # A token revoked mid-run would turn the rest of that run into 401s: revoking is
        # walked last, on its own.
        runs = [
            (role, token, ["--exclude-operation-id", "revoke_token"])
            for role, token in tokens.items()
        ]
        runs.append(
            (
                "manager revoking tokens",
                tokens["manager"],
                ["--include-operation-id", "revoke_token"],
            )
        )
        for role, token, selection in runs:
            print(f"\n---- schemathesis as the {role} ({backend}, {layer}) ----", flush=True)
            started = time.monotonic()
            done = subprocess.run(
                [
                    str(ST),
                    "--no-color",
                    "--config-file",
                    str(ROOT / ".ci" / "schemathesis.toml"),
                    "run",
                    *selection,
                    f"{base}/api/v1/openapi.json",
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    str(args.max_examples),
                    "--seed",
                    str(args.seed),
                    "--request-timeout",
                    "30",
                    "--suppress-health-check",
                    "all",
                ],
                cwd=ROOT,
                env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
                capture_output=True,
                text=True,
            )
            print(done.stdout[-20000:], done.stderr[-5000:], sep="\n", flush=True)
            results[role] = {
                **_figures(done.stdout),
                "exit": done.returncode,
                "seconds": round(time.monotonic() - started, 1),
            }
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    errors = [line for line in log_path.read_text().splitlines() if " 500 " in line]
    print(f"\nschemathesis on {backend} with the {layer}: {json.dumps(results)}")
    print(f"server errors in daphne's log: {len(errors)}")
    for line in errors[:20]:
        print("  ", line)
    failed = [role for role, result in results.items() if result["exit"] != 0]
    if failed or errors:
        print(f"schemathesis FAILED for {', '.join(failed) or 'the log'}")
        return 1
    log_path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
