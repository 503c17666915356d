from datetime import UTC, datetime, timedelta
from decimal import Decimal

from billing import ledger
from scheduling import policy as booking_policy
from scheduling import services
from scheduling.models import Source


def charge(booking):
    booking.refresh_from_db()
    return ledger.booking_charge(booking)


def test_executed_and_booked_bookings_charge_their_price(past, pro_a):
    assert charge(past("2026-10-05", "09:00", "10:00", pro_a)).amount == Decimal("40.00")
    executed = past("2026-10-06", "09:00", "10:30", pro_a, state="executed")
    assert charge(executed).amount == Decimal("60.00")


def test_a_no_show_charges_the_locations_no_show_percentage(past, pro_a, policy):
    policy.no_show_percent = Decimal("75")
    policy.save()
    booking = past("2026-10-05", "09:00", "10:00", pro_a, state="no_show")
    assert charge(booking).amount == Decimal("30.00")
    assert charge(booking).kind == "No-show"


def test_without_a_policy_the_defaults_apply(past, pro_a):
    no_show = past("2026-10-05", "09:00", "10:00", pro_a, state="no_show")
    late = past("2026-10-06", "09:00", "10:00", pro_a, state="cancelled")
    assert charge(no_show).amount == Decimal("40.00")  # 100 %
    assert charge(late).amount == Decimal("20.00")  # 50 %, cancelled after the start


def test_a_late_cancellation_charges_the_late_cancel_percentage(
    book, room, pro_a, at, policy, location
):
    # `day` is 7 days ahead, so a deadline of 8 days makes cancelling now late.
    location.cancellation_deadline_hours = 8 * 24
    location.save()
    policy.late_cancel_percent = Decimal("33.33")
    policy.save()
    booking = book(room, pro_a, at("09:00"), at("10:15"))  # 50.00
    services.cancel(booking, by=None, source=Source.SYSTEM)
    result = charge(booking)
    assert result.amount == Decimal("16.67")  # 33.33 % of 50.00, rounded half-up
    assert result.kind == "Late cancellation"


def test_a_cancellation_before_the_deadline_charges_nothing(
    book, room, pro_a, at, policy, location
):
    location.cancellation_deadline_hours = 6 * 24
    location.save()
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    services.cancel(booking, by=None, source=Source.SYSTEM)
    assert charge(booking).amount == Decimal("0.00")
    assert charge(booking).payment_state == ledger.PaymentState.NO_CHARGE


def test_the_deadline_is_measured_from_the_start_of_the_booking(location):
    """The service records lateness with this rule (scheduling.policy.is_late); billing
    charges the recorded fact (Booking.cancelled_late)."""
    location.cancellation_deadline_hours = 24
    starts_at = datetime(2026, 10, 5, 9, tzinfo=UTC)
    before = starts_at - timedelta(hours=24, minutes=1)
    after = starts_at - timedelta(hours=23, minutes=59)
    assert not booking_policy.is_late(location, starts_at, before)
    assert booking_policy.is_late(location, starts_at, after)
