"""Fix the rule a late cancellation or a no-show is charged under, when it happens.

The booking service calls `fix` inside the transaction that cancels a booking late or
marks it a no-show, so the percentage is stored with the change that incurred it and a
later change of the location's BillingPolicy only applies from then on."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from .models import BillingPolicy, ChargeKind, ChargeRule


def policy_for(location) -> BillingPolicy:
    """The location's billing policy, or the defaults when it has none."""
    return BillingPolicy.objects.filter(location_id=location.pk).first() or BillingPolicy(
        location=location
    )


def current_percent(location, kind: str) -> Decimal:
    policy = policy_for(location)
    if kind == ChargeKind.NO_SHOW:
        return policy.no_show_percent
    return policy.late_cancel_percent


def fix(booking, kind: str) -> Decimal:
    """Record that `booking` is charged `kind` at its location's percentage in force now;
    returns that percentage. Must run inside the booking service's transaction."""
    percent = current_percent(booking.room.location, kind).quantize(Decimal("0.01"))
    ChargeRule.objects.update_or_create(
        booking_id=booking.pk,
        defaults={"kind": kind, "percent": percent, "fixed_at": timezone.now()},
    )
    return percent
