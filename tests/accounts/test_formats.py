"""accounts.formats writes a time as it stands in its location's zone, never in the
server's (Asia/Kathmandu in the tests) nor UTC: 23:30 in Lima is already tomorrow in UTC
and in Kathmandu; 09:00 in Kiritimati (+14) is yesterday in UTC."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

from accounts import formats

LIMA = ZoneInfo("America/Lima")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")


def test_the_server_runs_in_a_zone_no_location_uses():
    assert settings.TIME_ZONE == "Asia/Kathmandu"


def test_a_late_evening_in_lima_keeps_its_own_day_and_hour():
    late = datetime(2026, 12, 2, 23, 30, tzinfo=LIMA)  # 04:30 UTC on the 3rd
    with translation.override("es"):
        assert formats.day(late) == "mié, 2 dic. 2026"
        assert formats.hm(late) == "23:30"
        assert formats.short_moment(late) == "mié, 2 dic. 23:30"
        assert formats.offset(late) == "GMT-05:00"
    with translation.override("en"):
        assert formats.moment(late) == "Wed, 2 Dec 2026 23:30"


def test_a_morning_in_kiritimati_keeps_its_own_day_and_hour():
    morning = datetime(2026, 12, 3, 9, 0, tzinfo=KIRITIMATI)  # 19:00 UTC on the 2nd
    with translation.override("pt-br"):
        assert formats.day(morning) == "qui., 3 de dez. de 2026"
        assert (
            formats.span(morning, morning.replace(hour=10)) == "qui., 3 de dez. de 2026 09:00–10:00"
        )
        assert formats.offset(morning) == "+14:00 GMT"  # CLDR: Portuguese puts GMT after
