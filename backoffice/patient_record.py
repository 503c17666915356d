"""What staff read of one patient: details, relationships, care team, sessions (with their
state and the booking's payment mark) and the change history. The patient page, the JSON
export and the PDF export all read it from here, so the three say the same.

Costs a constant number of queries whatever the number of sessions or changes (one per
part, plus one billing policy per location). The caller has fetched the patient through
patients.access, which recorded the read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import ledger, marks
from patients import documents, phones
from patients.models import CareLink, Patient
from scheduling.local_time import at_location
from scheduling.models import Booking, Location


@dataclass(frozen=True)
class Session:
    """One booking holding a session with this patient, as staff read it."""

    pk: int
    local_start: datetime
    local_end: datetime
    zone_label: str
    location_name: str
    place: str  # the room, or "Online"
    is_virtual: bool
    professional_name: str
    status: str
    status_label: str
    session_type_label: str
    session_price: Decimal | None
    session_currency: str
    mark: tuple[str, str, str] | None  # (short, full, css state) from billing.marks


def sessions_of(patient: Patient) -> list[Session]:
    """Every booking with `patient`, latest first, times in each location's zone."""
    bookings = marks.with_payment_fields(
        Booking.objects.filter(patients=patient).select_related("room__location", "professional")
    ).order_by("-starts_at", "-pk")
    policies = ledger.Policies()
    sessions = []
    for booking in bookings:
        state = marks.state_of_booking(booking, policies)
        location = booking.room.location
        start = at_location(booking.starts_at, location)
        sessions.append(
            Session(
                pk=booking.pk,
                local_start=start,
                local_end=at_location(booking.ends_at, location),
                zone_label=location.tz,
                location_name=location.name,
                place=str(_("Online")) if booking.room.is_virtual else booking.room.name,
                is_virtual=booking.room.is_virtual,
                professional_name=booking.professional.name,
                status=booking.status,
                status_label=booking.get_status_display(),
                session_type_label=booking.get_session_type_display(),
                session_price=booking.session_price,
                session_currency=booking.session_currency,
                mark=marks.mark_for(
                    state,
                    booking.status,
                    cancelled_late=booking.cancelled_late,
                    late_fee_waived=booking.late_fee_waived,
                ),
            )
        )
    return sessions


def zone_of(patient: Patient) -> ZoneInfo:
    """Where this patient's history is told: the zone of the location of their latest
    session, else the clinic's first location's, else UTC."""
    latest = (
        Booking.objects.filter(patients=patient)
        .order_by("-starts_at")
        .values_list("room__location__tz", flat=True)
        .first()
    )
    first = latest or Location.objects.order_by("pk").values_list("tz", flat=True).first()
    return ZoneInfo(first or "UTC")


def clinic_zone() -> ZoneInfo:
    """The first location's zone (UTC without one): pages about many patients."""
    first = Location.objects.order_by("pk").values_list("tz", flat=True).first()
    return ZoneInfo(first or "UTC")


def guardians_of(patient: Patient):
    return patient.guardians.select_related("guardian").order_by("pk")


def wards_of(patient: Patient):
    return patient.wards.select_related("minor").order_by("pk")


def care_team_of(patient: Patient):
    return patient.care_links.select_related("professional").order_by("professional__name")


# PatientChange.action as a person reads it (an unknown one is shown as stored).
ACTIONS = {
    "created": gettext_lazy("Created"),
    "changed": gettext_lazy("Changed"),
    "guardian_added": gettext_lazy("Responsible adult linked"),
    "guardian_removed": gettext_lazy("Responsible adult unlinked"),
    "care_team_added": gettext_lazy("Professional added to the care team"),
    "care_team_removed": gettext_lazy("Professional removed from the care team"),
    "care_team_changed": gettext_lazy("Care team changed"),
    "erased": gettext_lazy("Erased on request"),
}


# The names in PatientChange.fields that are not the patient's own fields (what
# patients.services.records writes for a relationship or the care team).
OTHER_FIELDS = {
    "guardians": gettext_lazy("Responsible adults"),
    "professional": Patient._meta.get_field("professionals").verbose_name,
    "discreet": CareLink._meta.get_field("discreet").verbose_name,
}


def field_label(name: str) -> str:
    """A changed field as a person reads it, in their language ("consent_sms" → "May be
    contacted by SMS"); a name that is no field (any more) is shown as stored."""
    label = OTHER_FIELDS.get(name)
    if label is None:
        try:
            label = getattr(Patient._meta.get_field(name), "verbose_name", None)
        except FieldDoesNotExist:
            label = None
    return capfirst(str(label)) if label is not None else name


def changes_of(patient: Patient) -> list:
    """The patient's changes, latest first, each with its `action_label` and its
    `field_labels` (the pages show those; `fields` keeps the stored names, which the JSON
    export gives as they are)."""
    changes = list(patient.changes.select_related("by").order_by("-at", "-pk"))
    for change in changes:
        change.action_label = str(ACTIONS.get(change.action, change.action))
        change.field_labels = [field_label(name) for name in change.fields]
    return changes


def _who(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email or user.username


def export_of(patient: Patient) -> dict:
    """Everything the clinic holds about `patient`, machine-readable (JSON types only):
    the answer to a request for one's data."""
    zone = zone_of(patient)
    return {
        "patient": {
            "id": patient.pk,
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "document_type": patient.document_type,
            "document_number": patient.document_number,
            "birth_date": patient.birth_date.isoformat() if patient.birth_date else None,
            "email": patient.email,
            "phone": str(patient.phone or ""),
            "language": patient.language,
            "consent_email": patient.consent_email,
            "consent_whatsapp": patient.consent_whatsapp,
            "consent_sms": patient.consent_sms,
            "consent_surveys": patient.consent_surveys,
            "notes": patient.notes,
            "joined_on": patient.joined_on.isoformat(),
            "active": patient.active,
            "erased_at": patient.erased_at.isoformat() if patient.erased_at else None,
        },
        "guardians": [
            {
                "patient_id": link.guardian_id,
                "name": link.guardian.full_name,
                "kind": link.kind,
                "receives_messages": link.receives_messages,
            }
            for link in guardians_of(patient)
        ],
        "wards": [
            {"patient_id": link.minor_id, "name": link.minor.full_name, "kind": link.kind}
            for link in wards_of(patient)
        ],
        "care_team": [
            {
                "professional_id": link.professional_id,
                "name": link.professional.name,
                "since": link.since.isoformat(),
                "discreet": link.discreet,
            }
            for link in care_team_of(patient)
        ],
        "sessions": [
            {
                "booking_id": session.pk,
                "starts_at": session.local_start.isoformat(),
                "ends_at": session.local_end.isoformat(),
                "time_zone": session.zone_label,
                "location": session.location_name,
                "room": session.place,
                "session_type": session.session_type_label,
                "professional": session.professional_name,
                "status": session.status,
                "session_price": (
                    str(session.session_price) if session.session_price is not None else None
                ),
                "session_currency": session.session_currency,
                "payment": session.mark[2] if session.mark else None,
            }
            for session in sessions_of(patient)
        ],
        "changes": [
            {
                "at": at_location(change.at, zone).isoformat(),
                "by": _who(change.by),
                "source": change.source,
                "action": change.action,
                "fields": change.fields,
            }
            for change in changes_of(patient)
        ],
        "exported_at": at_location(timezone.now(), zone).isoformat(),
    }


def document_label(patient: Patient) -> str:
    """ "CPF (Brazil) 390.533.447-05", or "" without a document."""
    if not patient.document_number:
        return ""
    number = documents.display(patient.document_type, patient.document_number)
    return f"{patient.get_document_type_display()} {number}".strip()


def phone_label(patient: Patient) -> str:
    return phones.display(patient.phone)
