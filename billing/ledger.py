"""The read side of billing: what each booking charges, what has been paid against it,
and what each professional owes. Everything here is derived from bookings, payments and
allocations; nothing is stored.

Sign convention: a balance is what the professional owes the clinic (charges − payments);
negative means the clinic holds a credit for them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from scheduling.models import Booking, BookingStatus

from . import money
from .models import Allocation, BillingPolicy, Payment


class PaymentState:
    NO_CHARGE = "no_charge"
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"

    LABELS = {
        NO_CHARGE: _("No charge"),
        UNPAID: _("Unpaid"),
        PARTIALLY_PAID: _("Partially paid"),
        PAID: _("Paid"),
    }


class Policies:
    """Billing policies by location, read once per use (a location without a row gets
    the defaults)."""

    def __init__(self):
        self._by_location: dict[int, BillingPolicy] = {}

    def __call__(self, location) -> BillingPolicy:
        if location.pk not in self._by_location:
            policy = BillingPolicy.objects.filter(location_id=location.pk).first()
            self._by_location[location.pk] = policy or BillingPolicy(location=location)
        return self._by_location[location.pk]


def is_late_cancellation(booking: Booking, policy: BillingPolicy | None = None) -> bool:
    """Cancelled after the location's free-cancellation deadline. The booking service
    records this when the booking is cancelled (Booking.cancelled_late, measured against
    Location.cancellation_deadline_hours); billing reads that one fact and never measures
    again, so a later change of the deadline does not rewrite past charges."""
    return booking.status == BookingStatus.CANCELLED and booking.cancelled_late


def charge_for(booking: Booking, policy: BillingPolicy) -> Decimal:
    """What `booking` charges its professional: its price when booked or executed, the
    location's no-show percentage of it for a no-show, the late-cancellation percentage
    when cancelled late, nothing when cancelled in time."""
    if booking.status in (BookingStatus.BOOKED, BookingStatus.EXECUTED):
        return money.quantize(booking.price, booking.currency)
    if booking.status == BookingStatus.NO_SHOW:
        return money.percent_of(booking.price, policy.no_show_percent, booking.currency)
    if is_late_cancellation(booking, policy):
        return money.percent_of(booking.price, policy.late_cancel_percent, booking.currency)
    return money.quantize(Decimal(0), booking.currency)


def charge_kind(booking: Booking, policy: BillingPolicy) -> str:
    """The line's state as a person reads it on a statement."""
    if booking.status == BookingStatus.CANCELLED:
        return (
            str(_("Late cancellation"))
            if is_late_cancellation(booking, policy)
            else str(_("Cancelled"))
        )
    return booking.get_status_display()


@dataclass
class Charge:
    booking: Booking
    amount: Decimal
    kind: str
    allocated: Decimal = Decimal(0)

    @property
    def local_start(self) -> datetime:
        return self.booking.starts_at.astimezone(self.booking.room.location.zone)

    @property
    def local_end(self) -> datetime:
        return self.booking.ends_at.astimezone(self.booking.room.location.zone)

    @property
    def local_day(self) -> date:
        return self.local_start.date()

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.allocated

    @property
    def payment_state(self) -> str:
        return payment_state(self.amount, self.allocated)


def payment_state(charge: Decimal, allocated: Decimal) -> str:
    if charge <= 0:
        return PaymentState.NO_CHARGE
    if allocated >= charge:
        return PaymentState.PAID
    if allocated > 0:
        return PaymentState.PARTIALLY_PAID
    return PaymentState.UNPAID


def allocated_by_booking(booking_ids) -> dict[int, Decimal]:
    rows = (
        Allocation.objects.filter(booking_id__in=list(booking_ids))
        .values("booking_id")
        .annotate(total=Sum("amount"))
    )
    return {row["booking_id"]: row["total"] for row in rows}


def charges(bookings, *, policies: Policies | None = None, with_allocations=True) -> list[Charge]:
    """Charges of `bookings` (a queryset or list), oldest first; zero charges included."""
    policies = policies or Policies()
    rows = sorted(bookings, key=lambda b: (b.starts_at, b.pk))
    allocated = allocated_by_booking(b.pk for b in rows) if with_allocations else {}
    result = []
    for booking in rows:
        policy = policies(booking.room.location)
        result.append(
            Charge(
                booking=booking,
                amount=charge_for(booking, policy),
                kind=charge_kind(booking, policy),
                allocated=allocated.get(booking.pk, Decimal(0)),
            )
        )
    return result


def booking_charge(booking: Booking) -> Charge:
    """One booking's charge and payment state."""
    return charges([booking])[0]


def bookings_of(professional, currency: str):
    return Booking.objects.filter(professional=professional, currency=currency).select_related(
        "room__location"
    )


def balance(professional, currency: str) -> Decimal:
    """What `professional` owes in `currency` now: all charges − all payments (net of
    reversals)."""
    charged = sum(
        (c.amount for c in charges(bookings_of(professional, currency), with_allocations=False)),
        Decimal(0),
    )
    paid = Payment.objects.filter(professional=professional, currency=currency).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    return money.quantize(charged - paid, currency)


@dataclass
class BalanceRow:
    professional_id: int
    currency: str
    charged: Decimal
    paid: Decimal

    @property
    def balance(self) -> Decimal:
        return money.quantize(self.charged - self.paid, self.currency)


def all_balances() -> dict[tuple[int, str], BalanceRow]:
    """Every professional's charged, paid and balance per currency, in two queries."""
    rows: dict[tuple[int, str], BalanceRow] = {}

    def row(pro_id, currency):
        key = (pro_id, currency)
        if key not in rows:
            rows[key] = BalanceRow(pro_id, currency, Decimal(0), Decimal(0))
        return rows[key]

    policies = Policies()
    for booking in Booking.objects.select_related("room__location").iterator(chunk_size=2000):
        row(booking.professional_id, booking.currency).charged += charge_for(
            booking, policies(booking.room.location)
        )
    paid = Payment.objects.values("professional_id", "currency").annotate(total=Sum("amount"))
    for item in paid:
        row(item["professional_id"], item["currency"]).paid += item["total"]
    return rows


def totals_by(items, key) -> dict[str, Decimal]:
    result: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        result[key(item)] += item.amount
    return dict(result)
