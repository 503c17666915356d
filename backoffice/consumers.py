"""The receptionists' live calendar stream: every booking of the watched locations, drawn
as the staff calendar draws it (backoffice/calendar.py). The shared structure (subscribe,
resync, close on logout) is scheduling/stream.py's.

Health data: a card names its session's patients (in full, or first name and initial where
the professional keeps one discreet). It is drawn once per change for all sockets, but
each socket that is sent it is a calendar read by its own viewer: once the change has gone
out, one insert records a PatientRead (kind "calendar", source backoffice, path
/ws/calendar/) per receiving socket and patient. A card sent as "booking.gone" names
nobody and is not recorded; a send that failed is not a read."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import translation

from accounts import languages, roles
from accounts.audit import Actor, Source
from billing import ledger, marks
from patients.access import record_reads_by
from patients.models import ReadKind
from scheduling.models import Booking
from scheduling.stream import SINCE_MARGIN, CalendarStreamConsumer

from . import calendar

STREAM_PATH = "/ws/calendar/"


def _load(booking_id: int, wanted: list[str]) -> dict[str, tuple] | None:
    """The booking's card and its HTML in each language a viewer reads: read once, drawn
    once per language."""
    # fetch-ok: an event's booking, for streams already authorised
    booking = Booking.objects.for_page().filter(pk=booking_id).first()
    if booking is None:
        return None
    charge = ledger.booking_charge(booking)
    drawn = {}
    for language in wanted:
        with translation.override(language):
            card = calendar.card_for(booking, charge)
            drawn[language] = (card, calendar.render_booking(card))
    return drawn


class StaffCalendarConsumer(CalendarStreamConsumer):
    """The receptionists' stream: every booking of the watched locations, in full."""

    # How many of this process's sockets read each language (cards are drawn in these).
    languages_in_use: Counter = Counter()

    async def disconnect(self, code):
        language = getattr(self, "language", None)
        if language is not None:
            self.languages_in_use[language] -= 1
            if self.languages_in_use[language] <= 0:
                del self.languages_in_use[language]
        await super().disconnect(code)

    def may_connect(self, user) -> bool:
        if user is None or not roles.is_staff(user):
            return False
        # Read here, in the thread the base class already uses for this check: no other
        # database round trip while the socket connects.
        self.language = languages.for_scope(self.scope)
        self.languages_in_use[self.language] += 1
        return True

    @classmethod
    async def prepare(cls, message: dict):
        wanted = sorted(cls.languages_in_use) or [settings.LANGUAGE_CODE]
        return await database_sync_to_async(_load)(message["booking_id"], wanted)

    @classmethod
    async def delivered(cls, rendered, receivers: list[tuple]) -> None:
        if not rendered:
            return
        card, _html = next(iter(rendered.values()))
        readers = [
            consumer.reader() for consumer, update in receivers if update["type"] == "booking"
        ]
        if card.patient_ids and readers:
            await database_sync_to_async(record_reads_by)(
                readers, card.patient_ids, ReadKind.CALENDAR, path=STREAM_PATH
            )

    def reader(self) -> Actor:
        client = self.scope.get("client") or (None,)
        return Actor(self.scope["user"], Source.BACKOFFICE, client[0])

    def changed_since(self, since: datetime) -> bool:
        # A card shows its paid mark, so a payment is a change too.
        return super().changed_since(since) or marks.paid_since(since - SINCE_MARGIN)

    def update_for(self, message: dict, rendered) -> dict | None:
        booking_id = message["booking_id"]
        if rendered is None:
            return {"type": "booking.gone", "booking_id": booking_id}
        # A socket that connected after the cards were drawn gets the first language's.
        card, html = rendered.get(self.language) or next(iter(rendered.values()))
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
