"""Email goes to the console unless the environment configures SMTP (EMAIL_HOST ...)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
    "s.EMAIL_USE_TLS, s.EMAIL_USE_SSL]))"
)


def settings_with(**env) -> list:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    result = subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "integra.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_email_host_mail_is_printed_to_the_console():
    assert settings_with()[0] == "django.core.mail.backends.console.EmailBackend"


def test_with_email_host_mail_goes_by_smtp_with_starttls():
    backend, host, port, user, tls, ssl = settings_with(
        EMAIL_HOST="smtp.example.test", EMAIL_HOST_USER="clinic", EMAIL_HOST_PASSWORD="x"
    )
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (host, port, user, tls, ssl) == ("smtp.example.test", 587, "clinic", True, False)


def test_implicit_tls_uses_port_465_and_no_starttls():
    *_, port, _user, tls, ssl = settings_with(EMAIL_HOST="smtp.example.test", EMAIL_USE_SSL="1")
    assert (port, tls, ssl) == (465, False, True)
