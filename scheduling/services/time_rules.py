"""The time rules of a booking: aware UTC times, on the 15-minute grid of its location, inside
opening hours, within the allowed lengths; room and professional active."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import formats
from professionals.models import Professional

from .. import availability, timeslots
from ..errors import (
    InvalidBooking,
    OutsideOpeningHours,
)
from ..models import (
    Room,
)


def as_utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidBooking(_("%(name)s must be a date and time.") % {"name": name}, field=name)
    if timezone.is_naive(value):
        raise InvalidBooking(
            _("%(name)s must include a time zone offset.") % {"name": name}, field=name
        )
    return value.astimezone(UTC)


def check_times(
    room: Room, starts_at: datetime, ends_at: datetime, *, allow_past: bool, now: datetime
) -> tuple[datetime, datetime]:
    """Every rule about when a booking may be, in the order a person would fix them."""
    starts_at = as_utc(starts_at, "starts_at")
    ends_at = as_utc(ends_at, "ends_at")
    location = room.location
    tz = location.zone
    local_start, local_end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    for name, local in (("starts_at", local_start), ("ends_at", local_end)):
        if not timeslots.is_aligned(local):
            raise InvalidBooking(
                _(
                    "Bookings start and end on the quarter hour (:00, :15, :30, :45); "
                    "%(time)s is not."
                )
                % {"time": formats.hm(local)},
                code="misaligned",
                field=name,
            )
    if ends_at <= starts_at:
        raise InvalidBooking(
            _("The end must be after the start."), code="ends_before_start", field="ends_at"
        )
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if minutes < location.min_booking_minutes:
        raise InvalidBooking(
            _("A booking at %(location)s lasts at least %(minutes)d minutes.")
            % {"location": location.name, "minutes": location.min_booking_minutes},
            code="too_short",
            field="ends_at",
        )
    if minutes > location.max_booking_minutes:
        raise InvalidBooking(
            _("A booking at %(location)s lasts at most %(minutes)d minutes.")
            % {"location": location.name, "minutes": location.max_booking_minutes},
            code="too_long",
            field="ends_at",
        )
    if not allow_past and starts_at < now:
        raise InvalidBooking(
            _("That time has already passed; choose a time from now on."),
            code="in_the_past",
            field="starts_at",
        )
    interval = availability.opening_interval(location, local_start.date())
    if interval is None:
        raise OutsideOpeningHours(
            _("%(location)s is closed on %(day)s.")
            % {"location": location.name, "day": formats.full_day(local_start)}
        )
    opens, closes = interval
    if starts_at < opens or ends_at > closes:
        raise OutsideOpeningHours(
            _("%(location)s is open from %(opens)s to %(closes)s on that day.")
            % {
                "location": location.name,
                "opens": formats.hm(opens.astimezone(tz)),
                "closes": formats.hm(closes.astimezone(tz)),
            }
        )
    return starts_at, ends_at


def check_active(room: Room, professional: Professional) -> None:
    if not room.active:
        raise InvalidBooking(
            _("Room %(room)s is not in use.") % {"room": room.name},
            code="inactive_room",
            field="room",
        )
    if not professional.active:
        raise InvalidBooking(
            _("%(name)s is not an active professional.") % {"name": professional.name},
            code="inactive_professional",
            field="professional",
        )
