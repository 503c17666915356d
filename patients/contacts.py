"""Who receives the messages meant for a patient: the patient, or for a minor the
responsible adults marked to receive them."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .models import Patient


def recipients_for(patient: Patient, *, on: date | None = None) -> list[Patient]:
    """The people a reminder or survey for `patient` goes to. An adult receives their own;
    a minor's go to each guardian with `receives_messages`, or to the minor themselves when
    no guardian is recorded (the clinic then sees the warning on the patient's page). An
    erased patient receives nothing."""
    if patient.is_erased:
        return []
    on = on or timezone.localdate()
    if patient.is_minor_on(on):
        guardians = [
            link.guardian
            for link in patient.guardians.select_related("guardian")
            if link.receives_messages and not link.guardian.is_erased
        ]
        if guardians:
            return guardians
    return [patient]
