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
from django.db.models import Q, Sum, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from scheduling.models import Booking, BookingStatus, Location

from . import commission, ledger, listing, money
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
    # The revenue share (billing.commission): the month's sessions in this currency, and
    # whether an agreement with a commission is in force in the month (an hourly-rent
    # professional's statement shows none of it and stays as it always was).
    sessions: list[commission.SessionLine] = field(default_factory=list)
    shows_commission: bool = False

    @property
    def charges_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def _sessions_sum(self, attribute: str) -> Decimal:
        total = sum((getattr(line, attribute) for line in self.sessions), Decimal(0))
        return money.quantize(total, self.currency)

    @property
    def sessions_gross(self) -> Decimal:
        return self._sessions_sum("counted")

    @property
    def commission_total(self) -> Decimal:
        return self._sessions_sum("commission")

    @property
    def owed_to_clinic(self) -> Decimal:
        """Commission on sessions the professional collected."""
        return self._sessions_sum("owed_to_clinic")

    @property
    def owed_to_professional(self) -> Decimal:
        """Sessions the clinic collected, less its commission."""
        return self._sessions_sum("owed_to_professional")

    @property
    def sessions_balance(self) -> Decimal:
        return self.owed_to_clinic - self.owed_to_professional

    @property
    def month_balance(self) -> Decimal:
        """What the month alone leaves owed (rent + commission owed − owed to the
        professional); the month table's balance."""
        return self.charges_total + self.sessions_balance

    @property
    def payments_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    @property
    def closing_balance(self) -> Decimal:
        return (
            self.opening_balance + self.charges_total + self.sessions_balance - self.payments_total
        )

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
        totals = {
            "by_state": {k: str(v) for k, v in self.by_state.items()},
            "by_room": {k: str(v) for k, v in self.by_room.items()},
            "lines": len(self.lines),
            "payments": len(self.payments),
        }
        if self.shows_commission:
            totals["sessions"] = {
                "count": len(self.sessions),
                "gross": str(self.sessions_gross),
                "commission": str(self.commission_total),
                "owed_to_clinic": str(self.owed_to_clinic),
                "owed_to_professional": str(self.owed_to_professional),
                "month_balance": str(self.month_balance),
            }
        return totals


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
    # the exact cut is made on local dates below. A booking counts in `currency` for its
    # rent or for its session (a Lima room in PEN, its session in USD).
    window_end = date_to_utc_bound(last_day + timedelta(days=2))
    bookings = list(
        Booking.objects.filter(professional=professional, starts_at__lt=window_end)
        .filter(Q(currency=currency) | Q(session_currency=currency))
        .select_related("room__location")
    )
    policies = ledger.Policies()
    agreements = commission.Agreements([professional.pk])
    before, during = [], []
    for booking in bookings:
        local_day = commission.local_day_of(booking)
        if local_day < first_day:
            before.append(booking)
        elif local_day <= last_day:
            during.append(booking)
    prefetch_related_objects(during, "patients")
    shared = {"agreements": agreements, "policies": policies}
    earlier = commission.sheet_of(before, professional.pk, currency, **shared)
    this_month = commission.sheet_of(during, professional.pk, currency, **shared)
    paid_before = Payment.objects.filter(
        professional=professional, currency=currency, received_on__lt=first_day
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    lines = [c for c in this_month.rent_lines if is_statement_line(c)]
    sessions = [s for s in this_month.session_lines if commission.is_counted_session(s)]
    payments = list(
        Payment.objects.filter(
            professional=professional,
            currency=currency,
            received_on__gte=first_day,
            received_on__lte=last_day,
        ).select_related("reverses")
    )
    shown = [c.booking for c in lines] + [s.booking for s in sessions]
    locations = sorted({b.room.location for b in shown}, key=lambda loc: loc.name)
    return StatementContent(
        professional=professional,
        year=year,
        month=month,
        currency=currency,
        first_day=first_day,
        last_day=last_day,
        lines=lines,
        payments=payments,
        opening_balance=money.quantize(earlier.balance - paid_before, currency),
        locations=locations,
        sessions=sessions,
        shows_commission=bool(sessions)
        or agreements.takes_commission_between(professional.pk, first_day, last_day),
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
