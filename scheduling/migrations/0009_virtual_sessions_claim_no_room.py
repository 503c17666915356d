"""On PostgreSQL, the room's exclusion net leaves virtual sessions out: they all sit in
their location's one Online lane and claim no room slot, only their professional's (whose
net stays as it was)."""

from django.db import migrations

CREATE = """
ALTER TABLE scheduling_booking DROP CONSTRAINT IF EXISTS booking_room_no_overlap;
ALTER TABLE scheduling_booking ADD CONSTRAINT booking_room_no_overlap
    EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled' AND session_type = 'on_site');
"""

DROP = """
ALTER TABLE scheduling_booking DROP CONSTRAINT IF EXISTS booking_room_no_overlap;
ALTER TABLE scheduling_booking ADD CONSTRAINT booking_room_no_overlap
    EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled');
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0008_sessions")]
    operations = [migrations.RunPython(forwards, backwards)]
