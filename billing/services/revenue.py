"""Revenue agreements (rent, commission or both; who collects): the one write path.

Minimal version written beside the API (helper "api"); the billing helper's fuller one
replaces it at merge with the same name and signature.

Guarantees: one durable transaction; a value the model refuses raises Django's
ValidationError (field → sentence) and writes nothing; the change is recorded in the
admin's history with who, through which door and from where."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import log_change

from ..models import RevenueAgreement, ShareModel

FIELDS = (
    "professional",
    "valid_from",
    "valid_until",
    "model",
    "clinic_share_percent",
    "collector",
    "note",
)


def save_revenue_agreement(
    agreement: RevenueAgreement, values: dict, *, by, source: str, ip: str | None = None
) -> RevenueAgreement:
    """Create (`agreement` unsaved) or change `agreement` with `values` (see FIELDS).
    Refused (ValidationError): unknown fields, an end before the start, a commission
    without the clinic's share, a share outside 0–100, and a period overlapping another
    agreement of the same professional."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    adding = agreement.pk is None
    with transaction.atomic(durable=True):
        if not adding:
            agreement = RevenueAgreement.objects.select_for_update().get(pk=agreement.pk)
        for name, value in values.items():
            setattr(agreement, name, value)
        if agreement.model == ShareModel.RENT and "clinic_share_percent" not in values:
            agreement.clinic_share_percent = None
        if agreement.model != ShareModel.RENT and agreement.clinic_share_percent is None:
            raise ValidationError(
                {"clinic_share_percent": _("A commission needs the clinic's share (%).")}
            )
        if agreement.valid_until is not None and agreement.valid_until < agreement.valid_from:
            raise ValidationError(
                {
                    "valid_until": _("The agreement cannot end before it starts (%(day)s).")
                    % {"day": agreement.valid_from}
                }
            )
        agreement.full_clean()
        others = RevenueAgreement.objects.filter(professional_id=agreement.professional_id)
        others = others.exclude(pk=agreement.pk).exclude(valid_until__lt=agreement.valid_from)
        if agreement.valid_until is not None:
            others = others.exclude(valid_from__gt=agreement.valid_until)
        clash = others.order_by("valid_from").first()
        if clash is not None:
            raise ValidationError(
                {
                    "valid_from": _("This period overlaps the agreement from %(day)s.")
                    % {"day": clash.valid_from}
                }
            )
        agreement.save(force_insert=adding)
        log_change(agreement, added=adding, fields=sorted(values), by=by, source=source, ip=ip)
    return agreement
