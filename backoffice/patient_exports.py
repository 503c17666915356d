"""The new-patients CSV: the rows the patients list shows for the same filters (all of
them, not one page), in billing.exports' spreadsheet style (UTF-8 with a byte-order mark,
the reader's column separator, ISO dates)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from billing.exports import to_csv
from patients import documents

from . import patient_record


def rows_of(patients, today: date) -> list[list]:
    rows = []
    for patient in patients:
        age = patient.age_on(today)
        rows.append(
            [
                patient.pk,
                patient.full_name if not patient.is_erased else str(_("Erased patient")),
                patient.birth_date.isoformat() if patient.birth_date else "",
                "" if age is None else age,
                _("yes") if patient.is_minor_on(today) else "",
                patient.get_document_type_display() if patient.document_number else "",
                documents.display(patient.document_type, patient.document_number),
                patient_record.phone_label(patient),
                patient.email,
                ", ".join(link.professional.name for link in patient.care_links.all()),
                patient.joined_on.isoformat(),
                _("Active") if patient.active and not patient.is_erased else _("Inactive"),
            ]
        )
    return rows


def new_patients_csv(patients, today: date) -> str:
    """`patients` (with `care_links__professional` prefetched) as CSV text."""
    header = [
        _("Patient"),
        _("Name"),
        _("Birth date"),
        _("Age"),
        _("Minor"),
        _("ID document"),
        _("Document number"),
        _("Phone"),
        _("Email"),
        _("Care team"),
        _("Joined on"),
        _("State"),
    ]
    return to_csv([str(h) for h in header], rows_of(patients, today))
