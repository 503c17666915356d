"""Every write to a patient, their relationships and their care team.

Guarantees: each call is one durable transaction; a value refused raises Django's
ValidationError (field → sentence) and writes nothing; every change is a PatientChange
(who, when, from where, which fields: never the values). A professional may write only
their own patients (the caller fetched them through patients.access); one who creates a
patient joins its care team."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import user_or_none

from .. import documents, phones
from ..models import CareLink, Patient, PatientChange, Relationship

# What a create or an update may set; anything else is refused.
FIELDS = (
    "first_name",
    "last_name",
    "document_type",
    "document_number",
    "birth_date",
    "email",
    "phone",
    "language",
    "consent_email",
    "consent_whatsapp",
    "consent_sms",
    "consent_surveys",
    "notes",
    "joined_on",
    "active",
)


def _record(patient: Patient, action: str, fields, *, by, source: str, ip: str | None) -> None:
    PatientChange.objects.create(
        patient=patient,
        by=user_or_none(by),
        source=source,
        ip=ip,
        action=action,
        fields=sorted(fields),
    )


def _clean(patient: Patient, values: dict, region: str | None) -> None:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be set here.") for name in sorted(unknown)}
        )
    for name, value in values.items():
        if isinstance(value, str) and name not in ("phone",):
            value = value.strip()
        setattr(patient, name, value)
    if patient.is_erased:
        raise ValidationError(_("This patient's data was erased; nothing can be changed."))
    patient.document_number = documents.clean(patient.document_type, patient.document_number)
    patient.phone = phones.clean(str(patient.phone or ""), region)
    if not patient.first_name:
        raise ValidationError({"first_name": _("A patient needs at least a first name.")})
    today = timezone.localdate()
    if patient.birth_date is not None and patient.birth_date > today:
        raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
    if patient.birth_date is not None and patient.birth_date < date(today.year - 130, 1, 1):
        raise ValidationError({"birth_date": _("This birth date is more than 130 years ago.")})
    patient.full_clean(
        exclude=["phone", "created_by"], validate_unique=False, validate_constraints=False
    )
    duplicate = (
        Patient.objects.filter(
            document_type=patient.document_type, document_number=patient.document_number
        )
        .exclude(pk=patient.pk)
        .exists()
        if patient.document_number
        else False
    )
    if duplicate:
        raise ValidationError(
            {"document_number": _("Another patient already has this document number.")},
            code="duplicate_document",
        )


def create_patient(
    values: dict, *, by, source: str, ip: str | None = None, region: str | None = None
) -> Patient:
    """A new patient from `values` (see FIELDS). Created by a professional, they join the
    patient's care team. `region` (ISO country) reads a phone typed without its code."""
    patient = Patient(created_by=user_or_none(by))
    _clean(patient, values, region)
    professional = roles.professional_of(by) if by is not None else None
    try:
        with transaction.atomic(durable=True):
            patient.save(force_insert=True)
            _record(patient, "created", values, by=by, source=source, ip=ip)
            if professional is not None:
                CareLink.objects.create(patient=patient, professional=professional)
                _record(patient, "care_team_added", ["professional"], by=by, source=source, ip=ip)
    except IntegrityError:
        raise ValidationError(
            {"document_number": _("Another patient already has this document number.")},
            code="duplicate_document",
        ) from None
    return patient


def update_patient(
    patient: Patient, values: dict, *, by, source: str, ip: str | None = None, region=None
) -> list[str]:
    """Change the given fields of `patient`; the names of those whose value changed."""
    with transaction.atomic(durable=True):
        current = Patient.objects.select_for_update().get(pk=patient.pk)
        before = {name: getattr(current, name) for name in FIELDS}
        _clean(current, values, region)
        changed = [name for name in FIELDS if getattr(current, name) != before[name]]
        if changed:
            current.save(update_fields=changed)
            _record(current, "changed", changed, by=by, source=source, ip=ip)
    for name in FIELDS:
        setattr(patient, name, getattr(current, name))
    return changed


def link_guardian(
    minor: Patient,
    guardian: Patient,
    *,
    kind: str,
    receives_messages: bool = True,
    by,
    source: str,
    ip: str | None = None,
) -> Relationship:
    """Record that `guardian` is responsible for `minor`. Refused (ValidationError) when
    `minor` is not a minor by their birth date, when the guardian is a minor, is the
    minor themselves or already linked, or either was erased."""
    if minor.pk == guardian.pk:
        raise ValidationError({"guardian": _("A patient cannot be their own guardian.")})
    if minor.is_erased or guardian.is_erased:
        raise ValidationError(_("An erased patient cannot be linked."))
    if minor.birth_date is None:
        raise ValidationError(
            {
                "minor": _("Record %(name)s's birth date first: it says who is a minor.")
                % {"name": minor.full_name}
            }
        )
    if not minor.is_minor:
        raise ValidationError(
            {
                "minor": _("%(name)s is an adult by their birth date; only a minor has guardians.")
                % {"name": minor.full_name}
            }
        )
    if guardian.is_minor:
        raise ValidationError(
            {
                "guardian": _("%(name)s is a minor and cannot be responsible for another patient.")
                % {"name": guardian.full_name}
            }
        )
    relationship = Relationship(
        minor=minor, guardian=guardian, kind=kind, receives_messages=receives_messages
    )
    relationship.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic(durable=True):
            relationship.save(force_insert=True)
            _record(minor, "guardian_added", ["guardians"], by=by, source=source, ip=ip)
    except IntegrityError:
        raise ValidationError(
            {
                "guardian": _("%(name)s is already linked to this patient.")
                % {"name": guardian.full_name}
            }
        ) from None
    return relationship


def unlink_guardian(relationship: Relationship, *, by, source: str, ip: str | None = None) -> None:
    with transaction.atomic(durable=True):
        deleted, _rows = Relationship.objects.filter(pk=relationship.pk).delete()
        if deleted:
            _record(
                relationship.minor, "guardian_removed", ["guardians"], by=by, source=source, ip=ip
            )


def add_to_care_team(
    patient: Patient, professional, *, discreet: bool = False, by, source: str, ip=None
) -> CareLink:
    """Link `professional` to `patient` (idempotent: an existing link is returned)."""
    if patient.is_erased:
        raise ValidationError(_("An erased patient cannot be linked."))
    with transaction.atomic(durable=True):
        link, created = CareLink.objects.get_or_create(
            patient=patient, professional=professional, defaults={"discreet": discreet}
        )
        if created:
            _record(patient, "care_team_added", ["professional"], by=by, source=source, ip=ip)
    return link


def link_on_booking(patient: Patient, professional, *, by, source: str, ip=None) -> None:
    """Inside the booking service's transaction: staff booking a session for a patient not
    yet in the professional's care team add them to it (recorded). Not durable, by
    design: it commits or rolls back with the booking."""
    _link, created = CareLink.objects.get_or_create(patient=patient, professional=professional)
    if created:
        _record(patient, "care_team_added", ["professional"], by=by, source=source, ip=ip)


def remove_from_care_team(
    patient: Patient, professional, *, by, source: str, ip: str | None = None
) -> None:
    with transaction.atomic(durable=True):
        deleted, _rows = CareLink.objects.filter(
            patient=patient, professional=professional
        ).delete()
        if deleted:
            _record(patient, "care_team_removed", ["professional"], by=by, source=source, ip=ip)


def set_discreet(
    patient: Patient, professional, discreet: bool, *, by, source: str, ip=None
) -> None:
    """The professional's choice: reception reads only this patient's first name and
    initial on the calendar (or the full name again)."""
    with transaction.atomic(durable=True):
        updated = CareLink.objects.filter(patient=patient, professional=professional).update(
            discreet=discreet
        )
        if not updated:
            raise ValidationError(_("This patient is not in your care team."))
        _record(patient, "care_team_changed", ["discreet"], by=by, source=source, ip=ip)


ERASED_FIELDS = (
    "first_name",
    "last_name",
    "document_type",
    "document_number",
    "birth_date",
    "email",
    "phone",
    "language",
    "consent_email",
    "consent_whatsapp",
    "consent_sms",
    "consent_surveys",
    "notes",
    "active",
    "erased_at",
)


def erase(patient: Patient, *, by, source: str, ip: str | None = None) -> Patient:
    """Erase the person on request: every field that identifies them is blanked, their
    relationships removed, the row kept (as "erased patient") so the sessions and money
    that refer to it stay whole. Issued statements are not touched: their stored numbers
    and PDF stay byte for byte, and no new version is made. Refused for staff without the
    manager's permission (the caller checks) and for a patient already erased."""
    with transaction.atomic(durable=True):
        current = Patient.objects.select_for_update().get(pk=patient.pk)
        if current.is_erased:
            raise ValidationError(_("This patient's data was already erased."))
        current.first_name = ""
        current.last_name = ""
        current.document_type = ""
        current.document_number = ""
        current.birth_date = None
        current.email = ""
        current.phone = ""
        current.language = ""
        current.consent_email = current.consent_whatsapp = current.consent_sms = False
        current.consent_surveys = False
        current.notes = ""
        current.active = False
        current.erased_at = timezone.now()
        current.save(update_fields=list(ERASED_FIELDS))
        Relationship.objects.filter(minor=current).delete()
        Relationship.objects.filter(guardian=current).delete()
        _record(current, "erased", ERASED_FIELDS, by=by, source=source, ip=ip)
    return current
