"""A professional's booking as the portal shows it: local times, state, payment state and
what they may still do with it under the clinic's policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger
from scheduling import policy
from scheduling.local_time import at_location
from scheduling.models import Booking, BookingStatus


@dataclass
class BookingCard:
    booking: Booking
    starts: datetime  # local
    ends: datetime  # local
    charge: Decimal
    currency: str
    payment_state: str
    payment_label: str
    free_until: datetime  # local: cancel free (and move) until then
    can_cancel: bool
    can_move: bool
    cancel_is_late: bool
    can_rebook: bool
    patients: list[tuple[int, str]] = field(default_factory=list)  # (id, name), with_patients

    @property
    def location(self) -> str:
        return self.booking.room.location.name

    @property
    def room(self) -> str:
        return self.booking.room.name


def cards(bookings, *, now: datetime | None = None) -> list[BookingCard]:
    """Cards of `bookings` (with room__location fetched), in the order given. Costs one query
    for payments plus one per location for billing policies."""
    now = now or timezone.now()
    bookings = list(bookings)
    charges = {c.booking.pk: c for c in ledger.charges(bookings)}
    result = []
    for booking in bookings:
        zone = booking.room.location.zone
        charge = charges[booking.pk]
        open_state = booking.status in (BookingStatus.BOOKED, BookingStatus.REQUESTED)
        deadline = policy.cancellable_until(booking)
        upcoming = booking.starts_at > now
        result.append(
            BookingCard(
                booking=booking,
                starts=at_location(booking.starts_at, zone),
                ends=at_location(booking.ends_at, zone),
                charge=charge.amount,
                currency=booking.currency,
                payment_state=charge.payment_state,
                payment_label=str(ledger.PaymentState.LABELS[charge.payment_state]),
                free_until=at_location(deadline, zone),
                can_cancel=open_state and upcoming,
                can_move=open_state
                and upcoming
                and (booking.status == BookingStatus.REQUESTED or now <= deadline),
                cancel_is_late=booking.status == BookingStatus.BOOKED and now > deadline,
                can_rebook=booking.starts_at <= now or booking.status == BookingStatus.CANCELLED,
            )
        )
    return result


def with_patients(cards: list[BookingCard]) -> list[int]:
    """Fill each card's patients (my own bookings, so the full names) in one query; the
    ids shown, for the caller to record as reads."""
    by_booking = {card.booking.pk: card for card in cards}
    rows = (
        Booking.patients.through.objects.filter(booking_id__in=list(by_booking))
        .values_list(
            "booking_id",
            "patient_id",
            "patient__first_name",
            "patient__last_name",
            "patient__erased_at",
        )
        .order_by("patient__first_name", "patient__last_name", "patient_id")
    )
    shown = []
    for booking_id, pk, first, last, erased_at in rows:
        name = _("Erased patient") if erased_at else " ".join(p for p in (first, last) if p)
        by_booking[booking_id].patients.append((pk, name))
        shown.append(pk)
    return shown
