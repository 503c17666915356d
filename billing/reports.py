"""Figures for the billing page: a month's income by location and room."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from scheduling.models import Booking

from . import ledger
from . import statement_document as statements


@dataclass
class IncomeRow:
    location: str
    room: str
    currency: str
    charged: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    bookings: int = 0


def bookings_in_month(year: int, month: int, **filters):
    """Bookings whose local start date (in their location's zone) falls in the month."""
    first_day, last_day = statements.month_bounds(year, month)
    window = Booking.objects.filter(
        starts_at__gte=statements.date_to_utc_bound(first_day - timedelta(days=1)),
        starts_at__lt=statements.date_to_utc_bound(last_day + timedelta(days=2)),
        **filters,
    ).select_related("room__location", "professional")
    return [
        b
        for b in window
        if first_day <= b.starts_at.astimezone(b.room.location.zone).date() <= last_day
    ]


def month_income(year: int, month: int) -> list[IncomeRow]:
    """Charged and paid (allocated) per room for the month's bookings, by location."""
    rows: dict[int, IncomeRow] = {}
    for charge in ledger.charges(bookings_in_month(year, month)):
        room = charge.booking.room
        row = rows.setdefault(
            room.pk, IncomeRow(room.location.name, room.name, charge.booking.currency)
        )
        row.charged += charge.amount
        row.paid += charge.allocated
        row.bookings += 1
    return sorted(rows.values(), key=lambda r: (r.location, r.room))


def income_totals(rows: list[IncomeRow]) -> list[IncomeRow]:
    """One total row per location and currency."""
    totals: dict[tuple[str, str], IncomeRow] = {}
    for row in rows:
        total = totals.setdefault(
            (row.location, row.currency), IncomeRow(row.location, "", row.currency)
        )
        total.charged += row.charged
        total.paid += row.paid
        total.bookings += row.bookings
    return list(totals.values())
