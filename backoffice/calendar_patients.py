"""Who a session is for, as reception reads it on the calendar and in its popovers.

The names on cards: a patient in full, or first name and initial where their professional
keeps them discreet (patients.access.name_for's staff rule), read for every card of a grid
in one query, and recorded as PatientRead rows of kind "calendar" in one insert per render.
The popover's choices (scheduling.patient_choices, shared with the portal), as reception
may read their names."""

from __future__ import annotations

from collections import defaultdict

from accounts.audit import Actor
from patients.access import discreet_pairs, record_reads, staff_name_for
from patients.models import Patient, ReadKind
from scheduling.models import Booking

_PATIENT_FIELDS = ("id", "first_name", "last_name", "erased_at")


def names_by_booking(bookings) -> dict[int, list[tuple[int, str]]]:
    """(patient id, name as reception reads it) per booking id, for a queryset of bookings
    or a list of ids: two queries (the patients, the discreet links) whatever the count."""
    through = Booking.patients.through.objects.filter(booking__in=bookings)
    rows = list(
        through.values_list(
            "booking_id", "booking__professional_id", *(f"patient__{f}" for f in _PATIENT_FIELDS)
        ).order_by("booking_id", "patient__first_name", "patient__last_name", "patient_id")
    )
    if not rows:
        return {}
    discreet = discreet_pairs({row[2] for row in rows})
    names: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for booking_id, professional_id, pk, first_name, last_name, erased_at in rows:
        patient = Patient(pk=pk, first_name=first_name, last_name=last_name, erased_at=erased_at)
        names[booking_id].append((pk, staff_name_for(patient, professional_id, discreet)))
    return names


def record_calendar_reads(reader: Actor | None, cards, path: str = "") -> int:
    """One insert: every patient whose name the rendered cards show."""
    if reader is None:
        return 0
    ids = [pk for card in cards for pk in card.patient_ids]
    if not ids:
        return 0
    return record_reads(reader, ids, ReadKind.CALENDAR, path=path)


def choices(patients, professional, user) -> list[dict]:
    """The popover's rows: id and the name as reception may read it for `professional`."""
    from patients.access import name_for

    discreet = discreet_pairs([p.pk for p in patients])
    pro_id = professional.pk if professional is not None else 0
    return [
        {
            "id": p.pk,
            "name": name_for(user, p, pro_id, discreet),
            "own": bool(getattr(p, "is_own", False)),
        }
        for p in patients
    ]
