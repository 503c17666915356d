"""Times as people read them: in the zone of the location they belong to.

Django's `date` and `time` template filters (and `localtime`) convert an aware datetime to
the *current* time zone, which is the server's: a São Paulo booking formatted that way is
three hours off, a Lima one five, and a Lisbon one looks right only in winter. Everything a
person reads goes through `at_location()` (Python) or the `|local` filter (templates),
which pin the value to its location's zone so no later filter converts it again.

Tests run with the server's TIME_ZONE at Asia/Kathmandu (+05:45), a zone no location uses,
so a time that skipped this module shows a visibly wrong hour."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


class LocalDateTime(datetime):
    """An aware datetime already in the zone its reader needs. Django's template filters
    leave it as it is (the flag is the one `{% timezone %}` and `|timezone` set)."""

    convert_to_local_time = False


def zone_of(where) -> ZoneInfo:
    """The zone of a Location, a Room, a Booking (its room's location), anything with a
    `location`, a ZoneInfo or an IANA name."""
    if isinstance(where, ZoneInfo):
        return where
    if isinstance(where, str):
        return ZoneInfo(where)
    if isinstance(getattr(where, "tz", None), str):  # a Location
        return ZoneInfo(where.tz)
    for inner in ("location", "room"):  # a Room, a Booking, a search, a card
        if getattr(where, inner, None) is not None:
            return zone_of(getattr(where, inner))
    raise TypeError(f"no time zone known for {where!r}")


def at_location(value: datetime | None, where) -> LocalDateTime | None:
    """`value` (an aware datetime) on the wall clock of `where`'s zone, pinned there."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"{value!r} is naive; times are stored aware, in UTC")
    local = value.astimezone(zone_of(where))
    return LocalDateTime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
        local.tzinfo,
        fold=local.fold,
    )
