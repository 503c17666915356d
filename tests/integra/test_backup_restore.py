"""scripts/backup.sh dumps the database; scripts/restore-check.sh restores a dump into a new
database, checks it as the app would and drops it. Run as an operator would (subprocess),
against the test database on PostgreSQL: the restored copy holds the same rows."""

import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from billing.services import record_payment
from scheduling import services
from scheduling.models import Source

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),  # pg_dump reads what is committed
]

TABLES = {
    "scheduling_booking": "id, room_id, professional_id, starts_at, ends_at, status, price",
    "scheduling_slotclaim": "id, booking_id, room_id, professional_id, slot_start",
    "billing_payment": "id, professional_id, amount, currency, method, received_on",
    "professionals_professional": "id, name, email",
}


@pytest.fixture(autouse=True)
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("backups are pg_dump's: run with DATABASE_URL pointing at PostgreSQL")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")):
        pytest.skip("needs PostgreSQL's client programs (pg_dump, pg_restore, psql)")


def url_of(name: str) -> str:
    conf = connection.settings_dict
    password = f":{quote(conf['PASSWORD'], safe='')}" if conf["PASSWORD"] else ""
    host = f"{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}"
    return f"postgresql://{quote(conf['USER'], safe='')}{password}@{host}/{name}"


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url_of(connection.settings_dict["NAME"])}
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def rows(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()  # noqa: S608
            for table, columns in TABLES.items()
        }


def database_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@pytest.fixture
def seeded(book, room, other_room, pro_a, pro_b, at, staff):
    book(room, pro_a, at("09:00"), at("10:00"))
    book(other_room, pro_b, at("09:00"), at("11:30"))
    gone = book(room, pro_b, at("14:00"), at("15:00"))
    services.cancel(gone, by=staff, source=Source.BACKOFFICE)
    record_payment(
        professional=pro_a,
        amount="40.00",
        currency=room.location.currency,
        method="cash",
        received_on=None,
        by=staff,
        source=Source.BACKOFFICE,
    )


def test_a_backup_restores_into_a_new_database_with_the_same_rows(seeded, tmp_path):
    source = rows(url_of(connection.settings_dict["NAME"]))
    assert len(source["scheduling_booking"]) == 3 and len(source["billing_payment"]) == 1

    backup = run("backup.sh", str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.parent == tmp_path and dump.name.startswith("integra-")
    assert dump.suffix == ".dump" and oct(dump.stat().st_mode)[-3:] == "600"

    restored = f"deploy_restore_{uuid.uuid4().hex[:10]}"
    check = run("restore-check.sh", str(dump), "--name", restored, "--keep")
    try:
        assert check.returncode == 0, check.stdout + check.stderr
        report = check.stdout.splitlines()
        assert "bookings 3" in report and "payments 1" in report
        assert "restore check passed: " + str(dump) in report
        assert rows(url_of(restored)) == source
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def test_a_damaged_dump_fails_the_check_and_leaves_no_database_behind(seeded, tmp_path):
    backup = run("backup.sh", str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])

    restored = f"deploy_restore_{uuid.uuid4().hex[:10]}"
    check = run("restore-check.sh", str(damaged), "--name", restored)
    assert check.returncode != 0
    assert "pg_restore: error" in check.stderr
    assert "restore check FAILED" in check.stderr
    assert f"dropped database {restored}" in check.stdout
    assert not database_exists(restored)


def test_a_dump_whose_booking_lost_its_slot_claims_fails_the_integrity_check(seeded, tmp_path):
    # Not a state the product makes: a damaged database, which is what the check is for.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM scheduling_slotclaim WHERE booking_id = "
            "(SELECT min(id) FROM scheduling_booking WHERE status = 'booked')"
        )
    backup = run("backup.sh", str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip().splitlines()[-1]

    restored = f"deploy_restore_{uuid.uuid4().hex[:10]}"
    check = run("restore-check.sh", dump, "--name", restored)
    assert check.returncode != 0
    assert "1 bookings whose slot claims do not match their status" in check.stderr
    assert not database_exists(restored)
