"""The calendar's "Record payment…": what one booking still owes, and a payment for it.

Staff only, answering JSON like the other calendar endpoints. What is owed is read from
billing's ledger when the popover opens, so it is right after a part payment made anywhere
(another screen, the billing page); the payment goes through billing's one write path,
allocated to that booking alone. A refusal answers with the service's sentence (422), a
missing booking with 404, and writes nothing."""

from __future__ import annotations

from datetime import date

from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import formats
from accounts.audit import actor_from_request
from backoffice import calendar
from backoffice.views.bookings import _answer, staff_endpoint
from billing import ledger, money, payment_methods
from billing.errors import BillingError
from billing.services import record_payment
from scheduling.access import booking_for_staff
from scheduling.models import Booking, Source


class Refused(Exception):
    """Input the view refuses before billing sees it (a date that is not a date)."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.message, self.field = str(message), field


def _local_today(booking: Booking) -> date:
    return timezone.now().astimezone(booking.room.location.zone).date()


def _unbroken(amount, currency: str) -> str:
    """ "€25.00" / "25,00 €" that a narrow popover never wraps between number and symbol."""
    return money.format_money(amount, currency).replace(" ", "\u00a0")


def _what_is_owed(booking: Booking) -> dict:
    """The booking's charge, what was paid against it and what is left, in its currency."""
    charge = ledger.booking_charge(booking)
    currency = booking.currency
    owed = money.quantize(max(charge.outstanding, money.ZERO), currency)
    paid = money.quantize(charge.allocated, currency)
    card = calendar.card_for(booking, charge)
    return {
        "booking_id": booking.pk,
        "currency": currency,
        "places": money.rounding_places(currency),
        "charged": str(charge.amount),
        "paid": str(paid),
        "owed": str(owed),
        "state": charge.payment_state,
        "state_label": str(ledger.PaymentState.LABELS[charge.payment_state]),
        "summary": (
            _("Still owed %(owed)s of %(charged)s.")
            % {"owed": _unbroken(owed, currency), "charged": _unbroken(charge.amount, currency)}
            if owed > 0
            else _("Nothing is left to pay on this booking.")
        ),
        "when": f"{card.professional_name} · {card.room_name} · "
        f"{formats.short_day(card.local_day)} {card.start_label}–{card.end_label}",
        "today": _local_today(booking).isoformat(),
        # Only what the booking's location accepts (no Pix in Lisbon); the service
        # refuses any other.
        "methods": [
            {"value": value, "label": payment_methods.label(value)}
            for value in payment_methods.accepted_at(booking.room.location)
        ],
    }


def _received_on(request, booking: Booking) -> date:
    """The date typed (today at the booking's location when left empty), never later than
    today there: the service allows a day ahead for the zones east of UTC, but here we
    know the zone."""
    today = _local_today(booking)
    raw = request.POST.get("received_on", "").strip()
    if not raw:
        return today
    try:
        received_on = date.fromisoformat(raw)
    except ValueError:
        raise Refused(_("Use a date like 2030-01-31."), field="received_on") from None
    if received_on > today:
        raise Refused(
            _("A payment cannot be received in the future (%(day)s).") % {"day": received_on},
            field="received_on",
        )
    return received_on


def _recorded(payment, booking: Booking) -> str:
    settled = sum((a.amount for a in payment.allocations.all()), money.ZERO)
    amount = money.format_money(payment.amount, payment.currency)
    credit = payment.amount - settled
    if credit > 0:
        return _("Payment of %(amount)s recorded; %(credit)s stays as credit for %(name)s.") % {
            "amount": amount,
            "credit": money.format_money(credit, payment.currency),
            "name": booking.professional.name,
        }
    return _("Payment of %(amount)s recorded.") % {"amount": amount}


@require_http_methods(["GET", "POST"])
@staff_endpoint
def booking_payment(request, pk: int):
    """GET: what the booking still owes (the popover's default amount). POST: record a
    payment for it (amount, method, received_on, note) and answer its fresh fragment."""
    try:
        booking = booking_for_staff(request.user, pk)
    except Http404:
        return JsonResponse(
            {"message": _("There is no booking #%(id)s.") % {"id": pk}, "code": "not_found"},
            status=404,
        )
    if request.method == "GET":
        return JsonResponse(_what_is_owed(booking))
    try:
        payment = record_payment(
            professional=booking.professional,
            amount=request.POST.get("amount", ""),
            currency=booking.currency,
            method=request.POST.get("method", ""),
            received_on=_received_on(request, booking),
            note=request.POST.get("note", ""),
            bookings=[booking.pk],
            **actor_from_request(request, Source.BACKOFFICE).as_kwargs(),
        )
    except (BillingError, Refused) as error:
        status = getattr(error, "status", 422)
        body = {"message": error.message, "code": "payment_refused", "field": error.field}
        return JsonResponse(body, status=status)
    return _answer(request, booking, _recorded(payment, booking), status=201)
