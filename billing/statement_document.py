"""A professional's monthly statement: what it contains (computed from the ledger) and its
PDF. Issuing and storing it is billing.services.statements' job."""

from __future__ import annotations

import calendar
import functools
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from scheduling.models import Booking, BookingStatus, Location

from . import ledger, listing, money
from .models import Payment

# Statement templates refer to static files as {{ static_base }}path; nothing else is fetched.
STATIC_BASE = "https://integra.invalid/static/"


class StaticOnlyFetcher(weasyprint.URLFetcher):
    """Serve only our own static files to weasyprint: no file://, no network, so a
    template (or a value in it) can never embed a local file or a remote URL."""

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_BASE):
            raise ValueError(f"Statements may only use our static files, not {url}")
        relative = unquote(url[len(STATIC_BASE) :].split("?")[0])
        if ".." in relative.split("/"):
            raise ValueError(f"Not a static file: {url}")
        path = finders.find(relative)
        if not path:
            raise ValueError(f"No such static file: {relative}")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(url, body, {"Content-Type": content_type})


STATE_ORDER = {
    BookingStatus.BOOKED: 0,
    BookingStatus.EXECUTED: 1,
    BookingStatus.NO_SHOW: 2,
    BookingStatus.CANCELLED: 3,
}


def natural(text: str) -> list:
    """A sort key that orders the numbers inside names by value: Sala 2 < Sala 10."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last local day of the month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class StatementContent:
    professional: object
    year: int
    month: int
    currency: str
    first_day: date
    last_day: date
    lines: list[ledger.Charge]
    payments: list[Payment]
    opening_balance: Decimal
    locations: list[Location] = field(default_factory=list)

    @property
    def charges_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def payments_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + self.charges_total - self.payments_total

    @property
    def by_state(self) -> dict[str, Decimal]:
        """Totals per state, in the order of the booking's life (booked, executed, no-show,
        late cancellation)."""
        ordered = sorted(self.lines, key=lambda c: STATE_ORDER.get(c.booking.status, 9))
        return ledger.totals_by(ordered, lambda c: c.kind)

    @property
    def by_room(self) -> dict[str, Decimal]:
        """Totals per room, by location and then room, "Sala 2" before "Sala 10"."""
        ordered = sorted(
            self.lines,
            key=lambda c: (natural(c.booking.room.location.name), natural(c.booking.room.name)),
        )
        return ledger.totals_by(
            ordered, lambda c: f"{c.booking.room.name} · {c.booking.room.location.name}"
        )

    def totals(self) -> dict:
        """What the Statement row keeps beside the PDF (amounts as exact strings)."""
        return {
            "by_state": {k: str(v) for k, v in self.by_state.items()},
            "by_room": {k: str(v) for k, v in self.by_room.items()},
            "lines": len(self.lines),
            "payments": len(self.payments),
        }


def is_statement_line(charge: ledger.Charge) -> bool:
    """Every charge of the month; a cancellation made in time costs nothing and is left out."""
    return charge.booking.status != BookingStatus.CANCELLED or charge.amount > 0


def build(professional, year: int, month: int, currency: str) -> StatementContent:
    """Compute the statement of `professional` for a month in `currency`.

    A booking belongs to the month of its local start date (in its location's zone); a
    payment to the month of the day it was received. The opening balance is everything
    charged before the month minus everything paid before it, so a month's closing balance
    is the next month's opening balance."""
    first_day, last_day = month_bounds(year, month)
    # A UTC window one day wider than the month on each side catches every local day;
    # the exact cut is made on local dates below.
    window_end = date_to_utc_bound(last_day + timedelta(days=2))
    bookings = list(
        Booking.objects.filter(
            professional=professional, currency=currency, starts_at__lt=window_end
        ).select_related("room__location")
    )
    policies = ledger.Policies()
    before, during = [], []
    for booking in bookings:
        local_day = booking.starts_at.astimezone(booking.room.location.zone).date()
        if local_day < first_day:
            before.append(booking)
        elif local_day <= last_day:
            during.append(booking)
    charged_before = sum(
        (c.amount for c in ledger.charges(before, policies=policies, with_allocations=False)),
        Decimal(0),
    )
    paid_before = Payment.objects.filter(
        professional=professional, currency=currency, received_on__lt=first_day
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    lines = [
        c
        for c in ledger.charges(during, policies=policies, with_allocations=False)
        if is_statement_line(c)
    ]
    payments = list(
        Payment.objects.filter(
            professional=professional,
            currency=currency,
            received_on__gte=first_day,
            received_on__lte=last_day,
        ).select_related("reverses")
    )
    locations = sorted({c.booking.room.location for c in lines}, key=lambda loc: loc.name)
    return StatementContent(
        professional=professional,
        year=year,
        month=month,
        currency=currency,
        first_day=first_day,
        last_day=last_day,
        lines=lines,
        payments=payments,
        opening_balance=money.quantize(charged_before - paid_before, currency),
        locations=locations,
    )


def date_to_utc_bound(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def statement_html(
    content: StatementContent, *, number: str, version: int, replaces: str | None, issued_on: date
) -> str:
    """The statement as HTML (billing/statement.html); its style is `stylesheet()`."""
    return render_to_string(
        "billing/statement.html",
        {
            "s": content,
            "listing": listing.charge_listing(
                content.lines, content.currency, content.charges_total
            ),
            "number": number,
            "version": version,
            "replaces": replaces,
            "issued_on": issued_on,
            "clinic_name": getattr(settings, "CLINIC_NAME", "Integra"),
            "static_base": STATIC_BASE,
            "title": _("Statement %(number)s") % {"number": number},
        },
    )


def render_pdf(
    content: StatementContent, *, number: str, version: int, replaces: str | None, issued_on: date
) -> bytes:
    """The statement as a PDF (A4)."""
    html = statement_html(
        content, number=number, version=version, replaces=replaces, issued_on=issued_on
    )
    return weasyprint.HTML(
        string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher()
    ).write_pdf(stylesheets=[stylesheet()])


STYLESHEET = Path(__file__).with_name("statement.css")


@functools.cache
def stylesheet() -> weasyprint.CSS:
    """billing/statement.css, parsed once per process (weasyprint reads it, never changes
    it, so every statement can share it)."""
    return weasyprint.CSS(
        string=STYLESHEET.read_text(encoding="utf-8"),
        base_url=STATIC_BASE,
        url_fetcher=StaticOnlyFetcher(),
    )
