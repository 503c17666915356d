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
from .models import Allocation, Payment
from .money import format_money

# What with_payment_fields() adds, for queryset.values(*PAYMENT_FIELDS).
PAYMENT_FIELDS = (
    "price",
    "currency",
    "cancelled_late",
    "late_fee_waived",
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


def paid_since(after) -> bool:
    """Whether any payment (or reversal, itself a payment) was recorded at or after `after`:
    a page drawn before it may show stale paid marks."""
    return Payment.objects.filter(created_at__gte=after).exists()


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
        late_fee_waived=row["late_fee_waived"],
    )
    rule = (
        SimpleNamespace(kind=row["billing_rule_kind"], percent=row["billing_rule_percent"])
        if row["billing_rule_kind"]
        else None
    )
    charge = ledger.charge_for(booking, lambda: policies.of(location_id), rule)
    return ledger.payment_state(charge, row["billing_allocated"] or Decimal(0))


# A cancelled card says what its cancellation costs, paid or not: "unpaid" alone on a
# cancelled card read as if the booking itself were owed, free cancellations included.
CANCELLED_MARKS = {
    ledger.PaymentState.PAID: (_("fee paid"), _("Late cancellation: fee paid")),
    ledger.PaymentState.PARTIALLY_PAID: (
        _("fee part paid"),
        _("Late cancellation: fee partially paid"),
    ),
    ledger.PaymentState.UNPAID: (_("fee unpaid"), _("Late cancellation: fee unpaid")),
}


def mark_for(
    state: str, status: str, *, cancelled_late: bool = False, late_fee_waived: bool = False
) -> tuple[str, str, str] | None:
    """(short mark, full label, css state) a card shows for `state`, or None for no mark.

    A cancelled booking always has one: "no charge" (cancelled in time), "fee waived", or
    the late fee's own state."""
    if status == BookingStatus.CANCELLED:
        if cancelled_late and late_fee_waived:
            return str(_("fee waived")), str(_("Late cancellation: fee waived")), "waived"
        if state in CANCELLED_MARKS:
            short, full = CANCELLED_MARKS[state]
            return str(short), str(full), state
        return (
            str(_("no charge")),
            str(_("Cancelled in time: no charge")),
            ledger.PaymentState.NO_CHARGE,
        )
    if state not in MARKS:
        return None
    if state == ledger.PaymentState.UNPAID and status not in MARK_UNPAID:
        return None
    return str(MARKS[state]), str(ledger.PaymentState.LABELS[state]), state


def state_of_booking(booking, policies: ledger.Policies) -> str:
    """The payment state of a Booking read through `with_payment_fields`."""
    row = {
        "status": booking.status,
        "price": booking.price,
        "currency": booking.currency,
        "cancelled_late": booking.cancelled_late,
        "late_fee_waived": booking.late_fee_waived,
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
