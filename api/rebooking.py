"""Booking a booking again, as the portal's "Book again" and the calendar's "Book same slot
next week" do.

- `rebook_booking`: the same room, weekday and local time on the next date they are free,
  else the nearest free alternative (`how` says which) — `scheduling.services.rebook`, bound
  by the location's policy when a professional asks.
- `repeat_booking`: staff only, exactly one week later at the same local times (a taken
  slot is a 409 with alternatives) — `scheduling.services.book` on
  `rebooking.weeks_later`, as the calendar does."""

from datetime import date
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from api.scheduling import BookingId, _audit, staff_only
from api.schemas import BookingOut
from scheduling import services
from scheduling.access import booking_for
from scheduling.services import rebooking

router = Router(tags=["bookings"])


class RebookedOut(Schema):
    booking: BookingOut
    how: Literal["same", "alternative"] = Field(
        description="same: the same room and time; alternative: the nearest free slot instead."
    )
    wanted_day: date = Field(
        description="The first local day with the original weekday and time from now on."
    )


@router.post("/bookings/{booking_id}/rebook", response={201: RebookedOut})
def rebook_booking(request, booking_id: int = BookingId):
    """The booking's professional (or staff): book it again on the next free date."""
    original = booking_for(request.auth, booking_id)
    result = services.rebook(original, **_audit(request))
    booking = booking_for(request.auth, result.booking.pk)
    return Status(201, {"booking": booking, "how": result.how, "wanted_day": result.wanted_day})


@router.post("/bookings/{booking_id}/repeat", response={201: BookingOut})
def repeat_booking(request, booking_id: int = BookingId):
    """Staff: the same room, professional, notes and local times one week later."""
    original = booking_for(request.auth, booking_id)
    staff_only(request.auth)
    starts_at, ends_at = rebooking.weeks_later(original)
    booking = services.book(
        room=original.room,
        professional=original.professional,
        starts_at=starts_at,
        ends_at=ends_at,
        notes=original.notes,
        **_audit(request),
    )
    return Status(201, booking_for(request.auth, booking.pk))
