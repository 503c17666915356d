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
from types import SimpleNamespace

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scheduling.local_time import at_location
from scheduling.models import Booking, BookingStatus

from . import money
from .models import Allocation, BillingPolicy, ChargeKind, ChargeRule, Payment


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


# A booking in one of these may be charged a percentage of its price.
PENALTY_STATUSES = (BookingStatus.NO_SHOW, BookingStatus.CANCELLED)


class Policies:
    """Billing policies by location, read once per use (a location without a row gets
    the defaults)."""

    def __init__(self):
        self._by_location: dict[int, BillingPolicy] = {}

    def __call__(self, location) -> BillingPolicy:
        return self.of(location.pk)

    def of(self, location_id: int) -> BillingPolicy:
        if location_id not in self._by_location:
            policy = BillingPolicy.objects.filter(location_id=location_id).first()
            self._by_location[location_id] = policy or BillingPolicy(location_id=location_id)
        return self._by_location[location_id]


def is_late_cancellation(booking: Booking, policy: BillingPolicy | None = None) -> bool:
    """Cancelled after the location's free-cancellation deadline. The booking service
    records this when the booking is cancelled (Booking.cancelled_late, measured against
    Location.cancellation_deadline_hours); billing reads that one fact and never measures
    again, so a later change of the deadline does not rewrite past charges."""
    return booking.status == BookingStatus.CANCELLED and booking.cancelled_late


def charge_for(booking, policy, rule: ChargeRule | None = None) -> Decimal:
    """What `booking` charges its professional: its price when booked or executed; for a
    no-show or a late cancellation, the percentage of it fixed when that happened
    (`rule`, see billing.charge_rules); nothing when cancelled in time, nor when staff
    waived a late cancellation's fee (`late_fee_waived`).

    `policy` is the location's current BillingPolicy, or a function returning it (read
    only when needed): it is used only for a no-show or late cancellation without a rule
    of its kind, which the booking service never leaves."""
    if booking.status in (BookingStatus.BOOKED, BookingStatus.EXECUTED):
        return money.quantize(booking.price, booking.currency)
    if booking.status == BookingStatus.NO_SHOW:
        kind = ChargeKind.NO_SHOW
    elif (
        booking.status == BookingStatus.CANCELLED
        and booking.cancelled_late
        and not booking.late_fee_waived
    ):
        kind = ChargeKind.LATE_CANCELLATION
    else:
        return money.quantize(Decimal(0), booking.currency)
    if rule is not None and rule.kind == kind:
        percent = rule.percent
    else:
        current = policy() if callable(policy) else policy
        percent = (
            current.no_show_percent if kind == ChargeKind.NO_SHOW else current.late_cancel_percent
        )
    return money.percent_of(booking.price, percent, booking.currency)


def rules_by_booking(booking_ids=None) -> dict[int, ChargeRule]:
    """Charge rules of the bookings named (all of them when None), by booking id."""
    query = ChargeRule.objects.all()
    if booking_ids is not None:
        query = query.filter(booking_id__in=list(booking_ids))
    return {rule.booking_id: rule for rule in query}


def charge_kind(booking: Booking) -> str:
    """The line's state as a person reads it on a statement."""
    if booking.status == BookingStatus.CANCELLED:
        if booking.cancelled_late and booking.late_fee_waived:
            return str(_("Late cancellation, fee waived"))
        return str(_("Late cancellation")) if booking.cancelled_late else str(_("Cancelled"))
    return booking.get_status_display()


@dataclass
class Charge:
    booking: Booking
    amount: Decimal
    kind: str
    allocated: Decimal = Decimal(0)

    @property
    def local_start(self) -> datetime:
        return at_location(self.booking.starts_at, self.booking)

    @property
    def local_end(self) -> datetime:
        return at_location(self.booking.ends_at, self.booking)

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
    rules = rules_by_booking(b.pk for b in rows if b.status in PENALTY_STATUSES)
    result = []
    for booking in rows:
        location_id = booking.room.location_id
        result.append(
            Charge(
                booking=booking,
                amount=charge_for(
                    booking, lambda i=location_id: policies.of(i), rules.get(booking.pk)
                ),
                kind=charge_kind(booking),
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


def due(bookings, now: datetime | None = None):
    """The bookings whose charge is due now: those that have started, and late
    cancellations (due when cancelled). A booking still ahead is paid for later; paying
    it early leaves a credit until it starts. `is_due` says the same of one booking."""
    now = now or timezone.now()
    return bookings.filter(Q(starts_at__lte=now) | Q(status=BookingStatus.CANCELLED))


def is_due(booking: Booking, now: datetime | None = None) -> bool:
    """Whether `booking`'s charge is due (the rule of `due`, for a booking already read)."""
    now = now or timezone.now()
    return booking.starts_at <= now or booking.status == BookingStatus.CANCELLED


@dataclass
class Account:
    """One professional's money in one currency, as billing counts it: charged (due so
    far), paid (net of reversals), balance, and what bookings still ahead will charge."""

    currency: str
    charged: Decimal
    paid: Decimal
    balance: Decimal
    ahead: Decimal

    @property
    def credit(self) -> Decimal:
        return -self.balance


def accounts_of(professional, charges_of_theirs: list[Charge], now: datetime) -> list[Account]:
    """`professional`'s accounts per currency: the billing page's balance rows (same
    numbers, same rule of what is due), plus what is booked ahead from `charges_of_theirs`
    (their charges, see `charges`). Currencies in order; one with only bookings ahead
    has nothing charged or paid yet."""
    balance_rows = balances_by_professional([professional.pk], now=now).get(professional.pk, [])
    rows = {row.currency: row for row in balance_rows}
    ahead: dict[str, Decimal] = defaultdict(Decimal)
    for charge in charges_of_theirs:
        if not is_due(charge.booking, now):
            ahead[charge.booking.currency] += charge.amount
    result = []
    for currency in sorted(set(rows) | set(ahead)):
        row = rows.get(currency) or BalanceRow(professional.pk, currency, Decimal(0), Decimal(0))
        result.append(
            Account(
                currency=currency,
                charged=money.quantize(row.charged, currency),
                paid=money.quantize(row.paid, currency),
                balance=row.balance,
                ahead=money.quantize(ahead[currency], currency),
            )
        )
    return result


def balance(professional, currency: str) -> Decimal:
    """What `professional` owes in `currency` now: the charges due (see `due`) − all
    payments (net of reversals)."""
    charged = sum(
        (
            c.amount
            for c in charges(due(bookings_of(professional, currency)), with_allocations=False)
        ),
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

    @property
    def credit(self) -> Decimal:
        """What the clinic holds for the professional (a negative balance, as positive)."""
        return -self.balance


def all_balances(
    professional_ids=None, now: datetime | None = None
) -> dict[tuple[int, str], BalanceRow]:
    """Charged (due so far, see `due`), paid and balance per professional and currency (of
    every professional, or of those named), in three queries; bookings are read as plain
    rows, not models."""
    rows: dict[tuple[int, str], BalanceRow] = {}

    def row(pro_id, currency):
        key = (pro_id, currency)
        if key not in rows:
            rows[key] = BalanceRow(pro_id, currency, Decimal(0), Decimal(0))
        return rows[key]

    bookings = due(Booking.objects.all(), now)
    payments = Payment.objects.all()
    if professional_ids is not None:
        ids = list(professional_ids)
        bookings = bookings.filter(professional_id__in=ids)
        payments = payments.filter(professional_id__in=ids)
    policies = Policies()
    fields = (
        "professional_id",
        "status",
        "price",
        "currency",
        "cancelled_late",
        "late_fee_waived",
    )
    booked = bookings.annotate(
        location_id=F("room__location_id"),
        rule_kind=F("charge_rule__kind"),
        rule_percent=F("charge_rule__percent"),
    ).values_list(*fields, "location_id", "rule_kind", "rule_percent")
    for (
        pro_id,
        status,
        price,
        currency,
        late,
        waived,
        location_id,
        kind,
        percent,
    ) in booked.iterator(chunk_size=2000):
        booking = SimpleNamespace(
            status=status,
            price=price,
            currency=currency,
            cancelled_late=late,
            late_fee_waived=waived,
        )
        rule = SimpleNamespace(kind=kind, percent=percent) if kind else None
        row(pro_id, currency).charged += charge_for(
            booking, lambda i=location_id: policies.of(i), rule
        )
    paid = payments.values("professional_id", "currency").annotate(total=Sum("amount"))
    for item in paid:
        row(item["professional_id"], item["currency"]).paid += item["total"]
    return rows


def balances_by_professional(
    professional_ids, now: datetime | None = None
) -> dict[int, list[BalanceRow]]:
    """professional id → their balance rows, one per currency they have used."""
    result: dict[int, list[BalanceRow]] = defaultdict(list)
    for (pro_id, _currency), balance_row in sorted(all_balances(professional_ids, now).items()):
        result[pro_id].append(balance_row)
    return dict(result)


def totals_by(items, key) -> dict[str, Decimal]:
    result: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        result[key(item)] += item.amount
    return dict(result)
