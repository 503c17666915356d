"""What the booking service asks of billing, without importing it: billing sits above
scheduling (pyproject's import contracts), so it installs its answers here when its app is
ready (billing/apps.py) and the booking service calls them inside its own transaction.

- `price(room, professional, starts_at, ends_at)`: the price snapshot a booking keeps
  (billing.pricing.booking_price: agreements, the hourly rate, rounding in the currency);
- `fix_charge(booking, kind)`: record the percentage a late cancellation or no-show costs,
  returning it (billing.charge_rules.fix).

Nothing here guesses a price: until billing has installed itself a booking cannot be made,
and the error says why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChargeKind(models.TextChoices):
    """What a booking that was not used as booked is charged for (billing.ChargeRule)."""

    LATE_CANCELLATION = "late_cancel", _("Late cancellation")
    NO_SHOW = "no_show", _("No-show")


_price: Callable[..., Decimal] | None = None
_fix_charge: Callable[..., Decimal] | None = None


def install(*, price: Callable[..., Decimal], fix_charge: Callable[..., Decimal]) -> None:
    global _price, _fix_charge
    _price, _fix_charge = price, fix_charge


def _missing() -> ImproperlyConfigured:
    return ImproperlyConfigured(
        "No pricing installed: add the billing app to INSTALLED_APPS (it installs "
        "scheduling.charging when ready)."
    )


def price(room, professional, starts_at: datetime, ends_at: datetime) -> Decimal:
    if _price is None:
        raise _missing()
    return _price(room, professional, starts_at, ends_at)


def fix_charge(booking, kind: str) -> Decimal:
    if _fix_charge is None:
        raise _missing()
    return _fix_charge(booking, kind)
