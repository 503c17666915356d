"""The environment every test process runs in, set before Django reads its settings.

Loaded as a pytest plugin (`-p tests.environment` in pyproject.toml), which pytest imports
while it parses its options: before pytest-django imports `integra.settings`, and so before
any conftest. Browser tests' daphne processes inherit it.

TIME_ZONE is Asia/Kathmandu (+05:45), a zone no location of the tests uses: a time formatted
in the server's zone instead of its location's is then visibly wrong (an hour like 14:45
where 09:00 was booked), and a test that reads the page fails."""

import os

os.environ.setdefault("TIME_ZONE", "Asia/Kathmandu")
# The tests run with DEBUG off, where the settings insist on a key of our own.
os.environ.setdefault("SECRET_KEY", "integra-tests-only-not-a-secret")
# Test clients and the browser tests' daphne speak plain HTTP on this machine.
os.environ.setdefault("HTTPS", "0")

# Under pytest-xdist each worker has a Redis database of its own (the run's number plus the
# worker's): a test's `cache.clear()` is a FLUSHDB, which would wipe the channel-layer
# groups and the rate limits of a test running beside it. Each worker already has a test
# database of its own (pytest-django names it after the worker).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _base, _, _number = os.environ["REDIS_URL"].rpartition("/")
    if _number.isdigit():
        os.environ["REDIS_URL"] = f"{_base}/{(int(_number) + 1 + int(_worker[2:])) % 16}"
