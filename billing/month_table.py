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
    return year_table(year, location_id=location_id, months=[month])[month]


def year_table(
    year: int, *, location_id: int | None = None, months: list[int] | None = None
) -> dict[int, list[Row]]:
    """month_table for each month of `year` (or of `months`), by month number: the same
    five queries for the whole year (one bookings query spanning the months, cut on each
    booking's local date)."""
    months = sorted(months or range(1, 13))
    bounds = {m: month_bounds(year, m) for m in months}
    first_day, last_day = bounds[months[0]][0], bounds[months[-1]][1]
    professionals = list(Professional.objects.order_by("name"))
    bookings = Booking.objects.filter(
        starts_at__gte=date_to_utc_bound(first_day - timedelta(days=1)),
        starts_at__lt=date_to_utc_bound(last_day + timedelta(days=2)),
    ).select_related("room__location")
    if location_id is not None:
        bookings = bookings.filter(room__location_id=location_id)
    by_month = defaultdict(list)
    for booking in bookings:
        local_day = commission.local_day_of(booking)
        if local_day.year == year and local_day.month in bounds:
            by_month[local_day.month].append(booking)
    agreements = commission.Agreements()
    policies = commission.all_policies()
    return {
        m: _rows(
            professionals,
            commission.sheets(by_month[m], agreements=agreements, policies=policies),
        )
        for m in months
    }


def _rows(professionals, sheets) -> list[Row]:
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


def as_csv(
    rows: list[Row],
    headings: list[str],
    *,
    months: list[str] | None = None,
    month_heading: str = "Month",
) -> str:
    """The table as CSV (UTF-8 text): the headings given, then one line per row, amounts
    as plain numbers with a dot (what spreadsheets read in every language). With `months`
    (one "YYYY-MM" per row) a first column says each row's month."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([month_heading, *headings] if months is not None else headings)
    for index, row in enumerate(rows):
        cells = [
            row.professional.name,
            row.currency,
            row.sessions,
            row.hours,
            row.gross,
            row.commission,
            row.rent,
            row.balance,
        ]
        writer.writerow([months[index], *cells] if months is not None else cells)
    return out.getvalue()
