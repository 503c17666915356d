#!/usr/bin/env python3
"""Run Integra, or its tests, on a fresh machine that has nothing but Python 3.11.

    python3 dev.py run            migrate, load demo data, serve on http://127.0.0.1:8000
                                  (PORT=8001 python3 dev.py run for another port)
    python3 dev.py test [ARGS]    the whole test suite (pytest ARGS); exit code is pytest's
    python3 dev.py setup          only the tools and the locked environment
    python3 dev.py messages       refresh locale/*.po from the code (needs GNU gettext)

The first run makes .tools/ (a virtualenv holding a pinned uv) and .venv/ (the project's
dependencies, exactly as uv.lock says). Only the standard library is used here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"
UV_VERSION = "0.13.9"
UV = TOOLS / "bin" / "uv"
PYTHON = ROOT / ".venv" / "bin" / "python"
HOST = "127.0.0.1"
PORT = int(os.environ.get("PORT", "8000"))


def say(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def run(*command, env: dict | None = None, check: bool = True) -> int:
    result = subprocess.run([str(part) for part in command], cwd=ROOT, env=env)
    if check and result.returncode:
        sys.exit(f"dev.py: {' '.join(map(str, command))} failed ({result.returncode})")
    return result.returncode


def installed_uv_version() -> str:
    if not UV.exists():
        return ""
    result = subprocess.run([str(UV), "--version"], capture_output=True, text=True)
    parts = result.stdout.split()
    return parts[1] if len(parts) > 1 else ""


def ensure_tools() -> None:
    """A virtualenv under .tools/ with uv pinned, so nothing is installed system-wide."""
    if installed_uv_version() == UV_VERSION:
        return
    say(f"Installing uv {UV_VERSION} into .tools/")
    if not (TOOLS / "bin" / "pip").exists():
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        except (subprocess.CalledProcessError, OSError) as error:
            sys.exit(
                f"dev.py: could not create a virtualenv ({error}).\n"
                "On Debian/Ubuntu install it with: apt-get install python3-venv"
            )
    pip = TOOLS / "bin" / "pip"
    run(pip, "install", "--quiet", "--disable-pip-version-check", f"uv=={UV_VERSION}")


def ensure_environment() -> None:
    """.venv exactly as uv.lock says; --locked fails when the lock is stale."""
    ensure_tools()
    say("Syncing .venv with uv.lock")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    run(UV, "sync", "--locked", "--python", sys.executable, env=env)
    compile_translations()


def compile_translations() -> None:
    """locale/*/LC_MESSAGES/*.po → .mo with Babel (pure Python: no gettext tools needed),
    only where the .po is newer, so every command speaks the committed translations."""
    for po in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        locale = po.parent.parent.name
        # A catalogue half-way through an edit must not stop the set-up: the pages then
        # speak the last good .mo (or English), and CI's translation check says what is wrong.
        failed = run(
            ROOT / ".venv" / "bin" / "pybabel",
            "compile",
            "--statistics",
            "-i",
            po,
            "-o",
            mo,
            "-l",
            locale,
            check=False,
        )
        if failed:
            print(f"dev.py: {po.relative_to(ROOT)} did not compile (see above).")


def django_env(**extra: str) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "integra.settings", **extra}


def manage(*args, env: dict) -> None:
    run(PYTHON, "manage.py", *args, env=env)


def command_run() -> int:
    ensure_environment()
    env = django_env(DEBUG=os.environ.get("DEBUG", "1"))
    say("Migrating the database")
    manage("migrate", "--no-input", "-v", "1", env=env)
    say("Loading demo data (skipped when there is data already)")
    manage("seed_demo", env=env)
    say("Collecting static files")
    manage("collectstatic", "--no-input", "-v", "0", env=env)
    base = f"http://{HOST}:{PORT}"
    print(
        f"\nIntegra is starting on {base}/\n"
        f"  backoffice (Django admin): {base}/admin/\n"
        f"  calendar:                  {base}/calendar/\n"
        f"  professionals' portal:     {base}/portal/\n"
        f"  API docs:                  {base}/api/docs\n"
        f"  log in at {base}/accounts/login/ (password integra-demo):\n"
        "    reception@integra.test (reception), manager@integra.test (manager),\n"
        "    admin@integra.test (superuser), ana@demo.integra.test (professional)\n"
        "Press Ctrl+C to stop.\n",
        flush=True,
    )
    daphne = str(ROOT / ".venv" / "bin" / "daphne")
    # Become daphne, so Ctrl+C and a supervisor's SIGTERM reach the server itself.
    os.chdir(ROOT)
    os.execve(daphne, [daphne, "-b", HOST, "-p", str(PORT), "integra.asgi:application"], env)


# Debian packages some tests drive, and the program each provides.
TEST_PACKAGES = {
    "chromium": "/usr/bin/chromium",  # browser tests (tests/e2e)
    "poppler-utils": "/usr/bin/pdftoppm",  # a statement rendered to PNG for the eye
}


def ensure_test_packages() -> None:
    """Install the Debian packages the tests drive when they are missing and we may (root
    with apt); otherwise the tests that need them skip, saying why."""
    missing = [name for name, program in TEST_PACKAGES.items() if not Path(program).exists()]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"dev.py: {', '.join(missing)} missing; the tests needing them will skip.")
        return
    say(f"Installing {', '.join(missing)} for the tests (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    if run("apt-get", "update", "-q", env=env, check=False) or run(*install, env=env, check=False):
        print(f"dev.py: could not install {', '.join(missing)}; those tests will skip.")


def command_test(pytest_args: list[str]) -> int:
    ensure_environment()
    ensure_test_packages()
    say("Running the test suite: pytest " + " ".join(pytest_args))
    return run(PYTHON, "-m", "pytest", *pytest_args, env=django_env(), check=False)


# The languages we translate into (locale folder names) and what makemessages skips.
TRANSLATED = ["pt_BR", "pt_PT", "es"]
# templates/admin: copies of Django's own admin templates, whose strings Django translates.
NOT_SCANNED = [
    ".venv",
    ".tools",
    "tests",
    "bench",
    "static",
    "node_modules",
    "var",
    "templates/admin",
]


def command_messages() -> int:
    """Refresh locale/*/LC_MESSAGES/django.po from the code (Django's makemessages: new
    strings added empty, changed ones marked fuzzy, gone ones dropped), then compile."""
    ensure_environment()
    if not shutil.which("xgettext"):
        if os.geteuid() == 0 and shutil.which("apt-get"):
            say("Installing gettext (makemessages needs xgettext)")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            run("apt-get", "update", "-q", env=env, check=False)
            run("apt-get", "install", "-y", "-q", "--no-install-recommends", "gettext", env=env)
        else:
            print("dev.py: makemessages needs GNU gettext (apt-get install gettext).")
            return 2
    args = ["makemessages", "--no-obsolete", "--add-location=file", "--no-wrap"]
    args += [f"--locale={name}" for name in TRANSLATED]
    args += [f"--ignore={folder}/*" for folder in NOT_SCANNED]
    manage(*args, env=django_env(DEBUG="1"))
    compile_translations()
    return 0


def main(argv: list[str]) -> int:
    if sys.version_info[:2] != (3, 11):
        print(f"dev.py: Integra runs on Python 3.11; this is {sys.version.split()[0]}.")
    command, *rest = argv or ["help"]
    if command == "run":
        return command_run()
    if command == "test":
        return command_test(rest)
    if command == "messages":
        return command_messages()
    if command == "setup":
        ensure_environment()
        return 0
    print(__doc__)
    return 0 if command in {"help", "-h", "--help"} else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
