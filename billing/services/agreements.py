"""Price agreements and billing policies: the only code that writes them for the API (the
admin edits them through its own forms, with the same model validation).

Guarantees: each call is one durable transaction; a value the model refuses raises
Django's ValidationError (the API answers 422 with the field's message) and writes
nothing; an existing row is written field by field; the change is recorded in the admin's
history with who made it, through which door and from which address. A booking keeps the
price it was booked at, so changing or ending an agreement never rewrites past charges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import log_change, user_or_none

from .. import money, payment_methods
from ..models import BillingPolicy, PriceAgreement


def _write(obj, values: dict, adding: bool) -> list[str]:
    """Validate `obj` with `values` set and save it: a new row whole, an existing one only
    the given fields. The names of the fields whose stored value changed."""
    for field, value in values.items():
        setattr(obj, field, value)
    obj.full_clean()
    if adding:
        obj.save(force_insert=True)
        return []
    if not values:
        return []
    attnames = {field: obj._meta.get_field(field).attname for field in values}
    stored = type(obj).objects.filter(pk=obj.pk).values(*attnames.values()).first() or {}
    obj.save(update_fields=list(values))
    return [f for f, attname in attnames.items() if stored.get(attname) != getattr(obj, attname)]


def _check_agreement(agreement: PriceAgreement) -> None:
    """What the model's constraints refuse, said as sentences before the database does:
    the dates in order, and an hourly price exact in the currency of its place."""
    if agreement.valid_until is not None and agreement.valid_until < agreement.valid_from:
        raise ValidationError(
            {
                "valid_until": _("The agreement cannot end before it starts (%(day)s).")
                % {"day": agreement.valid_from}
            }
        )
    place = agreement.room.location if agreement.room_id else agreement.location
    if agreement.hourly_price is not None and place is not None:
        price = Decimal(agreement.hourly_price)
        if price != money.quantize(price, place.currency):
            raise ValidationError(
                {
                    "hourly_price": _(
                        "%(currency)s amounts have at most %(places)d decimal places."
                    )
                    % {"currency": place.currency, "places": money.rounding_places(place.currency)}
                }
            )


def save_agreement(
    agreement: PriceAgreement, values: dict, *, by, source: str, ip: str | None = None
) -> PriceAgreement:
    """Validate and save `agreement` (new or existing) with `values`, its fields by name
    (`professional`, `location`, `room`, `valid_from`, `valid_until`, `hourly_price`,
    `discount_percent`, `note`). Raises ValidationError (a price and a discount both or
    neither, a room not at the location, dates out of order, a price finer than the
    currency)."""
    adding = agreement._state.adding
    with transaction.atomic(durable=True):
        for field, value in values.items():
            setattr(agreement, field, value)
        _check_agreement(agreement)
        changed = _write(agreement, values, adding)
        log_change(agreement, added=adding, fields=changed, by=by, source=source, ip=ip)
    return agreement


def end_agreement(
    agreement: PriceAgreement, on: date, *, by, source: str, ip: str | None = None
) -> PriceAgreement:
    """End `agreement` on `on` (its last day, inclusive): bookings made for later days pay
    the room's price (or another agreement's). Raises ValidationError when `on` is before
    the agreement starts."""
    return save_agreement(agreement, {"valid_until": on}, by=by, source=source, ip=ip)


def delete_agreement(agreement: PriceAgreement, *, by, source: str, ip: str | None = None):
    """Delete `agreement` (as the admin may): bookings keep the prices they were booked at."""
    with transaction.atomic(durable=True):
        user = user_or_none(by)
        if user is not None:
            message = [{"source": source, "ip": ip}]  # the admin writes no text for a deletion
            LogEntry.objects.log_actions(user.pk, [agreement], DELETION, message)
        PriceAgreement.objects.filter(pk=agreement.pk).delete()


def save_billing_policy(
    policy: BillingPolicy, values: dict, *, by, source: str, ip: str | None = None
) -> BillingPolicy:
    """Validate and save a location's billing policy (`late_cancel_percent`,
    `no_show_percent`, `payment_methods`), creating its row when it has none. A changed
    percentage applies to what happens from now on (charge rules are fixed when incurred).
    Raises ValidationError."""
    values = dict(values)
    if "payment_methods" in values:
        values["payment_methods"] = payment_methods.ordered(values["payment_methods"])
    adding = policy._state.adding
    with transaction.atomic(durable=True):
        changed = _write(policy, values, adding)
        log_change(policy, added=adding, fields=changed, by=by, source=source, ip=ip)
    return policy
