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


# ------------------------------------------------- rules fixed when the charge is incurred


def change_policy(policy, **percentages):
    for field, value in percentages.items():
        setattr(policy, field, Decimal(value))
    policy.save()


def test_a_no_show_keeps_the_percentage_in_force_when_it_was_marked(past, pro_a, policy):
    change_policy(policy, no_show_percent="100")
    january = past("2026-01-12", "09:00", "10:00", pro_a, state="no_show")
    change_policy(policy, no_show_percent="50")  # March: the clinic softens the rule
    march = past("2026-03-09", "09:00", "10:00", pro_a, state="no_show")
    assert charge(january).amount == Decimal("40.00")  # still 100 %
    assert charge(march).amount == Decimal("20.00")  # 50 % from now on
    assert ledger.balance(pro_a, "EUR") == Decimal("60.00")
    assert ledger.all_balances()[(pro_a.pk, "EUR")].balance == Decimal("60.00")


def test_a_late_cancellation_keeps_the_percentage_in_force_when_it_was_cancelled(
    past, pro_a, policy
):
    change_policy(policy, late_cancel_percent="50")
    january = past("2026-01-12", "09:00", "10:00", pro_a, state="cancelled")  # after start
    change_policy(policy, late_cancel_percent="80")
    march = past("2026-03-09", "09:00", "10:00", pro_a, state="cancelled")
    assert charge(january).amount == Decimal("20.00")
    assert charge(march).amount == Decimal("32.00")


def test_the_rule_is_recorded_in_the_bookings_history(past, pro_a, policy):
    change_policy(policy, no_show_percent="75", late_cancel_percent="25")
    no_show = past("2026-01-12", "09:00", "10:00", pro_a, state="no_show")
    late = past("2026-01-13", "09:00", "10:00", pro_a, state="cancelled")
    assert no_show.changes.get(action="no_show").diff["charge_percent"] == [None, "75.00"]
    assert late.changes.get(action="cancelled").diff["charge_percent"] == [None, "25.00"]
    assert (no_show.charge_rule.kind, no_show.charge_rule.percent) == ("no_show", Decimal("75"))


def test_undoing_a_no_show_and_marking_it_again_applies_the_rule_of_the_second_time(
    past, pro_a, policy
):
    change_policy(policy, no_show_percent="100")
    booking = past("2026-01-12", "09:00", "10:00", pro_a, state="no_show")
    change_policy(policy, no_show_percent="40")
    services.restore(booking, by=None, source=Source.SYSTEM)
    assert charge(booking).amount == Decimal("40.00")  # booked again: the full price
    services.mark_no_show(booking, by=None, source=Source.SYSTEM)
    assert charge(booking).amount == Decimal("16.00")  # 40 % now
    services.restore(booking, by=None, source=Source.SYSTEM)
    services.cancel(booking, by=None, source=Source.SYSTEM)  # late, at today's 50 %
    assert charge(booking).amount == Decimal("20.00")


def test_a_reissued_statement_keeps_the_charges_of_a_changed_policy(past, pro_a, policy, staff):
    from billing.services import issue_statement

    past("2026-01-12", "09:00", "10:00", pro_a, state="no_show")
    past("2026-01-13", "09:00", "10:00", pro_a, state="cancelled")
    first = issue_statement(pro_a, 2026, 1, by=staff, source=Source.BACKOFFICE)
    change_policy(policy, no_show_percent="10", late_cancel_percent="10")
    again = issue_statement(pro_a, 2026, 1, by=staff, source=Source.BACKOFFICE)
    assert again.replaces == first
    assert (
        (again.charges_total, again.totals["by_state"])
        == (
            first.charges_total,
            first.totals["by_state"],
        )
        == (Decimal("60.00"), {"No-show": "40.00", "Late cancellation": "20.00"})
    )
