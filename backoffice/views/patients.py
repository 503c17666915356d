"""Staff pages for patients: the list with search and filters (and its new-patients CSV),
a patient's page, create and edit, guardians and care team; for a manager, a patient's
data as JSON or PDF, erasure on request, and who read what.

Health data: every patient is fetched through patients.access and every page that shows
patients records one PatientRead per patient shown (patient_for / record_reads); every
write goes through patients.services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import permission_required, staff_required
from accounts.audit import Source, actor_from_request
from backoffice import patient_document, patient_exports, patient_record
from backoffice.patient_forms import CareTeamForm, EraseForm, GuardianForm, ListFilters
from patients import services
from patients.access import patient_for, patients_visible_to, record_reads
from patients.forms import PatientForm, apply_refusal, initial_of
from patients.models import CareLink, PatientRead, ReadKind
from professionals.access import professional_for
from scheduling.local_time import at_location

PAGE = 50


def _actor(request):
    return actor_from_request(request, Source.BACKOFFICE)


def _listed(request):
    """The patients the filters select, with their care team (two queries a page)."""
    filters = ListFilters(request.GET or None)
    found = filters.filtered(patients_visible_to(request.user)).prefetch_related(
        Prefetch(
            "care_links",
            queryset=CareLink.objects.select_related("professional").order_by("professional__name"),
        )
    )
    return filters, found.order_by("last_name", "first_name", "pk")


@staff_required
@require_GET
def patient_list(request):
    filters, found = _listed(request)
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    kind = ReadKind.SEARCH if filters.searched else ReadKind.LIST
    record_reads(_actor(request), [p.pk for p in page], kind, path=request.path)
    today = timezone.localdate()
    for patient in page:
        patient.age = patient.age_on(today)
        patient.document_label = patient_record.document_label(patient)
        patient.phone_label = patient_record.phone_label(patient)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query.urlencode()}
    if request.htmx:
        return render(request, "backoffice/patients/partials/patient_rows.html", context)
    return render(request, "backoffice/patients/patient_list.html", context)


@permission_required("patients.export_patient")
@require_GET
def new_patients_csv(request):
    """The list's patients (its filters, typically a joining period) as a spreadsheet;
    each row recorded as an export read."""
    filters, found = _listed(request)
    if filters.is_bound and not filters.is_valid():
        return render(
            request,
            "backoffice/patients/patient_list.html",
            {"page": Paginator([], PAGE).get_page(1), "filters": filters, "query": ""},
            status=422,
        )
    rows = list(found)
    record_reads(_actor(request), [p.pk for p in rows], ReadKind.EXPORT, path=request.path)
    body = patient_exports.new_patients_csv(rows, timezone.localdate())
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="new-patients.csv"'
    return response


@staff_required
def patient_create(request):
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.create_patient(
                form.values(), region=form.region, **_actor(request).as_kwargs()
            )
        except ValidationError as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Patient %(name)s added.") % {"name": patient.full_name})
            return redirect("patients:detail", patient.pk)
    return render(request, "backoffice/patients/patient_form.html", {"form": form})


@staff_required
def patient_edit(request, pk: int):
    patient = patient_for(_actor(request), pk, path=request.path)
    if patient.is_erased:
        messages.error(request, _("This patient's data was erased; nothing can be changed."))
        return redirect("patients:detail", pk)
    form = PatientForm(request.POST or None, initial=initial_of(patient))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_patient(
                patient, form.values(), region=form.region, **_actor(request).as_kwargs()
            )
        except ValidationError as refusal:
            apply_refusal(form, refusal)
        else:
            if changed:
                messages.success(request, _("Changes saved."))
            return redirect("patients:detail", pk)
    return render(
        request, "backoffice/patients/patient_form.html", {"form": form, "patient": patient}
    )


@staff_required
@require_GET
def patient_detail(request, pk: int):
    patient = patient_for(_actor(request), pk, path=request.path)
    guardians = list(patient_record.guardians_of(patient))
    wards = list(patient_record.wards_of(patient))
    care_team = list(patient_record.care_team_of(patient))
    zone = patient_record.zone_of(patient)
    changes = Paginator(patient_record.changes_of(patient), 25).get_page(request.GET.get("changes"))
    for change in changes:
        change.local_at = at_location(change.at, zone)
    # Guardians and wards are patients too: their names on this page are reads of them.
    related = [link.guardian_id for link in guardians] + [link.minor_id for link in wards]
    if related:
        record_reads(_actor(request), related, ReadKind.LIST, path=request.path)
    in_team = {link.professional_id for link in care_team}
    care_form = CareTeamForm()
    care_form.fields["professional"].queryset = care_form.fields["professional"].queryset.exclude(
        pk__in=in_team
    )
    return render(
        request,
        "backoffice/patients/patient_detail.html",
        {
            "patient": patient,
            "document_label": patient_record.document_label(patient),
            "phone_label": patient_record.phone_label(patient),
            "age": patient.age_on(timezone.localdate()),
            "guardians": guardians,
            "wards": wards,
            "care_team": care_team,
            "sessions": patient_record.sessions_of(patient),
            "changes": changes,
            "zone_label": zone.key,
            "guardian_form": GuardianForm(),
            "care_form": care_form,
        },
    )


@staff_required
@require_GET
def guardian_search(request, pk: int):
    """The responsible adults typed for: patients matching two letters or more, listed as
    choices under the field (each a search read)."""
    minor = patient_for(_actor(request), pk, path=request.path)
    text = request.GET.get("q", "").strip()
    found = []
    if len(text) >= 2:
        found = list(
            patients_visible_to(request.user)
            .active()
            .matching(text)
            .exclude(pk=minor.pk)
            .order_by("last_name", "first_name", "pk")[:10]
        )
        record_reads(_actor(request), [p.pk for p in found], ReadKind.SEARCH, path=request.path)
    today = timezone.localdate()
    for patient in found:
        patient.age = patient.age_on(today)
    return render(
        request,
        "backoffice/patients/partials/guardian_choices.html",
        {"found": found, "text": text},
    )


@require_POST
@staff_required
def guardian_add(request, pk: int):
    actor = _actor(request)
    minor = patient_for(actor, pk, path=request.path)
    form = GuardianForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the responsible adult from the list, and a kind."))
        return redirect("patients:detail", pk)
    guardian = patient_for(actor, form.cleaned_data["guardian"], path=request.path)
    try:
        services.link_guardian(
            minor,
            guardian,
            kind=form.cleaned_data["kind"],
            receives_messages=form.cleaned_data["receives_messages"],
            **actor.as_kwargs(),
        )
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)s is now linked as responsible.") % {"name": guardian.full_name}
        )
    return redirect("patients:detail", pk)


@require_POST
@staff_required
def guardian_remove(request, pk: int, guardian_pk: int):
    actor = _actor(request)
    minor = patient_for(actor, pk, path=request.path)
    link = minor.guardians.filter(guardian_id=guardian_pk).first()
    if link is None:
        messages.error(request, _("This adult is not linked to this patient."))
    else:
        services.unlink_guardian(link, **actor.as_kwargs())
        messages.success(request, _("The responsible adult was unlinked."))
    return redirect("patients:detail", pk)


@require_POST
@staff_required
def care_team_add(request, pk: int):
    actor = _actor(request)
    patient = patient_for(actor, pk, path=request.path)
    form = CareTeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an active professional."))
        return redirect("patients:detail", pk)
    professional = professional_for(request.user, form.cleaned_data["professional"].pk)
    try:
        services.add_to_care_team(
            patient, professional, discreet=form.cleaned_data["discreet"], **actor.as_kwargs()
        )
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s joined the care team.") % {"name": professional.name})
    return redirect("patients:detail", pk)


@require_POST
@staff_required
def care_team_remove(request, pk: int, professional_pk: int):
    actor = _actor(request)
    patient = patient_for(actor, pk, path=request.path)
    professional = professional_for(request.user, professional_pk)
    services.remove_from_care_team(patient, professional, **actor.as_kwargs())
    messages.success(request, _("%(name)s left the care team.") % {"name": professional.name})
    return redirect("patients:detail", pk)


@permission_required("patients.export_patient")
@require_GET
def export_json(request, pk: int):
    patient = patient_for(_actor(request), pk, kind=ReadKind.EXPORT, path=request.path)
    body = json.dumps(patient_record.export_of(patient), ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}.json"'
    return response


@permission_required("patients.export_patient")
@require_GET
def export_pdf(request, pk: int):
    patient = patient_for(_actor(request), pk, kind=ReadKind.EXPORT, path=request.path)
    response = HttpResponse(patient_document.render_pdf(patient), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}.pdf"'
    return response


@permission_required("patients.erase_patient")
def erase(request, pk: int):
    """The confirm page (the patient's full name typed), then the erasure."""
    patient = patient_for(_actor(request), pk, path=request.path)
    if patient.is_erased:
        messages.error(request, _("This patient's data was already erased."))
        return redirect("patients:detail", pk)
    form = EraseForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase(patient, **_actor(request).as_kwargs())
        except ValidationError as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("The patient's personal data was erased."))
            return redirect("patients:detail", pk)
    return render(
        request, "backoffice/patients/patient_erase.html", {"patient": patient, "form": form}
    )


def _id_or_none(text) -> int | None:
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**31 else None


@permission_required("patients.view_patientread")
@require_GET
def reads(request):
    """Who read which patient, when, how and from where; latest first, by patient and by
    user. The patients named on it are themselves read (a list read)."""
    patient_id = _id_or_none(request.GET.get("patient"))
    user_id = _id_or_none(request.GET.get("user"))
    found = PatientRead.objects.select_related("patient", "by")
    if patient_id:
        found = found.filter(patient_id=patient_id)
    if user_id:
        found = found.filter(by_id=user_id)
    page = Paginator(found.order_by("-at", "-pk"), PAGE).get_page(request.GET.get("page"))
    record_reads(
        _actor(request), [row.patient_id for row in page], ReadKind.LIST, path=request.path
    )
    zone = patient_record.clinic_zone()
    for row in page:
        row.local_at = at_location(row.at, zone)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/patients/patient_reads.html",
        {
            "page": page,
            "patient_id": patient_id or "",
            "user_id": user_id or "",
            "query": query.urlencode(),
            "zone_label": zone.key,
        },
    )
