"""What cancelling a booking costs, told to staff before they confirm and after.

The booking service (scheduling) records whether a cancellation is late and whether its fee
was waived; what the fee *is* is billing's (BillingPolicy's percentage of the booking's
price), so the screens that cancel (the calendar, the admin, the API) ask here. Read only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import formats
from scheduling import policy
from scheduling.models import Booking, BookingStatus

from . import charge_rules, ledger, money
from .models import ChargeKind


@dataclass(frozen=True)
class CancellationTerms:
    """Cancelling `booking` now: free or late, what a late one costs, who may waive it."""

    booking: Booking
    late: bool
    free_until: datetime  # UTC
    percent: Decimal
    fee: Decimal  # in the booking's currency; zero when free
    may_waive: bool

    @property
    def fee_text(self) -> str:
        return money.format_money(self.fee, self.booking.currency)

    @property
    def summary(self) -> str:
        """One sentence for the cancel dialog."""
        location = self.booking.room.location
        until = formats.short_moment(self.free_until.astimezone(location.zone))
        if not self.late:
            return _("Free cancellation until %(until)s: cancelling now costs nothing.") % {
                "until": until
            }
        return _(
            "Late: free cancellation ended %(until)s. A late cancellation costs "
            "%(percent)s%% of the price: %(fee)s."
        ) % {"until": until, "percent": _percent(self.percent), "fee": self.fee_text}

    @property
    def waiver_note(self) -> str:
        """Why the waiver is not offered, when it is not ('' when it is)."""
        if not self.late or self.may_waive:
            return ""
        return _("At %(location)s only a manager may waive a late-cancellation fee.") % {
            "location": self.booking.room.location.name
        }


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def terms(booking: Booking, by, now: datetime | None = None) -> CancellationTerms:
    """The terms of cancelling `booking` (room__location loaded) by `by` at `now`: the
    same test the booking service applies (scheduling.policy.is_late, booked only) and
    the location's late-cancellation percentage in force now."""
    now = now or timezone.now()
    location = booking.room.location
    late = booking.status == BookingStatus.BOOKED and policy.is_late(
        location, booking.starts_at, now
    )
    percent = charge_rules.current_percent(location, ChargeKind.LATE_CANCELLATION)
    fee = money.percent_of(booking.price, percent, booking.currency) if late else Decimal(0)
    return CancellationTerms(
        booking=booking,
        late=late,
        free_until=policy.free_until(location, booking.starts_at),
        percent=percent,
        fee=money.quantize(fee, booking.currency),
        may_waive=late and policy.may_waive_late_fee(location, by),
    )


def outcome(booking: Booking) -> str:
    """What a cancellation did, for the toast or message: no charge, the fee charged (from
    billing's ledger, so exactly what will be billed), or the fee waived."""
    if booking.cancelled_late and booking.late_fee_waived:
        return _("Cancelled late: fee waived.")
    if booking.cancelled_late:
        charge = ledger.booking_charge(booking)
        return _("Cancelled late: fee %(fee)s charged.") % {
            "fee": money.format_money(charge.amount, booking.currency)
        }
    return _("Cancelled, no charge.")
