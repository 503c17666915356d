"""Revenue agreements (rent, commission or both; who collects): the only code that writes
them, for the admin and the API.

Guarantees: each call is one durable transaction; a value the model refuses, or a period
that overlaps another agreement of the same professional, raises Django's ValidationError
with a sentence and writes nothing; the change is recorded in the admin's history with who
made it, through which door and from which address. Two writers for one professional are
serialised on the professional's row, so two overlapping agreements cannot both pass the
check."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import log_change
from professionals.models import Professional

from ..models import RevenueAgreement
from .agreements import _write


def _overlapping(agreement: RevenueAgreement) -> RevenueAgreement | None:
    """Another agreement of the same professional in force on some day of this one's."""
    others = RevenueAgreement.objects.filter(professional_id=agreement.professional_id).exclude(
        pk=agreement.pk
    )
    if agreement.valid_until is not None:
        others = others.filter(valid_from__lte=agreement.valid_until)
    return (
        others.exclude(valid_until__lt=agreement.valid_from).order_by("valid_from").first()
        if agreement.valid_from is not None
        else None
    )


def check_no_overlap(agreement: RevenueAgreement) -> None:
    """Raise ValidationError (a sentence naming the other agreement) when `agreement`'s
    period overlaps another agreement of the same professional. Also used by the admin's
    form, which saves through the admin's own transaction."""
    other = _overlapping(agreement)
    if other is None:
        return
    until = _(" to %(day)s") % {"day": other.valid_until.isoformat()} if other.valid_until else ""
    raise ValidationError(
        {
            "valid_from": _(
                "%(name)s already has an agreement from %(start)s%(until)s; end it before "
                "this one starts."
            )
            % {
                "name": other.professional.name,
                "start": other.valid_from.isoformat(),
                "until": until,
            }
        }
    )


def save_revenue_agreement(
    agreement: RevenueAgreement, values: dict, *, by, source: str, ip: str | None = None
) -> RevenueAgreement:
    """Create or change `agreement` with `values` (`professional`, `valid_from`,
    `valid_until`, `model`, `clinic_share_percent`, `collector`, `note`) and return it.

    Raises ValidationError: dates out of order, a commission without the clinic's share, a
    percentage outside 0–100, or a period overlapping another agreement of the same
    professional (the message names it). Statements already issued keep their numbers;
    statements issued later count each booking under the agreement in force on its local
    date."""
    adding = agreement._state.adding
    with transaction.atomic(durable=True):
        for field, value in values.items():
            setattr(agreement, field, value)
        if agreement.professional_id is None:
            raise ValidationError({"professional": _("Choose the professional.")})
        Professional.objects.select_for_update().filter(pk=agreement.professional_id).first()
        agreement.full_clean(validate_constraints=False)
        check_no_overlap(agreement)
        if "model" in values and "clinic_share_percent" not in values:
            values = {**values, "clinic_share_percent": agreement.clinic_share_percent}
        changed = _write(agreement, values, adding)
        log_change(agreement, added=adding, fields=changed, by=by, source=source, ip=ip)
    return agreement


def create_revenue_agreement(values: dict, *, by, source: str, ip: str | None = None):
    """A new agreement (see save_revenue_agreement)."""
    return save_revenue_agreement(RevenueAgreement(), values, by=by, source=source, ip=ip)


def end_revenue_agreement(
    agreement: RevenueAgreement, on: date, *, by, source: str, ip: str | None = None
) -> RevenueAgreement:
    """End `agreement` on `on` (its last day, inclusive); later bookings count under the
    next agreement, or as hourly rent when there is none. Raises ValidationError when `on`
    is before the agreement starts."""
    return save_revenue_agreement(agreement, {"valid_until": on}, by=by, source=source, ip=ip)
