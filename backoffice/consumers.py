"""The receptionists' live calendar stream: every booking of the watched locations, drawn
as the staff calendar draws it (backoffice/calendar.py). The shared structure (subscribe,
resync, close on logout) is scheduling/stream.py's."""

from __future__ import annotations

from datetime import datetime

from channels.db import database_sync_to_async

from accounts import roles
from billing import marks
from scheduling.models import Booking
from scheduling.stream import SINCE_MARGIN, CalendarStreamConsumer

from . import calendar


def _load(booking_id: int) -> tuple[calendar.BookingCard, str] | None:
    # fetch-ok: an event's booking, for streams already authorised
    booking = Booking.objects.for_page().filter(pk=booking_id).first()
    if booking is None:
        return None
    card = calendar.card_for(booking)
    return card, calendar.render_booking(card)


class StaffCalendarConsumer(CalendarStreamConsumer):
    """The receptionists' stream: every booking of the watched locations, in full."""

    def may_connect(self, user) -> bool:
        return user is not None and roles.is_staff(user)

    @classmethod
    async def prepare(cls, message: dict):
        return await database_sync_to_async(_load)(message["booking_id"])

    def changed_since(self, since: datetime) -> bool:
        # A card shows its paid mark, so a payment is a change too.
        return super().changed_since(since) or marks.paid_since(since - SINCE_MARGIN)

    def update_for(self, message: dict, rendered) -> dict | None:
        booking_id = message["booking_id"]
        if rendered is None:
            return {"type": "booking.gone", "booking_id": booking_id}
        card, html = rendered
        in_view = (
            card.location_id in self.location_ids
            and self.first_day is not None
            and self.first_day <= card.local_day <= self.last_day
        )
        if not in_view:
            return {"type": "booking.gone", "booking_id": booking_id}
        return {
            "type": "booking",
            "action": message.get("action", ""),
            "booking_id": card.pk,
            "location_id": card.location_id,
            "room_id": card.room_id,
            "local_day": card.local_day.isoformat(),
            "status": card.status,
            "html": html,
        }
