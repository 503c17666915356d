"""The professionals' month table: for every professional, one row per currency of the
month — sessions, hours, gross, commission, rent and the month's balance. Each row holds
exactly the figures of that professional's statement in that currency (both come from
billing.commission.sheets); the table reads them in a constant number of queries."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from professionals.models import Professional
from scheduling.models import Booking

from . import commission
from .statement_document import date_to_utc_bound, month_bounds

ZERO = Decimal("0")


@dataclass
class Row:
    professional: Professional
    currency: str  # "" for a professional with nothing in the month
    sessions: int
    hours: Decimal
    gross: Decimal
    commission: Decimal
    rent: Decimal
    balance: Decimal


# ?sort= names and the value each sorts by; "-name" sorts the other way.
SORTS = {
    "name": lambda row: (row.professional.name.casefold(), row.currency),
    "currency": lambda row: (row.currency, row.professional.name.casefold()),
    "sessions": lambda row: row.sessions,
    "hours": lambda row: row.hours,
    "gross": lambda row: row.gross,
    "commission": lambda row: row.commission,
    "rent": lambda row: row.rent,
    "balance": lambda row: row.balance,
}
DEFAULT_SORT = "name"


def parse_sort(text: str | None) -> str:
    """A sort the table knows ("balance", "-balance"), else the default."""
    text = text or ""
    return text if text.lstrip("-") in SORTS else DEFAULT_SORT


def month_table(year: int, month: int, *, location_id: int | None = None) -> list[Row]:
    """Every professional's rows for the month (only what happened at `location_id` when
    given), sorted by name then currency. Five queries, whatever the number of
    professionals and bookings: professionals, agreements, bookings, charge rules,
    billing policies."""
    first_day, last_day = month_bounds(year, month)
    professionals = list(Professional.objects.order_by("name"))
    bookings = Booking.objects.filter(
        starts_at__gte=date_to_utc_bound(first_day - timedelta(days=1)),
        starts_at__lt=date_to_utc_bound(last_day + timedelta(days=2)),
    ).select_related("room__location")
    if location_id is not None:
        bookings = bookings.filter(room__location_id=location_id)
    in_month = [b for b in bookings if first_day <= commission.local_day_of(b) <= last_day]
    sheets = commission.sheets(
        in_month,
        agreements=commission.Agreements(),
        policies=commission.all_policies(),
    )
    by_professional = defaultdict(list)
    for (pro_id, _currency), sheet in sorted(sheets.items()):
        by_professional[pro_id].append(sheet)
    rows = []
    for professional in professionals:
        theirs = by_professional.get(professional.pk, [])
        if not theirs:
            rows.append(Row(professional, "", 0, ZERO, ZERO, ZERO, ZERO, ZERO))
        for sheet in theirs:
            rows.append(
                Row(
                    professional=professional,
                    currency=sheet.currency,
                    sessions=sheet.sessions,
                    hours=sheet.hours,
                    gross=sheet.gross,
                    commission=sheet.commission,
                    rent=sheet.rent,
                    balance=sheet.balance,
                )
            )
    return rows


def sorted_rows(rows: list[Row], sort: str) -> list[Row]:
    sort = parse_sort(sort)
    key = SORTS[sort.lstrip("-")]
    if sort == "name" or sort == "-name":
        return sorted(rows, key=key, reverse=sort.startswith("-"))
    # Ties (and the zero rows) keep the names in order.
    by_name = sorted(rows, key=SORTS["name"])
    return sorted(by_name, key=key, reverse=sort.startswith("-"))


def as_csv(rows: list[Row], headings: list[str]) -> str:
    """The table as CSV (UTF-8 text): the headings given, then one line per row, amounts
    as plain numbers with a dot (what spreadsheets read in every language)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(
            [
                row.professional.name,
                row.currency,
                row.sessions,
                row.hours,
                row.gross,
                row.commission,
                row.rent,
                row.balance,
            ]
        )
    return out.getvalue()
