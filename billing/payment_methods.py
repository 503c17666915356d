"""Where a payment is received and how: the locations it concerns, the methods they accept
and what "today" is there.

A payment belongs to a professional and a currency, not to a location; the locations it
concerns are those of the bookings it pays (when picked), else those where the
professional books in that currency, else every location billing in it. A method is
accepted when one of those locations accepts it: its billing policy's list, or the
defaults of its currency (Pix is Brazil's instant payment system and exists only in BRL).
"Today" is the date in the location's zone, never the server's or UTC's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.models import Booking, Location

from .models import BillingPolicy, PaymentMethod

EVERYWHERE = [PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER]
BY_CURRENCY = {"BRL": [PaymentMethod.PIX]}


def ordered(methods) -> list[str]:
    """`methods` in the order of PaymentMethod (the order forms show them in)."""
    wanted = set(methods)
    return [value for value in PaymentMethod.values if value in wanted]


def defaults_for(currency: str) -> list[str]:
    return ordered(EVERYWHERE + BY_CURRENCY.get(currency, []))


def accepted_under(policy: BillingPolicy | None, location: Location) -> list[str]:
    """The methods `location` accepts under its `policy` (None: it has no row): the
    policy's list, or the defaults of the location's currency."""
    if policy is not None and policy.payment_methods:
        return ordered(policy.payment_methods)
    return defaults_for(location.currency)


def accepted_at(location: Location) -> list[str]:
    """The methods `location` accepts (reads its billing policy)."""
    return accepted_under(BillingPolicy.objects.filter(location_id=location.pk).first(), location)


def locations_for(professional, currency: str, booking_ids=None) -> list[Location]:
    """The locations a payment of `professional` in `currency` concerns (see the module's
    docstring), by name."""
    query = Location.objects.filter(currency=currency).order_by("name")
    mine = Booking.objects.filter(professional=professional, currency=currency)
    if booking_ids:
        picked = query.filter(rooms__bookings__in=mine.filter(pk__in=list(booking_ids)))
        if picked.exists():
            return list(picked.distinct())
    booked = query.filter(rooms__bookings__in=mine)
    if booked.exists():
        return list(booked.distinct())
    return list(query)


def accepted_for(locations: list[Location]) -> list[str]:
    """The methods at least one of `locations` accepts."""
    return ordered(method for location in locations for method in accepted_at(location))


def today_at(location: Location) -> date:
    return timezone.now().astimezone(location.zone).date()


def latest_today(locations: list[Location]) -> date | None:
    """The latest local date among `locations` (a payment cannot be received after it)."""
    return max((today_at(location) for location in locations), default=None)


def label(method: str) -> str:
    return str(dict(PaymentMethod.choices).get(method, method))


def refusal(method: str, locations: list[Location], accepted: list[str]) -> str:
    """ "Pix is not accepted at Lisboa Centro; it accepts cash, card or bank transfer." """
    return _("%(method)s is not accepted at %(places)s; it accepts %(accepted)s.") % {
        "method": label(method),
        "places": ", ".join(location.name for location in locations),
        "accepted": ", ".join(label(m).lower() for m in accepted),
    }


@dataclass
class PaymentSetup:
    """What a payment form starts from for a professional: the currency (of the location
    where they booked last), the methods offered there and today's date there."""

    currency: str | None
    location: Location | None
    methods: list[tuple[str, str]]
    today: date

    @property
    def method_values(self) -> list[str]:
        return [value for value, _label in self.methods]


def _latest_booking(professional, currency: str | None = None):
    query = Booking.objects.filter(professional=professional).select_related("room__location")
    if currency:
        query = query.filter(currency=currency)
    started = query.filter(starts_at__lte=timezone.now()).order_by("-starts_at").first()
    return started or query.order_by("starts_at").first()


def setup_for(professional=None, currency: str | None = None) -> PaymentSetup:
    """The form's defaults: for a professional, the currency of the location of their
    latest booking that has started (else their next one) unless `currency` is given;
    without one, the first location billing in `currency` (or the first location)."""
    location = None
    if professional is not None:
        latest = _latest_booking(professional, currency)
        if latest is not None:
            location = latest.room.location
    if location is None:
        query = Location.objects.order_by("name")
        location = (query.filter(currency=currency) if currency else query).first()
    if currency is None and location is not None:
        currency = location.currency
    if location is None:
        methods = defaults_for(currency or "")
        today = timezone.now().date()
    else:
        places = locations_for(professional, currency) if professional else [location]
        methods = accepted_for(places or [location])
        today = today_at(location)
    return PaymentSetup(
        currency=currency,
        location=location,
        methods=[(value, label(value)) for value in methods],
        today=today,
    )
