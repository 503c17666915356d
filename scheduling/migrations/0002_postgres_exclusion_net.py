"""A second net under the slot claims, on PostgreSQL only: exclusion constraints that
refuse two active bookings of one room, or of one professional, with overlapping time
ranges. SQLite has no exclusion constraints; the claims' unique indexes guard it alone."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_booking ADD CONSTRAINT booking_room_no_overlap
    EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled');
ALTER TABLE scheduling_booking ADD CONSTRAINT booking_professional_no_overlap
    EXCLUDE USING gist (professional_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled');
"""

DROP = """
ALTER TABLE scheduling_booking DROP CONSTRAINT IF EXISTS booking_room_no_overlap;
ALTER TABLE scheduling_booking DROP CONSTRAINT IF EXISTS booking_professional_no_overlap;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
