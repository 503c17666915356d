"""The revenue share: what a professional's month comes to under the agreement in force
(billing.models.RevenueAgreement) — the rent of the rooms, the commission on each
session, who owes whom. The statement (billing.statement_document) and the month table
(billing.month_table) both read their figures from `sheets` here, so they cannot
disagree.

Rules:
- The agreement in force for a booking is decided by the booking's LOCAL date (its
  location's zone); a professional without one pays rent only (today's model).
- A session is a booking with a session price. Its counted price is 100 % of it when
  booked or executed; for a no-show, the location's `no_show_session_percent`; for a late
  cancellation whose fee was not waived, `late_cancel_session_percent`; otherwise 0.
- Commission = the clinic's share × the counted price, rounded per line in the session's
  currency (totals are sums of rounded lines).
- Rent is charged as always (billing.ledger) under `rent` and `both`; under `commission`
  alone the room is not charged.
- When the clinic collects the patient's money it owes the professional the counted price
  less the commission; when the professional collects, they owe the clinic the
  commission. Sign convention as billing.ledger: a balance is what the professional owes
  the clinic; negative is what the clinic owes them.
- Everything is per currency: a Lima session priced in USD counts in USD, its room's rent
  in PEN."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from scheduling.local_time import at_location
from scheduling.models import Booking, BookingStatus, SessionType

from . import ledger, money
from .models import BillingPolicy, Collector, RevenueAgreement

HUNDRED = Decimal("100")


class Agreements:
    """Revenue agreements of some professionals, read in one query; `in_force` answers
    for a professional and a local day."""

    def __init__(self, professional_ids=None):
        query = RevenueAgreement.objects.order_by("-valid_from", "-pk")
        if professional_ids is not None:
            query = query.filter(professional_id__in=list(professional_ids))
        self._by_professional: dict[int, list[RevenueAgreement]] = defaultdict(list)
        for agreement in query:
            self._by_professional[agreement.professional_id].append(agreement)

    def in_force(self, professional_id: int, local_day: date) -> RevenueAgreement | None:
        for agreement in self._by_professional.get(professional_id, ()):
            if agreement.valid_from <= local_day and (
                agreement.valid_until is None or local_day <= agreement.valid_until
            ):
                return agreement
        return None

    def takes_commission_between(self, professional_id: int, first: date, last: date) -> bool:
        """Whether an agreement with a commission is in force on some day of first..last."""
        return any(
            a.takes_commission
            and a.valid_from <= last
            and (a.valid_until is None or a.valid_until >= first)
            for a in self._by_professional.get(professional_id, ())
        )


def all_policies(location_ids=None) -> ledger.Policies:
    """ledger.Policies with every location's row read in one query (a location without a
    row still gets the defaults)."""
    policies = ledger.Policies()
    query = BillingPolicy.objects.all()
    if location_ids is not None:
        query = query.filter(location_id__in=list(location_ids))
    for policy in query:
        policies._by_location[policy.location_id] = policy
    return policies


def counted_percent(booking, policy: BillingPolicy) -> Decimal:
    """The share of a session's price that counts (see the module's rules)."""
    if booking.status in (BookingStatus.BOOKED, BookingStatus.EXECUTED):
        return HUNDRED
    if booking.status == BookingStatus.NO_SHOW:
        return Decimal(policy.no_show_session_percent)
    if (
        booking.status == BookingStatus.CANCELLED
        and booking.cancelled_late
        and not booking.late_fee_waived
    ):
        return Decimal(policy.late_cancel_session_percent)
    return Decimal(0)


def session_currency(booking) -> str:
    return booking.session_currency or booking.currency


@dataclass
class SessionLine:
    """One session on a statement: what it counted and who owes what for it."""

    booking: Booking
    agreement: RevenueAgreement
    price: Decimal
    currency: str
    percent: Decimal  # of the price, counted
    counted: Decimal
    commission: Decimal

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
    def collector(self) -> str:
        return self.agreement.collector

    @property
    def owed_to_professional(self) -> Decimal:
        if self.collector == Collector.CLINIC:
            return self.counted - self.commission
        return money.quantize(Decimal(0), self.currency)

    @property
    def owed_to_clinic(self) -> Decimal:
        if self.collector == Collector.PROFESSIONAL:
            return self.commission
        return money.quantize(Decimal(0), self.currency)

    @property
    def type_label(self) -> str:
        return str(SessionType(self.booking.session_type).label)

    @property
    def state(self) -> str:
        return ledger.charge_kind(self.booking)

    @property
    def patient_names(self) -> str:
        """The patients as the professional reads them: full names; an erased one as
        "Erased patient" (the booking's patients should be prefetched)."""
        names = [
            _("Erased patient") if patient.is_erased else patient.full_name
            for patient in self.booking.patients.all()
        ]
        return ", ".join(sorted(names, key=str.casefold)) or "—"


def session_line(booking, agreement: RevenueAgreement, policy: BillingPolicy) -> SessionLine:
    currency = session_currency(booking)
    price = money.quantize(booking.session_price, currency)
    percent = counted_percent(booking, policy)
    counted = money.percent_of(price, percent, currency)
    return SessionLine(
        booking=booking,
        agreement=agreement,
        price=price,
        currency=currency,
        percent=percent,
        counted=counted,
        commission=money.percent_of(counted, agreement.clinic_share_percent, currency),
    )


@dataclass
class Sheet:
    """One professional's bookings of a period in one currency, as the revenue share
    counts them: rent charges (billing.ledger.Charge) and session lines."""

    professional_id: int
    currency: str
    rent_lines: list[ledger.Charge] = field(default_factory=list)
    session_lines: list[SessionLine] = field(default_factory=list)

    def _sum(self, values) -> Decimal:
        return money.quantize(sum(values, Decimal(0)), self.currency)

    @property
    def rent(self) -> Decimal:
        return self._sum(c.amount for c in self.rent_lines)

    @property
    def gross(self) -> Decimal:
        """The sessions' counted prices: what patients were charged."""
        return self._sum(s.counted for s in self.session_lines)

    @property
    def commission(self) -> Decimal:
        return self._sum(s.commission for s in self.session_lines)

    @property
    def owed_to_clinic(self) -> Decimal:
        """Commission on what the professional collected."""
        return self._sum(s.owed_to_clinic for s in self.session_lines)

    @property
    def owed_to_professional(self) -> Decimal:
        """What the clinic collected, less its commission."""
        return self._sum(s.owed_to_professional for s in self.session_lines)

    @property
    def sessions_balance(self) -> Decimal:
        return self.owed_to_clinic - self.owed_to_professional

    @property
    def balance(self) -> Decimal:
        """What the period leaves the professional owing the clinic (rent + commission
        owed − what the clinic owes them); negative: the clinic owes them."""
        return self.rent + self.sessions_balance

    @property
    def sessions(self) -> int:
        return sum(1 for s in self.session_lines if is_counted_session(s))

    @property
    def hours(self) -> Decimal:
        """Hours of the bookings on the sheet that were not cancelled, each once and on one
        sheet only: a booking whose room is rented counts on its rent's sheet (a Lima room
        in PEN), not again on its session's (a session there priced in USD), so the hours of
        a professional's sheets add up. A session without rent counts on its own sheet."""
        seen = {}
        unrented = [s for s in self.session_lines if not s.agreement.charges_rent]
        for line in [*self.rent_lines, *unrented]:
            booking = line.booking
            if booking.status != BookingStatus.CANCELLED:
                seen[booking.pk] = booking.ends_at - booking.starts_at
        seconds = sum(delta.total_seconds() for delta in seen.values())
        return (Decimal(int(seconds)) / Decimal(3600)).quantize(Decimal("0.01"))


def is_counted_session(line: SessionLine) -> bool:
    """A session shown on the statement: every one but those cancelled in time."""
    return line.booking.status != BookingStatus.CANCELLED or line.counted > 0


def local_day_of(booking) -> date:
    return booking.starts_at.astimezone(booking.room.location.zone).date()


def sheets(
    bookings, *, agreements: Agreements, policies: ledger.Policies
) -> dict[tuple[int, str], Sheet]:
    """The sheets of `bookings` (models with room__location selected), by (professional
    id, currency). A booking's rent goes to its own currency's sheet unless the agreement
    in force waives rent; its session (if priced and the agreement takes a commission) to
    the session currency's sheet. Requested bookings count for nothing yet."""
    result: dict[tuple[int, str], Sheet] = {}

    def sheet(pro_id: int, currency: str) -> Sheet:
        key = (pro_id, currency)
        if key not in result:
            result[key] = Sheet(pro_id, currency)
        return result[key]

    rented = []
    for booking in bookings:
        agreement = agreements.in_force(booking.professional_id, local_day_of(booking))
        if agreement is None or agreement.charges_rent:
            rented.append(booking)
        if (
            agreement is not None
            and agreement.takes_commission
            and booking.session_price is not None
            and booking.status != BookingStatus.REQUESTED
        ):
            policy = policies.of(booking.room.location_id)
            line = session_line(booking, agreement, policy)
            sheet(booking.professional_id, line.currency).session_lines.append(line)
    for charge in ledger.charges(rented, policies=policies, with_allocations=False):
        sheet(charge.booking.professional_id, charge.booking.currency).rent_lines.append(charge)
    for item in result.values():
        item.session_lines.sort(key=lambda s: (s.booking.starts_at, s.booking.pk))
    return result


def sheet_of(bookings, professional_id: int, currency: str, **kwargs) -> Sheet:
    return sheets(bookings, **kwargs).get((professional_id, currency)) or Sheet(
        professional_id, currency
    )
