"""The clinic's booking policy per location, for bookings professionals make themselves.

Fields live on Location (edited by staff in the admin and on the location's policy page):
- `cancellation_deadline_hours`: free cancellation until this many hours before the start.
  Any cancellation after it (by anyone) is recorded on the booking as `cancelled_late`,
  which is what billing charges; a professional may no longer *move* the booking then.
- `reception_may_waive_late_fee`: staff cancelling late choose to charge the late fee or
  waive it (with a reason); a manager always may waive, reception only when this is on.
  A professional never waives their own fee (see `may_waive_late_fee`).
- `booking_horizon_days`: a professional books at most this many days ahead.
- `portal_min_minutes` / `portal_max_minutes`: length limits for professionals (empty:
  the location's own limits, which bind everyone).
- `approval_mode`: auto, manual, or auto for *known* professionals. A professional is
  known when they have at least one executed booking (at any location): they have
  actually come to the clinic. Otherwise a portal booking is created as `requested`; it
  holds its slots until staff approve it (→ booked) or decline it (→ cancelled).

The policy binds a booking made by a signed-in user who is not staff (a professional on
the portal or the API). Staff, and the system (no user), are never bound by its booking
rules; the free-cancellation deadline applies to every cancellation, and only staff may
waive the fee of a late one.

The booking service (scheduling.services.bookings) is the only caller that enforces it;
pages may call `cancellable_until` to tell a professional "cancel free until …"."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from accounts import roles

from .errors import InvalidBooking
from .models import ApprovalMode, Booking, BookingStatus, Location

# A location's booking policy: the fields its policy page and its admin section edit.
POLICY_FIELDS = [
    "cancellation_deadline_hours",
    "booking_horizon_days",
    "portal_min_minutes",
    "portal_max_minutes",
    "approval_mode",
    "reception_may_waive_late_fee",
]


def binds(by) -> bool:
    """Whether the policy applies to a change made by `by`."""
    return by is not None and by.is_authenticated and not roles.is_staff(by)


def cancellable_until(booking: Booking) -> datetime:
    """Until when (UTC) the booking can be cancelled without it counting as late, and
    moved by the professional."""
    return free_until(booking.room.location, booking.starts_at)


def free_until(location: Location, starts_at: datetime) -> datetime:
    """Until when a booking at `location` starting at `starts_at` could be cancelled free."""
    return starts_at - timedelta(hours=location.cancellation_deadline_hours)


def is_late(location: Location, starts_at: datetime, at: datetime) -> bool:
    """A cancellation at `at` of a booking starting at `starts_at` is late."""
    return at > starts_at - timedelta(hours=location.cancellation_deadline_hours)


def may_waive_late_fee(location: Location, by) -> bool:
    """Whether `by` may waive the fee of a late cancellation at `location`: a manager
    always, reception when the location allows it, nobody else (a professional's late
    cancellation is late)."""
    if not roles.is_staff(by):
        return False
    return location.reception_may_waive_late_fee or by.has_perm("scheduling.waive_late_fee")


def bookable_until(location: Location, now: datetime) -> datetime:
    """The latest end a professional may book (UTC): the horizon counted from now."""
    return now + timedelta(days=location.booking_horizon_days)


def check_times(location: Location, starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """Refuse (InvalidBooking, code `policy_*`) a professional's booking or move that is
    beyond the horizon or outside the length limits. Times are aware UTC."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if location.portal_min_minutes and minutes < location.portal_min_minutes:
        raise InvalidBooking(
            _("At %(location)s you can book at least %(minutes)d minutes at a time.")
            % {"location": location.name, "minutes": location.portal_min_minutes},
            code="policy_too_short",
            field="ends_at",
        )
    if location.portal_max_minutes and minutes > location.portal_max_minutes:
        raise InvalidBooking(
            _(
                "At %(location)s you can book at most %(minutes)d minutes at a time; "
                "ask reception for longer."
            )
            % {"location": location.name, "minutes": location.portal_max_minutes},
            code="policy_too_long",
            field="ends_at",
        )
    if ends_at > bookable_until(location, now):
        raise InvalidBooking(
            _("At %(location)s you can book up to %(days)d days ahead.")
            % {"location": location.name, "days": location.booking_horizon_days},
            code="policy_beyond_horizon",
            field="starts_at",
        )


def check_move_deadline(booking: Booking, now: datetime) -> None:
    """A professional moves a booked booking only before the free-cancellation deadline."""
    if booking.status == BookingStatus.BOOKED and now > cancellable_until(booking):
        raise InvalidBooking(
            _(
                "This booking can no longer be moved: changes are possible until "
                "%(hours)d hours before the start. Ask reception, or cancel it (it will "
                "count as a late cancellation)."
            )
            % {"hours": booking.room.location.cancellation_deadline_hours},
            code="policy_deadline",
            field="starts_at",
        )


def is_known(professional) -> bool:
    """Known to the clinic: at least one executed booking, at any location."""
    return Booking.objects.filter(
        professional_id=professional.pk, status=BookingStatus.EXECUTED
    ).exists()


def first_status(location: Location, professional, by) -> str:
    """The status a new booking starts in: requested when the location wants staff to
    approve this professional's portal bookings, else booked."""
    if not binds(by):
        return BookingStatus.BOOKED
    mode = location.approval_mode
    if mode == ApprovalMode.MANUAL or (mode == ApprovalMode.KNOWN and not is_known(professional)):
        return BookingStatus.REQUESTED
    return BookingStatus.BOOKED
