"""Settings read from the environment: what a server refuses to start without."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**environment: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly this environment (plus PATH),
    as a server process would at start."""
    env = {"PATH": os.environ.get("PATH", ""), **environment}
    return subprocess.run(
        [sys.executable, "-c", "import integra.settings as s; print(s.SECRET_KEY[:12])"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_a_server_with_debug_off_and_no_secret_key_refuses_to_start_and_says_why():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "integra-devel" not in result.stdout


def test_the_old_escape_hatch_no_longer_turns_the_development_key_on():
    result = load_settings(DEBUG="0", INTEGRA_INSECURE_DEV_KEY="1")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_given_secret_key_is_used_with_debug_off():
    result = load_settings(DEBUG="0", SECRET_KEY="a-key-of-this-server-0123456789")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "a-key-of-thi"


def test_a_development_machine_with_debug_on_gets_the_development_key():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "integra-deve"


def test_the_tests_themselves_run_in_a_zone_no_location_uses():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Kathmandu"


def test_production_settings_pass_djangos_deployment_check():
    """DEBUG off, a real key and host, nothing else: HTTPS, secure cookies and HSTS are on
    by default, so `check --deploy` finds nothing to warn about."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "0",
        "SECRET_KEY": "k3Jd9x-2mQpL7vRt5wYz8aBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
        "ALLOWED_HOSTS": "clinic.example",
        "DATABASE_URL": f"sqlite:///{ROOT}/var/deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_behind_a_proxy_the_https_header_is_trusted_only_when_named():
    code = "import integra.settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    base = {"PATH": os.environ.get("PATH", ""), "DEBUG": "0", "SECRET_KEY": "x" * 50}
    plain = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True
    )
    assert plain.stdout.strip() == "None"
    proxied = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "PROXY_SSL_HEADER": "X-Forwarded-Proto"},
        capture_output=True,
        text=True,
    )
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
