"""The 15-minute grid every booking sits on, and conversions between UTC and a location's
local time."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

SLOT = timedelta(minutes=15)
SLOT_MINUTES = 15


def is_aligned(moment: datetime) -> bool:
    """True when `moment` sits on a 15-minute boundary of its own clock.

    Checked on the aware value's local wall clock: every real-world UTC offset in use is a
    multiple of 15 minutes, so local and UTC alignment agree."""
    return moment.second == 0 and moment.microsecond == 0 and moment.minute % SLOT_MINUTES == 0


def slot_starts(starts_at: datetime, ends_at: datetime) -> Iterator[datetime]:
    """Yield the UTC start of every slot in [starts_at, ends_at)."""
    cursor = starts_at.astimezone(UTC)
    end = ends_at.astimezone(UTC)
    while cursor < end:
        yield cursor
        cursor += SLOT


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_known_zone(name: str) -> bool:
    return name in _zone_names()


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def local_midnight(local_day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(local_day, time(0), tzinfo=tz)


def local_to_utc(local_day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a local day.

    Wall times that do not exist (skipped by a daylight-saving jump) resolve forwards, as
    zoneinfo does with fold=0."""
    naive = datetime.combine(local_day, clock)
    aware = naive.replace(tzinfo=tz)
    # Round-trip to normalise times inside a DST gap.
    return aware.astimezone(UTC)


def days(first: date, last: date) -> Iterator[date]:
    cursor = first
    while cursor <= last:
        yield cursor
        cursor += timedelta(days=1)


def floor_to_slot(moment: datetime) -> datetime:
    return moment.replace(
        minute=moment.minute - moment.minute % SLOT_MINUTES, second=0, microsecond=0
    )


def ceil_to_slot(moment: datetime) -> datetime:
    floored = floor_to_slot(moment)
    return floored if floored == moment else floored + SLOT
