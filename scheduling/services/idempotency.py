"""Idempotency keys: a repeated request with the same Idempotency-Key gets the first answer;
the same key with a different request is refused."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.audit import user_or_none

from ..errors import (
    IdempotencyKeyReused,
    InvalidBooking,
)
from ..models import (
    Booking,
    IdempotencyKey,
)


class KeyTaken(Exception):
    """Another transaction holds (or held) this idempotency key."""


def replay(by, key: str, fingerprint: str) -> Booking | None:
    row = (
        IdempotencyKey.objects.filter(user=user_or_none(by), key=key, booking__isnull=False)
        .select_related("booking__room__location", "booking__professional")
        .first()
    )
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was already used for a different request.")
        )
    row.booking.replayed = True
    return row.booking


def hold_key(by, key: str, fingerprint: str) -> IdempotencyKey:
    if user_or_none(by) is None:
        raise InvalidBooking(
            _("An Idempotency-Key needs a signed-in user."), field="idempotency_key"
        )
    if len(key) > 200:
        raise InvalidBooking(
            _("The Idempotency-Key is longer than 200 characters."), field="idempotency_key"
        )
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=by, key=key, fingerprint=fingerprint)
    except IntegrityError:
        raise KeyTaken from None
