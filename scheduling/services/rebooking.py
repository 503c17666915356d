"""Book again: a past booking's room, weekday and time on the next date they are free, or
the nearest alternative to the first such date when they are not free before the
booking horizon. Writes only through `bookings.book`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from patients.models import CareLink

from .. import availability, policy, timeslots
from ..errors import InvalidBooking
from ..models import Booking, Room, SessionType
from . import bookings

SAME = "same"
ALTERNATIVE = "alternative"
# Without a policy horizon (staff), look this far ahead for the same room and time.
STAFF_WEEKS = 13


@dataclass
class Rebooked:
    booking: Booking
    how: str  # SAME or ALTERNATIVE
    wanted_day: date  # the first date with the original weekday and time from now on


def same_time_on(original: Booking, day: date) -> tuple[datetime, datetime]:
    """(start, end) of `original`'s wall-clock times in its location on local `day` (the
    start's day): the same local slot whatever daylight saving does in between."""
    tz = original.room.location.zone
    local_start = original.starts_at.astimezone(tz)
    local_end = original.ends_at.astimezone(tz)
    start = timeslots.local_to_utc(day, local_start.time(), tz)
    end = timeslots.local_to_utc(
        day + (local_end.date() - local_start.date()), local_end.time(), tz
    )
    return start, end if end > start else start + (original.ends_at - original.starts_at)


def weeks_later(original: Booking, weeks: int = 1) -> tuple[datetime, datetime]:
    """(start, end) of `original`'s slot `weeks` weeks on, at the same local times: the
    calendar's "Book same slot next week"."""
    local_day = original.starts_at.astimezone(original.room.location.zone).date()
    return same_time_on(original, local_day + timedelta(weeks=weeks))


def _occurrences(original: Booking, first_day: date, last_day: date):
    """(local day, start, end) with the original's weekday and wall-clock times, weekly."""
    weekday = original.starts_at.astimezone(original.room.location.zone).weekday()
    day = first_day + timedelta(days=(weekday - first_day.weekday()) % 7)
    while day <= last_day:
        yield day, *same_time_on(original, day)
        day += timedelta(days=7)


def _same_session(original: Booking) -> dict:
    """The session to carry over: the same patients (those still in the professional's
    care team, never an erased one), its type, price, currency and video link."""
    kept = set(
        CareLink.objects.filter(
            professional_id=original.professional_id,
            patient__in=original.patients.filter(erased_at__isnull=True),
        ).values_list("patient_id", flat=True)
    )
    virtual = original.room.is_virtual
    return {
        "session_type": SessionType.VIRTUAL if virtual else SessionType.ON_SITE,
        "video_link": original.video_link if virtual else "",
        "patients": sorted(kept),
        "session_price": original.session_price,
        "session_currency": original.session_currency,
    }


def rebook(original: Booking, *, by, source: str, ip: str | None = None) -> Rebooked:
    """Book `original`'s room for its professional at the same weekday and local time on
    the next date both are free (from now on, within the location's booking horizon when
    `by` is bound by the policy); if there is none, the nearest free alternative to the
    first such date (another room at the same time, or the same room near it).

    Raises InvalidBooking when nothing is free near it, and whatever `book` raises (a
    policy refusal, SlotTaken if someone took the slot in the meantime)."""
    now = timezone.now()
    location = original.room.location
    tz = location.zone
    today = now.astimezone(tz).date()
    if policy.binds(by):
        last_day = policy.bookable_until(location, now).astimezone(tz).date()
    else:
        last_day = today + timedelta(weeks=STAFF_WEEKS)
    minutes = original.minutes
    candidates = [o for o in _occurrences(original, today, last_day) if o[1] >= now]
    if not candidates:
        raise InvalidBooking(
            _("There is no %(weekday)s left before the booking horizon.")
            % {"weekday": date_format(original.starts_at.astimezone(tz), "l")},
            code="no_rebooking",
        )
    free = set()
    if minutes % timeslots.SLOT_MINUTES == 0:
        free = {
            w.starts_at
            for w in availability.free_windows(
                first_day=candidates[0][0],
                last_day=candidates[-1][0],
                minutes=minutes,
                rooms=[original.room_id],
                professional_id=original.professional_id,
                not_before=now,
            )
        }
    for _day, start, end in candidates:
        if start in free and (end - start).total_seconds() // 60 == minutes:
            booking = bookings.book(
                room=original.room,
                professional=original.professional,
                starts_at=start,
                ends_at=end,
                by=by,
                source=source,
                notes="",
                ip=ip,
                **_same_session(original),
            )
            return Rebooked(booking, SAME, candidates[0][0])
    wanted_day, start, end = candidates[0]
    alternatives = availability.nearest_alternatives(
        room=original.room,
        professional_id=original.professional_id,
        starts_at=start,
        ends_at=end,
        not_before=now,
        count=10,
    )
    if policy.binds(by):
        horizon = policy.bookable_until(location, now)
        alternatives = [w for w in alternatives if w.ends_at <= horizon]
    if not alternatives:
        raise InvalidBooking(
            _(
                "%(room)s is not free on a %(weekday)s at %(time)s before the booking horizon, "
                "and nothing is free near it; find another slot."
            )
            % {
                "room": original.room.name,
                "weekday": date_format(original.starts_at.astimezone(tz), "l"),
                "time": date_format(original.starts_at.astimezone(tz), "H:i"),
            },
            code="no_rebooking",
        )
    choice = alternatives[0]
    booking = bookings.book(
        room=Room.objects.select_related("location").get(pk=choice.room_id),
        professional=original.professional,
        starts_at=choice.starts_at,
        ends_at=choice.ends_at,
        by=by,
        source=source,
        ip=ip,
        **_same_session(original),
    )
    return Rebooked(booking, ALTERNATIVE, wanted_day)
