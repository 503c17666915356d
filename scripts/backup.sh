#!/usr/bin/env bash
# Back up Integra's PostgreSQL database (DATABASE_URL) into a dated file, in pg_dump's custom
# format (compressed; pg_restore can restore all of it or single tables, in parallel).
#
#   DATABASE_URL=postgres://integra@db.internal/integra scripts/backup.sh [DIRECTORY]
#
# DIRECTORY defaults to $BACKUP_DIR, else var/backups under the project. Prints the path of
# the file it wrote: integra-YYYYMMDDTHHMMSSZ.dump (UTC). The file is readable by its owner
# only (it holds health data and money), and appears only once pg_dump has finished, so a
# dump that failed halfway never looks like a backup. Prove a backup restores with
# scripts/restore-check.sh (docs/deploy.md).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -z "${DATABASE_URL:-}" ]]; then
    echo "backup.sh: DATABASE_URL is not set (postgres://user:password@host:port/name)" >&2
    exit 2
fi
case "$DATABASE_URL" in
postgres://* | postgresql://*) ;;
*)
    echo "backup.sh: DATABASE_URL is not PostgreSQL; a SQLite file is copied with" \
        "sqlite3 FILE '.backup COPY' instead" >&2
    exit 2
    ;;
esac

directory="${1:-${BACKUP_DIR:-$root/var/backups}}"
umask 077
mkdir -p "$directory"
file="$directory/integra-$(date -u +%Y%m%dT%H%M%SZ).dump"
if [[ -e "$file" ]]; then
    echo "backup.sh: $file already exists; not overwriting it" >&2
    exit 1
fi
trap 'rm -f "$file.partial"' EXIT
pg_dump --format=custom --file="$file.partial" --dbname="$DATABASE_URL"
mv "$file.partial" "$file"
echo "$file"
