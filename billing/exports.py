"""CSV exports for spreadsheets (the billing page's and the API's): UTF-8 with a byte-order
mark (so Excel reads accents right), one header row in the reader's language, times in
each location's local zone, dates as ISO 8601. Amounts are numbers as the reader's
spreadsheet reads them: a decimal comma in Portuguese (and then `;` between columns, as
Excel expects there), a point in English and Peruvian Spanish."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import numbers as babel_numbers
from django.utils.translation import gettext as _

from accounts.languages import reader_locale
from professionals.models import Professional
from scheduling.models import Booking, Location

from . import ledger
from .models import Payment

BOM = "\ufeff"


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    location: Location | None = None
    professional: Professional | None = None
    status: str = ""


def _number(value: Decimal, locale) -> str:
    """A decimal as a number cell: its own places, no grouping, the locale's decimal sign."""
    places = max(0, -value.as_tuple().exponent)
    pattern = "0." + "0" * places if places else "0"
    return babel_numbers.format_decimal(value, format=pattern, locale=locale)


def to_csv(header: list[str], rows: Iterable[list]) -> str:
    locale = reader_locale()
    comma = babel_numbers.get_decimal_symbol(locale) == ","
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";" if comma else ",")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_number(v, locale) if isinstance(v, Decimal) else v for v in row])
    return buffer.getvalue()


def _local_day_window(filters: Filters):
    """A UTC window one day wider than the local dates; the exact cut is made per row."""
    start = end = None
    if filters.date_from:
        start = datetime.combine(filters.date_from - timedelta(days=1), time(0), tzinfo=UTC)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=2), time(0), tzinfo=UTC)
    return start, end


def _in_range(day: date, filters: Filters) -> bool:
    return (filters.date_from is None or day >= filters.date_from) and (
        filters.date_to is None or day <= filters.date_to
    )


def bookings_csv(filters: Filters) -> str:
    query = Booking.objects.select_related("room__location", "professional")
    start, end = _local_day_window(filters)
    if start:
        query = query.filter(starts_at__gte=start)
    if end:
        query = query.filter(starts_at__lt=end)
    if filters.location:
        query = query.filter(room__location=filters.location)
    if filters.professional:
        query = query.filter(professional=filters.professional)
    if filters.status:
        query = query.filter(status=filters.status)
    rows = []
    for charge in ledger.charges(query):
        booking = charge.booking
        local_start, local_end = charge.local_start, charge.local_end
        if not _in_range(local_start.date(), filters):
            continue
        rows.append(
            [
                booking.pk,
                local_start.date().isoformat(),
                local_start.strftime("%H:%M"),
                local_end.strftime("%H:%M"),
                booking.room.location.tz,
                booking.room.location.name,
                booking.room.name,
                booking.professional.name,
                booking.minutes,
                booking.get_status_display(),
                booking.price,
                charge.amount,
                charge.allocated,
                str(ledger.PaymentState.LABELS[charge.payment_state]),
                booking.currency,
            ]
        )
    header = [
        _("Booking"),
        _("Date"),
        _("Start"),
        _("End"),
        _("Time zone"),
        _("Location"),
        _("Room"),
        _("Professional"),
        _("Minutes"),
        _("Status"),
        _("Price"),
        _("Charge"),
        _("Paid"),
        _("Payment state"),
        _("Currency"),
    ]
    return to_csv([str(h) for h in header], rows)


def payments_csv(filters: Filters, tz: ZoneInfo) -> str:
    """Payments received in the date range; `recorded at` in `tz` (the staff's location)."""
    query = Payment.objects.select_related("professional", "created_by").order_by(
        "received_on", "pk"
    )
    if filters.date_from:
        query = query.filter(received_on__gte=filters.date_from)
    if filters.date_to:
        query = query.filter(received_on__lte=filters.date_to)
    if filters.professional:
        query = query.filter(professional=filters.professional)
    if filters.location:
        query = query.filter(currency=filters.location.currency)
    rows = [
        [
            p.pk,
            p.received_on.isoformat(),
            p.professional.name,
            p.amount,
            p.currency,
            p.get_method_display(),
            p.reverses_id or "",
            p.note,
            p.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            p.created_by.get_username() if p.created_by else "",
            p.get_source_display(),
        ]
        for p in query
    ]
    header = [
        _("Payment"),
        _("Received on"),
        _("Professional"),
        _("Amount"),
        _("Currency"),
        _("Method"),
        _("Reverses payment"),
        _("Note"),
        _("Recorded at"),
        _("Recorded by"),
        _("Source"),
    ]
    return to_csv([str(h) for h in header], rows)


def professionals_csv(filters: Filters, tz: ZoneInfo) -> str:
    """Professionals who joined in the date range (local dates in `tz`)."""
    query = Professional.objects.order_by("created_at")
    start, end = _local_day_window(filters)
    if start:
        query = query.filter(created_at__gte=start)
    if end:
        query = query.filter(created_at__lt=end)
    if filters.professional:
        query = query.filter(pk=filters.professional.pk)
    if filters.status in ("active", "inactive"):
        query = query.filter(active=filters.status == "active")
    if filters.location:
        query = query.filter(bookings__room__location=filters.location).distinct()
    rows = []
    for professional in query:
        joined = professional.created_at.astimezone(tz)
        if not _in_range(joined.date(), filters):
            continue
        rows.append(
            [
                professional.pk,
                professional.name,
                professional.profession,
                professional.registration_number,
                professional.email,
                professional.phone,
                _("yes") if professional.active else _("no"),
                joined.strftime("%Y-%m-%d %H:%M"),
            ]
        )
    header = [
        _("Professional"),
        _("Name"),
        _("Profession"),
        _("Registration"),
        _("Email"),
        _("Phone"),
        _("Active"),
        _("Joined"),
    ]
    return to_csv([str(h) for h in header], rows)
