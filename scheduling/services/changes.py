"""A booking's history: every change recorded in BookingChange (who, when, from where, what:
from → to, times as UTC ISO)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from accounts.audit import user_or_none

from ..models import (
    Booking,
    BookingChange,
)


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(booking: Booking, action: str, diff: dict, *, by, source: str, ip: str | None) -> None:
    BookingChange.objects.create(
        booking=booking,
        by=user_or_none(by),
        source=source,
        ip=ip,
        action=action,
        diff={field: [_plain(old), _plain(new)] for field, (old, new) in diff.items()},
    )
