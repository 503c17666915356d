"""A patient's data as a readable PDF (the answer to a request for one's data): the same
parts as the patient page and the JSON export (backoffice.patient_record), rendered by
weasyprint with billing's fetcher, which serves our static files and nothing else (no
file://, no network), so no value in the page can pull in a file or a remote URL."""

from __future__ import annotations

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.statement_document import STATIC_BASE, StaticOnlyFetcher
from patients.models import Patient
from scheduling.local_time import at_location

from . import patient_record


def patient_html(patient: Patient) -> str:
    zone = patient_record.zone_of(patient)
    changes = list(patient_record.changes_of(patient))
    for change in changes:
        change.local_at = at_location(change.at, zone)
    return render_to_string(
        "backoffice/patients/patient_document.html",
        {
            "patient": patient,
            "document_label": patient_record.document_label(patient),
            "phone_label": patient_record.phone_label(patient),
            "guardians": patient_record.guardians_of(patient),
            "wards": patient_record.wards_of(patient),
            "care_team": patient_record.care_team_of(patient),
            "sessions": patient_record.sessions_of(patient),
            "changes": changes,
            "zone_label": zone.key,
            "exported_at": at_location(timezone.now(), zone),
            "clinic_name": getattr(settings, "CLINIC_NAME", "Integra"),
            "title": _("Patient data: %(name)s") % {"name": patient.full_name or patient.pk},
        },
    )


def render_pdf(patient: Patient) -> bytes:
    """The patient's data as a PDF (A4)."""
    return weasyprint.HTML(
        string=patient_html(patient), base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher()
    ).write_pdf()
