"""My patients: the professional's care team list with search, a patient's page (details,
responsible adults, my sessions with them), add and edit, and whether reception reads them
discreetly on the calendar.

Health data: a professional reads only patients in their own care team (patients.access
answers 404 for anyone else's, the same as for an unknown id), every patient shown is
recorded as a PatientRead, and every write goes through patients.services. Sessions shown
are the professional's own: never another professional's booking with the same patient."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.audit import actor_from_request
from patients import documents, phones, services
from patients.access import patient_for, patients_visible_to, record_reads
from patients.forms import PatientForm, apply_refusal, initial_of
from patients.models import CareLink, ReadKind
from scheduling import patient_choices as choosing
from scheduling.local_time import at_location
from scheduling.models import Booking, Source

from ..access import professional_required
from .home import portal_context

PAGE = 30
SESSIONS_SHOWN = 20


def _actor(request):
    return actor_from_request(request, Source.PORTAL)


def _mine(request):
    """My patients: the care team's, never an erased one."""
    return patients_visible_to(request.user).filter(
        care_links__professional=request.professional, erased_at__isnull=True
    )


@professional_required
@require_GET
@vary_on_headers("HX-Request")
def patient_list(request):
    """My patients, A–Z, with my last session with each; a search by name, document or
    phone narrows it as one types (the list part alone for the page's script)."""
    query = request.GET.get("q", "").strip()[:100]
    mine = _mine(request).matching(query) if query else _mine(request)
    mine = mine.annotate(
        last_session=Max(
            "bookings__starts_at", filter=Q(bookings__professional=request.professional)
        )
    ).order_by("last_name", "first_name", "pk")
    page = Paginator(mine, PAGE).get_page(request.GET.get("page"))
    record_reads(
        _actor(request),
        [p.pk for p in page],
        ReadKind.SEARCH if query else ReadKind.LIST,
        path=request.path,
    )
    today = timezone.localdate()
    discreet = set(
        CareLink.objects.filter(
            professional=request.professional, patient__in=[p.pk for p in page], discreet=True
        ).values_list("patient_id", flat=True)
    )
    for patient in page:
        patient.age = patient.age_on(today)
        patient.is_discreet = patient.pk in discreet
    context = portal_context("patients", page=page, query=query)
    if request.htmx and request.GET.get("part") == "rows":
        return render(request, "portal/partials/patient_rows.html", context)
    return render(request, "portal/patients.html", context)


def _my_sessions(request, patient) -> list[dict]:
    bookings = (
        Booking.objects.filter(professional=request.professional, patients=patient)
        .select_related("room__location")
        .order_by("-starts_at", "-pk")[:SESSIONS_SHOWN]
    )
    return [
        {
            "booking": booking,
            "starts": at_location(booking.starts_at, booking.room.location),
            "ends": at_location(booking.ends_at, booking.room.location),
        }
        for booking in bookings
    ]


@professional_required
@require_GET
def patient_detail(request, pk: int):
    patient = patient_for(_actor(request), pk, path=request.path)
    link = CareLink.objects.filter(patient=patient, professional=request.professional).first()
    if link is None or patient.is_erased:
        raise Http404(_("There is no patient %(id)s, or they are not yours.") % {"id": pk})
    guardians = list(patient.guardians.select_related("guardian").order_by("pk"))
    if guardians:
        # Their names and phones on this page are reads of them too.
        record_reads(
            _actor(request), [g.guardian_id for g in guardians], ReadKind.LIST, path=request.path
        )
    number = documents.display(patient.document_type, patient.document_number)
    context = portal_context(
        "patients",
        patient=patient,
        link=link,
        age=patient.age_on(timezone.localdate()),
        document_label=(
            f"{patient.get_document_type_display()} {number}".strip()
            if patient.document_number
            else ""
        ),
        phone_label=phones.display(patient.phone),
        guardians=[{"link": g, "phone": phones.display(g.guardian.phone)} for g in guardians],
        sessions=_my_sessions(request, patient),
    )
    return render(request, "portal/patient_detail.html", context)


@professional_required
def patient_create(request):
    """A new patient, who joins my care team (patients.services does both at once)."""
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
            return redirect("portal:patient", patient.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request, "portal/patient_form.html", portal_context("patients", form=form), status=status
    )


@professional_required
def patient_edit(request, pk: int):
    patient = patient_for(_actor(request), pk, path=request.path)
    if patient.is_erased:
        raise Http404(_("There is no patient %(id)s, or they are not yours.") % {"id": pk})
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
            return redirect("portal:patient", pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "portal/patient_form.html",
        portal_context("patients", form=form, patient=patient),
        status=status,
    )


@professional_required
@require_POST
def patient_discreet(request, pk: int):
    """My choice: reception reads this patient on the calendar by first name and initial
    only (discreet=1), or in full (discreet=0)."""
    patient = patient_for(_actor(request), pk, path=request.path)
    raw = request.POST.get("discreet")
    if raw not in ("0", "1"):
        messages.error(request, _("Choose whether reception sees the full name or not."))
        return redirect("portal:patient", pk)
    try:
        services.set_discreet(
            patient, request.professional, raw == "1", **_actor(request).as_kwargs()
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        if raw == "1":
            messages.success(
                request, _("Reception now sees only %(name)s.") % {"name": patient.short_name}
            )
        else:
            messages.success(request, _("Reception sees the full name again."))
    return redirect("portal:patient", pk)


@professional_required
@require_GET
def patient_choices(request):
    """The slot sheet's patient picker: without typing, my recent patients; with two
    letters, my patients matching them. Each shown is recorded as a read."""
    text = request.GET.get("q", "").strip()[:100]
    if len(text) >= choosing.MIN_TYPED:
        found = choosing.search_patients(request.user, text, request.professional)
        kind = ReadKind.SEARCH
    else:
        found = choosing.recent_patients(request.professional)
        kind = ReadKind.LIST
    record_reads(_actor(request), [p.pk for p in found], kind, path=request.path)
    chosen = {int(v) for v in request.GET.getlist("chosen") if v.isdigit()}
    return render(
        request,
        "portal/partials/patient_choices.html",
        {"choices": found, "chosen": chosen, "typed": text, "min_typed": choosing.MIN_TYPED},
    )
