"""The paid / part paid / unpaid mark of bookings on pages that list many of them (the
staff calendar, the admin's booking list), without extra queries per booking: the page's
own query is annotated with what was allocated to each booking and its charge rule."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from scheduling.models import BookingStatus

from . import ledger
from .models import Allocation
from .money import format_money

# What with_payment_fields() adds, for queryset.values(*PAYMENT_FIELDS).
PAYMENT_FIELDS = (
    "price",
    "currency",
    "cancelled_late",
    "billing_allocated",
    "billing_rule_kind",
    "billing_rule_percent",
)

# The short mark a card shows; `title` says it in full.
MARKS = {
    ledger.PaymentState.PAID: _("paid"),
    ledger.PaymentState.PARTIALLY_PAID: _("part paid"),
    ledger.PaymentState.UNPAID: _("unpaid"),
}

# An unpaid booking is worth a mark once it has been charged for what happened; a booking
# still ahead is normally paid later, and marking all of them would bury the ones to chase.
MARK_UNPAID = (BookingStatus.EXECUTED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED)


def with_payment_fields(queryset):
    """`queryset` of bookings annotated with their allocated total and charge rule."""
    allocated = (
        Allocation.objects.filter(booking=OuterRef("pk"))
        .values("booking")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(
        billing_allocated=Subquery(
            allocated, output_field=DecimalField(max_digits=12, decimal_places=2)
        ),
        billing_rule_kind=F("charge_rule__kind"),
        billing_rule_percent=F("charge_rule__percent"),
    )


def state_of_row(row: dict, location_id: int, policies: ledger.Policies) -> str:
    """The payment state of one row of `with_payment_fields(...).values(...)`."""
    booking = SimpleNamespace(
        status=row["status"],
        price=row["price"],
        currency=row["currency"],
        cancelled_late=row["cancelled_late"],
    )
    rule = (
        SimpleNamespace(kind=row["billing_rule_kind"], percent=row["billing_rule_percent"])
        if row["billing_rule_kind"]
        else None
    )
    charge = ledger.charge_for(booking, lambda: policies.of(location_id), rule)
    return ledger.payment_state(charge, row["billing_allocated"] or Decimal(0))


def mark_for(state: str, status: str) -> tuple[str, str] | None:
    """(short mark, full label) a card shows for `state`, or None for no mark."""
    if state not in MARKS:
        return None
    if state == ledger.PaymentState.UNPAID and status not in MARK_UNPAID:
        return None
    return str(MARKS[state]), str(ledger.PaymentState.LABELS[state])


def state_of_booking(booking, policies: ledger.Policies) -> str:
    """The payment state of a Booking read through `with_payment_fields`."""
    row = {
        "status": booking.status,
        "price": booking.price,
        "currency": booking.currency,
        "cancelled_late": booking.cancelled_late,
        "billing_allocated": booking.billing_allocated,
        "billing_rule_kind": booking.billing_rule_kind,
        "billing_rule_percent": booking.billing_rule_percent,
    }
    return state_of_row(row, booking.room.location_id, policies)


def balance_text(rows) -> str:
    """ "owes 120.00 EUR", "credit 5.00 BRL", "settled" (one part per currency)."""
    parts = []
    for row in rows:
        if row.balance > 0:
            amount = format_money(row.balance, row.currency)
            parts.append(_("owes %(amount)s") % {"amount": amount})
        elif row.balance < 0:
            amount = format_money(row.credit, row.currency)
            parts.append(_("credit %(amount)s") % {"amount": amount})
        else:
            parts.append(_("settled (%(currency)s)") % {"currency": row.currency})
    return ", ".join(str(part) for part in parts) or "—"
