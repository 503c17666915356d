"""Billing fixtures: past bookings made through the booking service, and a snapshot of
every billing row to check that a refusal wrote nothing."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing.models import Allocation, BillingPolicy, Payment, Statement
from scheduling import services
from scheduling.models import Source

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def past(book, at, room):
    """past("2026-10-05", "09:00", "10:00", pro, state="executed") → a booking made after
    the fact (allow_past) and then moved to `state` through the service."""

    def make(day: str, start: str, end: str, professional, *, state="booked", on_room=None):
        local_day = date.fromisoformat(day)
        target = on_room or room
        booking = book(
            target,
            professional,
            at(start, on=local_day, loc=target.location),
            at(end, on=local_day, loc=target.location),
            allow_past=True,
        )
        if state == "executed":
            booking = services.mark_executed(booking, by=None, source=Source.SYSTEM)
        elif state == "no_show":
            booking = services.mark_no_show(booking, by=None, source=Source.SYSTEM)
        elif state == "cancelled":
            booking = services.cancel(booking, by=None, source=Source.SYSTEM)
        return booking

    return make


@pytest.fixture
def policy(location):
    return BillingPolicy.objects.create(
        location=location,
        late_cancel_percent=Decimal("50"),
        no_show_percent=Decimal("100"),
    )


def billing_snapshot():
    return (
        sorted(Payment.objects.values_list("pk", "professional_id", "amount", "reverses_id")),
        sorted(Allocation.objects.values_list("payment_id", "booking_id", "amount")),
        sorted(Statement.objects.values_list("pk", "number", "closing_balance")),
    )


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(bytes(pdf)))
    return "\n".join(page.extract_text() for page in reader.pages)
