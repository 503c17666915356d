#!/usr/bin/env bash
# Prove a backup restores: restore DUMP (from scripts/backup.sh) into a NEW database on the
# server DATABASE_URL names, print what it holds, check the booking guarantee's rows (every
# active booking holds slot claims, no cancelled one does), check it as the app would (every
# migration applied, Django's system checks against it), then drop it.
#
#   DATABASE_URL=postgres://integra@db.internal/integra scripts/restore-check.sh DUMP \
#       [--name NEW_DATABASE] [--keep]
#
# --name    the new database (default integra_restore_YYYYMMDD_HHMMSS); it must not exist
# --keep    keep it afterwards (to look at it, or to switch to it: docs/deploy.md)
# The live database is only read for its address; nothing is written to it. Exit 0 when all
# passed; non-zero with the failing step's own message otherwise.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

dump="" name="" keep=0
while (($#)); do
    case "$1" in
    --keep) keep=1 ;;
    --name)
        [[ $# -ge 2 ]] || usage
        name="$2"
        shift
        ;;
    -h | --help) usage ;;
    -*)
        echo "restore-check.sh: unknown option $1" >&2
        usage
        ;;
    *) dump="$1" ;;
    esac
    shift
done
[[ -n "$dump" ]] || usage
if [[ ! -f "$dump" ]]; then
    echo "restore-check.sh: no dump at $dump" >&2
    exit 2
fi
if [[ -z "${DATABASE_URL:-}" ]]; then
    echo "restore-check.sh: DATABASE_URL is not set (its server receives the new database)" >&2
    exit 2
fi
name="${name:-integra_restore_$(date -u +%Y%m%d_%H%M%S)}"
if [[ ! "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
    echo "restore-check.sh: '$name' is not a plain database name (a-z, 0-9, _)" >&2
    exit 2
fi
# The same address with the new database's name (its user, password, host and options kept).
target="$(python3 -c '
import sys, urllib.parse as up
url = up.urlsplit(sys.argv[1])
print(up.urlunsplit(url._replace(path="/" + sys.argv[2])))' "$DATABASE_URL" "$name")"

sql() { psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 "$@"; }

created=0
finish() {
    local status=$?
    if ((created)); then
        if ((keep)); then
            echo "kept database $name"
        else
            sql --dbname="$DATABASE_URL" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
            echo "dropped database $name"
        fi
    fi
    if ((status == 0)); then
        echo "restore check passed: $dump"
    else
        echo "restore check FAILED: $dump" >&2
    fi
    exit "$status"
}
trap finish EXIT

echo "== restoring $dump into a new database $name"
sql --dbname="$DATABASE_URL" -c "CREATE DATABASE \"$name\""
created=1
# One transaction, stopping at the first error: a restore that is partly there is a failure.
pg_restore --no-owner --no-acl --exit-on-error --single-transaction --dbname="$target" "$dump"

echo "== what it holds"
sql --dbname="$target" --tuples-only --no-align --field-separator=' ' <<'SQL'
SELECT 'bookings', count(*) FROM scheduling_booking
UNION ALL SELECT 'slot_claims', count(*) FROM scheduling_slotclaim
UNION ALL SELECT 'booking_changes', count(*) FROM scheduling_bookingchange
UNION ALL SELECT 'payments', count(*) FROM billing_payment
UNION ALL SELECT 'allocations', count(*) FROM billing_allocation
UNION ALL SELECT 'statements', count(*) FROM billing_statement
UNION ALL SELECT 'professionals', count(*) FROM professionals_professional
UNION ALL SELECT 'users', count(*) FROM auth_user;
SQL

echo "== integrity: every active booking holds slots, no cancelled one does"
broken="$(sql --dbname="$target" --tuples-only --no-align <<'SQL'
SELECT count(*) FROM scheduling_booking b
WHERE (b.status <> 'cancelled')
    <> EXISTS (SELECT 1 FROM scheduling_slotclaim c WHERE c.booking_id = b.id);
SQL
)"
if [[ "$broken" != "0" ]]; then
    echo "restore-check.sh: $broken bookings whose slot claims do not match their status" >&2
    exit 1
fi
echo "ok"

echo "== every migration applied (manage.py migrate --check)"
(cd "$root" && DATABASE_URL="$target" "$python" manage.py migrate --check --no-input -v 1)
echo "== system checks (manage.py check --database default)"
(cd "$root" && DATABASE_URL="$target" "$python" manage.py check --database default)

