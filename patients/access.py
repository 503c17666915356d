"""Permission-scoped reads of patients, each one recorded.

- Staff read every patient (they run the clinic); a professional reads only the patients
  in whose care team they are; anyone else reads none. An unknown id and another
  professional's patient answer the same 404, so an id cannot be probed.
- Every read of a record, a list, a search result, an export or a calendar name is a
  PatientRead row (who, when, which patient, how, from where), written in one query per
  page. The fetches here take the actor so a read cannot be left unrecorded."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import Actor, user_or_none

from .models import CareLink, Patient, PatientRead, ReadKind


def patients_visible_to(user):
    """The patients `user` may read: all for staff, a professional's own, else none. Not
    recorded by itself: whoever shows the rows calls `record_reads` with them."""
    patients = Patient.objects.all()
    if roles.is_staff(user):
        return patients
    professional = roles.professional_of(user)
    if professional is None:
        return patients.none()
    return patients.filter(care_links__professional=professional)


def patient_for(actor: Actor, pk, *, kind: str = ReadKind.RECORD, path: str = "") -> Patient:
    """The patient if `actor.by` may read them (recorded as a read of `kind`), else 404."""
    try:
        pk = int(pk)
        patient = patients_visible_to(actor.by).get(pk=pk)
    except (Patient.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404(
            _("There is no patient %(id)s, or they are not yours.") % {"id": pk}
        ) from None
    record_reads(actor, [patient.pk], kind, path=path)
    return patient


def record_reads(actor: Actor, patient_ids: Iterable[int], kind: str, *, path: str = "") -> int:
    """Record that `actor` read each of `patient_ids` (one insert for all); how many."""
    user = user_or_none(actor.by)
    rows = [
        PatientRead(
            patient_id=pk,
            by=user,
            kind=kind,
            source=actor.source,
            ip=actor.ip,
            path=(path or "")[:300],
        )
        for pk in dict.fromkeys(patient_ids)
    ]
    PatientRead.objects.bulk_create(rows)
    return len(rows)


def record_reads_by(
    actors: Iterable[Actor], patient_ids: Iterable[int], kind: str, *, path: str = ""
) -> int:
    """Record that each of `actors` read each of `patient_ids` (one insert for all: a live
    card sent to every socket watching it); how many rows."""
    ids = list(dict.fromkeys(patient_ids))
    rows = [
        PatientRead(
            patient_id=pk,
            by=user_or_none(actor.by),
            kind=kind,
            source=actor.source,
            ip=actor.ip,
            path=(path or "")[:300],
        )
        for actor in actors
        for pk in ids
    ]
    PatientRead.objects.bulk_create(rows)
    return len(rows)


def is_in_care_team(patient_id: int, professional_id: int) -> bool:
    return CareLink.objects.filter(patient_id=patient_id, professional_id=professional_id).exists()


def discreet_pairs(patient_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(patient, professional) pairs whose professional keeps the patient discreet."""
    return set(
        CareLink.objects.filter(patient_id__in=list(patient_ids), discreet=True).values_list(
            "patient_id", "professional_id"
        )
    )


def staff_name_for(patient: Patient, professional_id: int, discreet: set[tuple[int, int]]) -> str:
    """How reception reads `patient` on a booking of `professional_id`: in full, or the
    first name and initial when the professional keeps the patient discreet; "erased" once
    erased. For readers already known to be staff (the staff calendar's live stream draws a
    card once for all its sockets)."""
    if patient.is_erased:
        return _("Erased patient")
    if (patient.pk, professional_id) in discreet:
        return patient.short_name
    return patient.full_name


def name_for(user, patient: Patient, professional_id: int, discreet: set[tuple[int, int]]) -> str:
    """How `user` reads `patient` on a booking of `professional_id`: in full for the
    professional and for staff, the first name and initial for staff when the professional
    keeps the patient discreet, "erased" once erased, and nothing for anyone else (a
    professional never reads another's patients)."""
    if roles.is_staff(user):
        return staff_name_for(patient, professional_id, discreet)
    if patient.is_erased:
        return _("Erased patient")
    professional = roles.professional_of(user)
    if professional is not None and professional.pk == professional_id:
        return patient.full_name
    return ""
