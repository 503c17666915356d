"""The portal's live stream: what a professional's open page needs to stay true.

It reuses the calendar stream's structure (authenticate, subscribe to locations and days,
close on logout) and differs in what a viewer is sent:

- a change to one of the professional's own bookings: {"type": "mine", "booking_id",
  "action", "status"} (their "my bookings" page refreshes);
- a change to anyone else's booking inside the subscribed locations and days:
  {"type": "busy", "location_id", "room_id", "starts_at", "ends_at", "active"} — which
  room is taken (or freed) when, and nothing else: no name, no booking id, no status, no
  notes. The find-a-slot page removes what was taken and re-fetches its list. A payment
  for someone else's booking is not sent at all (it changes no room's time).

Only professionals may connect (staff have their own stream; a professional is refused
there). Messages are at most once: pages re-fetch on every (re)connect."""

from __future__ import annotations

from datetime import UTC, datetime

from channels.db import database_sync_to_async

from accounts import roles
from billing import marks
from billing.services.payments import PAID, PAYMENT_REVERSED
from scheduling.models import ACTIVE_STATUSES, Booking
from scheduling.stream import SINCE_MARGIN, CalendarStreamConsumer


def _facts(booking_id: int) -> dict | None:
    """Who the booking is for, where and when it is, and its status."""
    # fetch-ok: an event's booking, for streams already authorised
    row = (
        Booking.objects.filter(pk=booking_id)
        .values("professional_id", "room_id", "room__location_id", "starts_at", "ends_at", "status")
        .first()
    )
    return row


class PortalStreamConsumer(CalendarStreamConsumer):
    """A professional's stream: their own changes in full, everyone else's as "busy"."""

    def may_connect(self, user) -> bool:
        if user is None or not user.is_authenticated or roles.is_staff(user):
            return False
        professional = roles.professional_of(user)
        if professional is None or not professional.active:
            return False
        self.professional_id = professional.pk
        return True

    @classmethod
    async def prepare(cls, message: dict):
        # Never renders the staff fragment: a portal viewer is not sent names, so they are
        # not even read.
        return await database_sync_to_async(_facts)(message["booking_id"])

    def changed_since(self, since: datetime) -> bool:
        # "My bookings" shows each booking's payment state.
        return super().changed_since(since) or marks.paid_since(since - SINCE_MARGIN)

    def update_for(self, message: dict, facts) -> dict | None:
        if facts is None:
            return None
        if facts["professional_id"] == self.professional_id:
            return {
                "type": "mine",
                "booking_id": message["booking_id"],
                "action": message.get("action", ""),
                "status": facts["status"],
            }
        if message.get("action") in (PAID, PAYMENT_REVERSED):
            # Money takes or frees no time: others learn nothing, not even that it moved.
            return None
        # Not narrowed to the subscribed days: a move out of them frees time inside them,
        # and the message only knows where the booking is now.
        location_id = facts["room__location_id"]
        if self.first_day is None or location_id not in self.location_ids:
            return None
        return {
            "type": "busy",
            "location_id": location_id,
            "room_id": facts["room_id"],
            "starts_at": facts["starts_at"].astimezone(UTC).isoformat(),
            "ends_at": facts["ends_at"].astimezone(UTC).isoformat(),
            "active": facts["status"] in ACTIVE_STATUSES,
        }
