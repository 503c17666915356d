"""Find a slot and book it: the list (tap 1), the chosen slot with its rooms (tap 2), book
(tap 3). The same pages move an existing booking when `booking` is given."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.audit import actor_from_request
from billing.pricing import booking_price
from patients.access import patients_visible_to, record_reads
from patients.models import ReadKind
from scheduling import patient_choices, policy, services
from scheduling.access import location_for
from scheduling.errors import BookingError, InvalidBooking, SlotTaken
from scheduling.local_time import at_location
from scheduling.models import BookingStatus, Location, SessionType, Source

from .. import slots
from ..access import audit, own_booking, professional_required
from ..forms import ONLINE, FindForm, SessionForm, SlotForm, length_label
from .home import portal_context


def _today(locations) -> date:
    """Today where the clinic is (its first location's zone)."""
    zone = locations[0].zone if locations else timezone.get_current_timezone()
    return timezone.now().astimezone(zone).date()


def _moving(request):
    """The booking being moved (?booking=), if any: only the professional's own."""
    raw = request.GET.get("booking") or request.POST.get("booking")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return own_booking(request, int(raw))


def _search_data(query, moving, lengths: list[int], today: date):
    """The search as asked, with the defaults filled in: from today, everywhere, an hour (or
    the first length allowed); a move keeps its booking's length and starts at its place."""
    data = query.copy()
    data.setdefault("day", today.isoformat())
    if moving:
        data["minutes"] = str(moving.minutes)
        data.setdefault("location", str(moving.room.location_id))
    else:
        data.setdefault("minutes", "60" if 60 in lengths else str(lengths[0] if lengths else 60))
    return data


def _search(request, form, locations, moving):
    where = form.cleaned_data["location"]
    return slots.find(
        professional=request.professional,
        by=request.user,
        first_day=form.cleaned_data["day"],
        last_day=form.last_day,
        minutes=form.cleaned_data["minutes"],
        locations=[where] if where else locations,
        features=[f.name for f in form.cleaned_data["features"]],
        now=timezone.now(),
        moving_id=moving.pk if moving else None,
    )


@professional_required
@vary_on_headers("HX-Request")
def find(request):
    """The search form and the free slots it finds, grouped by day, location and part of
    the day. Opens with a useful default (the next seven days, one hour, everywhere), so a
    professional who just wants "a room this week" taps once."""
    moving = _moving(request)
    locations = list(Location.objects.filter(rooms__active=True).distinct())
    today = _today(locations)
    lengths = slots.allowed_lengths(locations)
    form = FindForm(
        _search_data(request.GET, moving, lengths, today),
        today=today,
        lengths=lengths,
        fixed_minutes=moving.minutes if moving else None,
    )
    search = _search(request, form, locations, moving) if form.is_valid() else None
    wanted = _wanted_patients(request)
    for_patient = None
    if wanted and not moving:
        # From a patient's page ("book a session"): only mine; anyone else's id is ignored.
        for_patient = (
            patients_visible_to(request.user)
            .filter(care_links__professional=request.professional, erased_at__isnull=True)
            .filter(pk=wanted[0])
            .first()
        )
        if for_patient is not None:
            record_reads(
                actor_from_request(request, Source.PORTAL),
                [for_patient.pk],
                ReadKind.LIST,
                path=request.path,
            )
    status = 200 if form.is_valid() else 422
    context = portal_context(
        "find",
        form=form,
        search=search,
        moving=moving,
        moving_start=at_location(moving.starts_at, moving) if moving else None,
        moving_end=at_location(moving.ends_at, moving) if moving else None,
        minutes=form.cleaned_data.get("minutes") if form.is_valid() else None,
        for_patient=for_patient,
    )
    if request.htmx and request.GET.get("part") == "results":
        return render(request, "portal/partials/find_results.html", context, status=status)
    return render(request, "portal/find.html", context, status=status)


def _session_choices(request, wanted: list[int]) -> list:
    """The patients the sheet offers without typing: those already chosen (a refused
    attempt, or ?patient= from a patient's page) first, then my recent ones; recorded as
    read. Only mine: another professional's patient id is dropped, not shown."""
    mine = patients_visible_to(request.user).filter(
        care_links__professional=request.professional, erased_at__isnull=True
    )
    chosen = list(mine.filter(pk__in=wanted)) if wanted else []
    for patient in chosen:
        patient.is_chosen = True
    seen = {p.pk for p in chosen}
    recent = [p for p in patient_choices.recent_patients(request.professional) if p.pk not in seen]
    shown = chosen + recent
    record_reads(
        actor_from_request(request, Source.PORTAL),
        [p.pk for p in shown],
        ReadKind.LIST,
        path=request.path,
    )
    return shown


def _wanted_patients(request) -> list[int]:
    raw = request.POST.getlist("patients") or request.GET.getlist("patient")
    return [int(v) for v in raw if v.isdigit()][:30]


def _slot_context(request, *, location, starts_at, minutes, moving, error=None) -> dict:
    now = timezone.now()
    free = slots.rooms_free_at(
        professional=request.professional,
        location=location,
        starts_at=starts_at,
        minutes=minutes,
        now=now,
        moving_id=moving.pk if moving else None,
    )
    ends_at = starts_at + timedelta(minutes=minutes)
    by_pk = location.rooms.prefetch_related("features").in_bulk([w.room_id for w in free])
    rooms = []
    for window in free:
        room = by_pk[window.room_id]
        rooms.append(
            {
                "room": room,
                "price": booking_price(
                    room, request.professional, window.starts_at, window.ends_at
                ),
                "features": [f.name for f in room.features.all()],
            }
        )
    zone = location.zone
    first = policy.first_status(location, request.professional, request.user)
    professional = request.professional
    session = {}
    if not moving:  # a move keeps its session; the sheet asks only where and when
        posted = request.POST if request.method == "POST" else {}
        session = {
            "patients": _session_choices(request, _wanted_patients(request)),
            "min_typed": patient_choices.MIN_TYPED,
            "price": posted.get("session_price", professional.default_session_price),
            "currency": posted.get("session_currency", location.currency),
            "currencies": location.session_currencies,
            "video_link": posted.get("video_link", ""),
            "online": posted.get("room") == ONLINE,
        }
    return portal_context(
        "find",
        location=location,
        starts_at=starts_at,
        local_start=at_location(starts_at, zone),
        local_end=at_location(ends_at, zone),
        minutes=minutes,
        length=length_label(minutes),
        rooms=rooms,
        moving=moving,
        needs_approval=first == BookingStatus.REQUESTED and not moving,
        free_until=at_location(policy.free_until(location, starts_at), zone),
        currency=location.currency,
        error=error,
        session=session,
        online_value=ONLINE,
    )


@professional_required
def slot(request):
    """One start time at one location: the rooms free then, their prices and the policy
    that applies; the Book button. A bottom sheet over the list (htmx) or a page."""
    try:
        location = location_for(request.user, int(request.GET.get("location", "")))
        form = SlotForm(
            {
                "room": request.GET.get("room") or None,
                "starts_at": request.GET.get("starts_at", ""),
                "minutes": request.GET.get("minutes", ""),
            }
        )
        form.fields["room"].required = False
        if not form.is_valid():
            raise ValueError
    except (ValueError, Http404):
        messages.error(request, _("That slot is not one we offered; choose one from the list."))
        return redirect("portal:find")
    context = _slot_context(
        request,
        location=location,
        starts_at=form.cleaned_data["starts_at"],
        minutes=form.cleaned_data["minutes"],
        moving=_moving(request),
    )
    context["chosen_room"] = form.cleaned_data.get("room")
    template = "portal/partials/slot_sheet.html" if request.htmx else "portal/slot.html"
    return render(request, template, context)


def _book_or_move(request, form, moving, session: SessionForm, virtual: bool):
    """The booking service's verb for the chosen slot, and the sentence that says what
    happened. Raises its BookingError unchanged."""
    times = {"starts_at": form.cleaned_data["starts_at"], "ends_at": form.ends_at}
    room = form.cleaned_data["room"]
    if moving:
        booking = services.move(moving, room=room, **times, **audit(request))
        messages.success(request, _("Moved. Your booking is now at the time below."))
    else:
        booking = services.book(
            room=room,
            professional=request.professional,
            session_type=SessionType.VIRTUAL if virtual else SessionType.ON_SITE,
            **session.service_kwargs(virtual=virtual),
            **times,
            **audit(request),
        )
        if booking.status == BookingStatus.REQUESTED:
            messages.success(
                request,
                _("Requested. Reception will confirm it; the room is held for you meanwhile."),
            )
        else:
            messages.success(request, _("Booked. See you there."))
    return booking


@professional_required
@require_POST
def book(request):
    """Book (or move, with `booking`) the chosen room at the chosen time, through the
    booking service. A refusal shows the sentence and what is free instead; it changed
    nothing."""
    moving = _moving(request)
    data = request.POST.copy()
    virtual = data.get("room") == ONLINE and not moving
    location = None
    if virtual:
        # A virtual session sits in the location's Online lane: it claims only my slots.
        try:
            location = location_for(request.user, int(data.get("location", "")))
        except (ValueError, Http404):
            messages.error(request, _("That slot is not one we offered; choose one from the list."))
            return redirect("portal:find")
        data["room"] = str(services.online_room(location).pk)
    form = SlotForm(data)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("portal:find")
    room = form.cleaned_data["room"]
    session = SessionForm(data)
    try:
        if not session.is_valid():
            sentences = [
                f"{session.fields[name].label or ''} {' '.join(errors)}".strip()
                for name, errors in session.errors.items()
            ]
            raise InvalidBooking(" ".join(sentences), code="invalid_session")
        booking = _book_or_move(request, form, moving, session, virtual)
    except BookingError as error:
        context = _slot_context(
            request,
            location=room.location,
            starts_at=form.cleaned_data["starts_at"],
            minutes=form.cleaned_data["minutes"],
            moving=moving,
            error=error,
        )
        context["alternatives"] = error.alternatives if isinstance(error, SlotTaken) else []
        context["chosen_room"] = None
        return render(request, "portal/slot.html", context, status=error.status)
    return redirect(reverse("portal:booking", args=[booking.pk]))
