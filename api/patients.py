"""API handlers for patients, their guardians and care team, the record of reads, and the
JSON export and erasure a patient may ask for.

Permissions are the UI's: staff read every patient, a professional only those in their
care team; another professional's patient answers the same 404 as an unknown id. Every
read goes through `patients.access` and leaves PatientRead rows (source api). Writes go
through `patients.services.records`; a refused one writes nothing."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import AuthorizationError

from accounts import roles
from accounts.audit import Source, actor_from_request
from api.patient_schemas import (
    CareLinkIn,
    CareLinkOut,
    CareLinkPatch,
    GuardianIn,
    GuardianOut,
    PatientExportOut,
    PatientFilters,
    PatientIn,
    PatientOut,
    PatientPatch,
    PatientReadFilters,
    PatientReadOut,
)
from api.scheduling import manager_only, staff_only
from api.schemas import MAX_ID
from patients.access import patient_for, patients_visible_to, record_reads
from patients.models import CareLink, Patient, PatientRead, ReadKind, Relationship
from patients.services import records
from professionals.access import professional_for
from scheduling.models import Booking

router = Router(tags=["patients"])
reads_router = Router(tags=["patients"])

PatientId = Path(..., ge=1, le=MAX_ID)
OtherId = Path(..., ge=1, le=MAX_ID)


def _actor(request):
    return actor_from_request(request, Source.API, by=request.auth)


def _patient(request, pk: int, kind: str = ReadKind.RECORD) -> Patient:
    return patient_for(_actor(request), pk, kind=kind, path=request.path)


def _may_write(user, permission: str) -> None:
    """Staff whose role holds `permission`, or a professional (on their own patients,
    which the fetch already ensured)."""
    if roles.is_staff(user):
        if not roles.may(user, permission):
            raise AuthorizationError(message=_("Your role may not do this."))
        return
    if roles.professional_of(user) is None:
        raise AuthorizationError(message=_("Only staff and professionals may do this."))


def _values(payload) -> dict:
    values = payload.dict(exclude_unset=True)
    for name in ("document_type", "document_number", "email", "phone", "language", "notes"):
        if name in values and values[name] is None:
            values[name] = ""
    return values


# ---------------------------------------------------------------- patients


@router.get("", response=list[PatientOut])
def patients_list(request, filters: Query[PatientFilters]):
    """Staff: every patient; a professional: their care team's. Each patient listed is
    recorded as read (kind `search` when `q` is given, else `list`)."""
    found = patients_visible_to(request.auth).matching(filters.q or "")
    found = found.joined_between(filters.joined_from, filters.joined_until)
    if filters.active is not None:
        found = found.filter(active=filters.active)
    if filters.professional:
        found = found.filter(care_links__professional_id__in=filters.professional).distinct()
    page = list(
        found.order_by("first_name", "last_name", "pk")[
            filters.offset : filters.offset + filters.limit
        ]
    )
    kind = ReadKind.SEARCH if (filters.q or "").strip() else ReadKind.LIST
    record_reads(_actor(request), [p.pk for p in page], kind, path=request.path)
    return page


@router.get("/{patient_id}", response=PatientOut)
def patients_get(request, patient_id: int = PatientId):
    return _patient(request, patient_id)


@router.post("", response={201: PatientOut})
def patients_create(request, payload: PatientIn):
    """A professional who creates a patient joins their care team."""
    _may_write(request.auth, "patients.add_patient")
    patient = records.create_patient(_values(payload), **_actor(request).as_kwargs())
    return Status(201, patient)


@router.patch("/{patient_id}", response=PatientOut)
def patients_update(request, payload: PatientPatch, patient_id: int = PatientId):
    _may_write(request.auth, "patients.change_patient")
    patient = _patient(request, patient_id)
    records.update_patient(patient, _values(payload), **_actor(request).as_kwargs())
    return patient


@router.post("/{patient_id}/erase", response=PatientOut)
def patients_erase(request, patient_id: int = PatientId):
    """A manager, on the patient's request: the person is anonymised; sessions and money
    records stay."""
    manager_only(request.auth, "patients.erase_patient")
    patient = _patient(request, patient_id)
    return records.erase(patient, **_actor(request).as_kwargs())


def _guardians(patient: Patient, side: str) -> list[dict]:
    other = "guardian" if side == "minor" else "minor"
    rows = Relationship.objects.filter(**{side: patient}).select_related(other)
    return [
        {
            "guardian": getattr(row, other),
            "kind": row.kind,
            "receives_messages": row.receives_messages,
        }
        for row in rows.order_by("pk")
    ]


def _care_team(patient: Patient) -> list[CareLink]:
    return list(
        CareLink.objects.filter(patient=patient).select_related("professional").order_by("pk")
    )


@router.get("/{patient_id}/export", response=PatientExportOut)
def patients_export(request, patient_id: int = PatientId):
    """A manager: everything kept about the patient, machine-readable (recorded as an
    export)."""
    manager_only(request.auth, "patients.export_patient")
    patient = _patient(request, patient_id, kind=ReadKind.EXPORT)
    sessions = (
        Booking.objects.filter(patients=patient)
        .select_related("professional")
        .order_by("starts_at", "pk")
    )
    return {
        "exported_at": timezone.now(),
        "patient": patient,
        "guardians": _guardians(patient, "minor"),
        "wards": _guardians(patient, "guardian"),
        "care_team": _care_team(patient),
        "sessions": [
            {
                "booking_id": b.pk,
                "starts_at": b.starts_at,
                "ends_at": b.ends_at,
                "status": b.status,
                "professional": b.professional,
                "session_type": b.session_type,
                "session_price": None if b.session_price is None else str(b.session_price),
                "session_currency": b.session_currency,
            }
            for b in sessions
        ],
    }


# ---------------------------------------------------------------- guardians


@router.get("/{patient_id}/guardians", response=list[GuardianOut])
def patient_guardians_list(request, patient_id: int = PatientId):
    patient = _patient(request, patient_id)
    rows = _guardians(patient, "minor")
    record_reads(
        _actor(request), [r["guardian"].pk for r in rows], ReadKind.LIST, path=request.path
    )
    return rows


@router.post("/{patient_id}/guardians", response={201: list[GuardianOut]})
def patient_guardians_add(request, payload: GuardianIn, patient_id: int = PatientId):
    """Link a responsible adult (a patient the user may read) to a minor."""
    _may_write(request.auth, "patients.add_relationship")
    minor = _patient(request, patient_id)
    guardian = _patient(request, payload.guardian_id)
    records.link_guardian(
        minor,
        guardian,
        kind=payload.kind,
        receives_messages=payload.receives_messages,
        **_actor(request).as_kwargs(),
    )
    return Status(201, _guardians(minor, "minor"))


@router.delete("/{patient_id}/guardians/{guardian_id}", response={204: None})
def patient_guardians_remove(request, patient_id: int = PatientId, guardian_id: int = OtherId):
    _may_write(request.auth, "patients.delete_relationship")
    minor = _patient(request, patient_id)
    guardian = _patient(request, guardian_id)
    relationship = Relationship.objects.filter(minor=minor, guardian=guardian).first()
    if relationship is None:
        raise Http404(_("This adult is not linked to this patient."))
    records.unlink_guardian(relationship, **_actor(request).as_kwargs())
    return Status(204, None)


# ---------------------------------------------------------------- care team


@router.get("/{patient_id}/care-team", response=list[CareLinkOut])
def patient_care_team_list(request, patient_id: int = PatientId):
    return _care_team(_patient(request, patient_id))


@router.post("/{patient_id}/care-team", response={201: list[CareLinkOut]})
def patient_care_team_add(request, payload: CareLinkIn, patient_id: int = PatientId):
    """Staff: a professional joins the patient's care team (idempotent)."""
    staff_only(request.auth)
    _may_write(request.auth, "patients.add_carelink")
    patient = _patient(request, patient_id)
    professional = professional_for(request.auth, payload.professional_id)
    records.add_to_care_team(
        patient, professional, discreet=payload.discreet, **_actor(request).as_kwargs()
    )
    return Status(201, _care_team(patient))


@router.delete("/{patient_id}/care-team/{professional_id}", response={204: None})
def patient_care_team_remove(request, patient_id: int = PatientId, professional_id: int = OtherId):
    staff_only(request.auth)
    _may_write(request.auth, "patients.delete_carelink")
    patient = _patient(request, patient_id)
    professional = professional_for(request.auth, professional_id)
    records.remove_from_care_team(patient, professional, **_actor(request).as_kwargs())
    return Status(204, None)


@router.patch("/{patient_id}/care-team/{professional_id}", response=list[CareLinkOut])
def patient_care_team_update(
    request, payload: CareLinkPatch, patient_id: int = PatientId, professional_id: int = OtherId
):
    """The professional's own choice: reception sees only the patient's first name and
    initial on the calendar (`discreet`). Nobody else may set it."""
    own = roles.professional_of(request.auth)
    patient = _patient(request, patient_id)
    if own is None or own.pk != professional_id:
        raise AuthorizationError(message=_("Only the professional themselves may choose this."))
    records.set_discreet(patient, own, payload.discreet, **_actor(request).as_kwargs())
    return _care_team(patient)


# ---------------------------------------------------------------- who read what


@reads_router.get("", response=list[PatientReadOut])
def patient_reads_list(request, filters: Query[PatientReadFilters]):
    """A manager: who read which patient, when, how and from where; latest first."""
    manager_only(request.auth, "patients.view_patientread")
    found = PatientRead.objects.select_related("by")
    if filters.patient:
        found = found.filter(patient_id__in=filters.patient)
    if filters.user:
        found = found.filter(by_id__in=filters.user)
    if filters.kind:
        found = found.filter(kind__in=filters.kind)
    return found.order_by("-at", "-pk")[filters.offset : filters.offset + filters.limit]
