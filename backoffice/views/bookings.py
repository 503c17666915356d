"""Small staff-only endpoints behind the calendar's mouse and keyboard actions.

Each parses its input, calls one booking service function (source=BACKOFFICE) and answers
JSON: the booking's new fragment, or the refusal's sentence with alternatives (409 for a
taken slot or an illegal transition)."""

from __future__ import annotations

from datetime import datetime
from functools import wraps

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import formats, roles
from accounts.audit import actor_from_request, client_ip
from backoffice import calendar, calendar_patients
from patients.access import record_reads
from patients.models import ReadKind
from professionals.access import professional_for
from professionals.models import Professional
from scheduling import patient_choices as choosing
from scheduling import services
from scheduling.access import booking_for_staff, room_for
from scheduling.errors import BookingError, SlotTaken
from scheduling.models import Booking, SessionType, Source
from scheduling.services import rebooking


class BadInput(Exception):
    pass


def staff_endpoint(view):
    """JSON 403 instead of a login redirect: these are called by scripts, not people."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles.is_staff(request.user):
            return JsonResponse({"message": _("Staff only.")}, status=403)
        try:
            return view(request, *args, **kwargs)
        except BadInput as error:
            return JsonResponse({"message": str(error), "code": "bad_input"}, status=400)
        except BookingError as error:
            return _refusal(error)

    return wrapper


def _refusal(error: BookingError) -> JsonResponse:
    body = {"message": error.message, "code": error.code}
    if isinstance(error, SlotTaken):
        body["alternatives"] = [
            {
                "room_id": w.room_id,
                "room_name": w.room_name,
                "starts_at": w.starts_at.isoformat(),
                "ends_at": w.ends_at.isoformat(),
                "label": _("%(room)s, %(day)s %(start)s–%(end)s")
                % {
                    "room": w.room_name,
                    "day": formats.short_day(w.local_starts_at),
                    "start": formats.hm(w.local_starts_at),
                    "end": formats.hm(w.local_ends_at),
                },
            }
            for w in error.alternatives
        ]
    return JsonResponse(body, status=error.status)


def _moment(request, name: str, *, required: bool = True) -> datetime | None:
    raw = request.POST.get(name, "")
    if not raw and not required:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise BadInput(_("%(name)s is not a date and time.") % {"name": name}) from None


def _pk(request, name: str) -> int:
    raw = request.POST.get(name, "")
    if not raw.isdigit():
        raise BadInput(_("Choose a %(name)s.") % {"name": name})
    return int(raw)


def _answer(request, booking: Booking, message: str, status: int = 200) -> JsonResponse:
    """The booking's card (its fragment) after an action. The card names the session's
    patients, so the answer is a calendar read of each by the requester, like the grid."""
    booking = Booking.objects.for_page().get(pk=booking.pk)  # fetch-ok: re-read after a write
    card = calendar.card_for(booking)
    reader = actor_from_request(request, Source.BACKOFFICE)
    calendar_patients.record_calendar_reads(reader, [card], request.path)
    return JsonResponse(
        {
            "message": message,
            "booking": {
                "id": card.pk,
                "room_id": card.room_id,
                "status": card.status,
                "local_day": card.local_day.isoformat(),
            },
            "html": calendar.render_booking(card),
        },
        status=status,
    )


@require_POST
@staff_endpoint
def booking_create(request):
    room = room_for(request.user, _pk(request, "room"), features=False)
    try:
        professional = professional_for(request.user, _pk(request, "professional"))
    except Http404:
        raise BadInput(_("Choose a professional from the list.")) from None
    booking = services.book(
        room=room,
        professional=professional,
        starts_at=_moment(request, "starts_at"),
        ends_at=_moment(request, "ends_at"),
        notes=request.POST.get("notes", ""),
        by=request.user,
        source=Source.BACKOFFICE,
        ip=client_ip(request),
        **_session_fields(request),
    )
    return _answer(request, booking, _("Booked."), status=201)


def _patient_ids(request) -> list[int]:
    ids = []
    for raw in request.POST.getlist("patients"):
        for part in raw.replace(",", " ").split():
            if not part.isdigit():
                raise BadInput(_("A patient is given by their number."))
            ids.append(int(part))
    return ids


def _session_fields(request) -> dict:
    """The session a new booking holds: type, patients, price, currency, video link (the
    service checks them and fills the defaults)."""
    return {
        "session_type": request.POST.get("session_type") or SessionType.ON_SITE,
        "patients": _patient_ids(request),
        "session_price": request.POST.get("session_price", "").strip() or None,
        "session_currency": request.POST.get("session_currency", ""),
        "video_link": request.POST.get("video_link", ""),
    }


@require_POST
@staff_endpoint
def booking_session(request, pk: int):
    """Change a booking's patients, price, currency or video link (the fields sent)."""
    booking = booking_for_staff(request.user, pk)
    changes = {}
    if "patients" in request.POST:
        changes["patients"] = _patient_ids(request)
    if "session_price" in request.POST:
        changes["price"] = request.POST["session_price"].strip() or None
    if "session_currency" in request.POST:
        changes["currency"] = request.POST["session_currency"]
    if "video_link" in request.POST:
        changes["video_link"] = request.POST["video_link"]
    common = actor_from_request(request, Source.BACKOFFICE).as_kwargs()
    changed = services.set_session(booking, **changes, **common)
    return _answer(request, changed, _("Session saved."))


@require_GET
@staff_endpoint
def booking_session_details(request, pk: int):
    """What the session form starts from: the booking's patients (recorded as a read),
    price, currency, the location's currencies and the video link."""
    booking = booking_for_staff(request.user, pk)
    patients = list(booking.patients.all())
    actor = actor_from_request(request, Source.BACKOFFICE)
    record_reads(actor, [p.pk for p in patients], ReadKind.CALENDAR, path=request.path)
    return JsonResponse(
        {
            "patients": calendar_patients.choices(patients, booking.professional, request.user),
            "session_type": booking.session_type,
            "session_price": "" if booking.session_price is None else str(booking.session_price),
            "session_currency": booking.session_currency or booking.room.location.currency,
            "currencies": booking.room.location.session_currencies,
            "video_link": booking.video_link,
        }
    )


@require_GET
@staff_endpoint
def patient_choices(request):
    """The new-session popover's patient picker: with two letters or more, patients
    matching them (the professional's own first); without, the professional's recent
    patients. Every patient answered is recorded as a read."""
    professional = None
    raw = request.GET.get("professional", "")
    if raw.isdigit():
        try:
            professional = professional_for(request.user, int(raw))
        except Http404:
            professional = None
    text = request.GET.get("q", "").strip()
    if len(text) >= choosing.MIN_TYPED:
        patients = choosing.search_patients(request.user, text, professional)
        kind = ReadKind.SEARCH
    elif professional is not None:
        patients = choosing.recent_patients(professional)
        kind = ReadKind.LIST
    else:
        patients = []
        kind = ReadKind.SEARCH
    actor = actor_from_request(request, Source.BACKOFFICE)
    record_reads(actor, [p.pk for p in patients], kind, path=request.path)
    return JsonResponse(
        {
            "recent": len(text) < choosing.MIN_TYPED,
            "results": calendar_patients.choices(patients, professional, request.user),
        }
    )


@require_POST
@staff_endpoint
def booking_move(request, pk: int):
    booking = booking_for_staff(request.user, pk)
    room = None
    if request.POST.get("room"):
        room = room_for(request.user, _pk(request, "room"), features=False)
    moved = services.move(
        booking,
        room=room,
        starts_at=_moment(request, "starts_at", required=False),
        ends_at=_moment(request, "ends_at", required=False),
        by=request.user,
        source=Source.BACKOFFICE,
        ip=client_ip(request),
    )
    return _answer(request, moved, _("Moved."))


@require_POST
@staff_endpoint
def booking_action(request, pk: int, action: str):
    """executed, no-show, restore (undo), approve or decline (a request), notes, repeat
    (same slot next week). Cancelling has its own view (views.cancellations): it asks
    first."""
    booking = booking_for_staff(request.user, pk)
    common = actor_from_request(request, Source.BACKOFFICE).as_kwargs()
    if action == "executed":
        return _answer(request, services.mark_executed(booking, **common), _("Marked executed."))
    if action == "no-show":
        return _answer(request, services.mark_no_show(booking, **common), _("Marked no-show."))
    if action == "restore":
        return _answer(request, services.restore(booking, **common), _("Undone: booked again."))
    if action == "approve":
        return _answer(request, services.approve(booking, **common), _("Request approved: booked."))
    if action == "decline":
        reason = request.POST.get("reason", "")
        return _answer(
            request, services.decline(booking, reason=reason, **common), _("Request declined.")
        )
    if action == "notes":
        notes = request.POST.get("notes", "")
        return _answer(
            request, services.update_notes(booking, notes=notes, **common), _("Notes saved.")
        )
    if action == "repeat":
        start, end = rebooking.weeks_later(booking)
        repeated = services.book(
            room=booking.room,
            professional=booking.professional,
            starts_at=start,
            ends_at=end,
            notes=booking.notes,
            **common,
        )
        return _answer(request, repeated, _("Booked the same slot next week."), status=201)
    raise BadInput(_("Unknown action."))


@require_GET
@staff_endpoint
def booking_fragment(request, pk: int):
    """One booking's fragment: the client asks for it after a live update or a refusal."""
    return _answer(request, booking_for_staff(request.user, pk), "")


@require_GET
@staff_endpoint
def professional_search(request):
    """Type-ahead for the inline booking form: active professionals by name, email,
    profession or phone."""
    rows = Professional.objects.active().matching(request.GET.get("q", "")).order_by("name")[:10]
    return JsonResponse(
        {
            "results": [
                {
                    "id": p.pk,
                    "name": p.name,
                    "profession": p.profession,
                    "session_price": ""
                    if p.default_session_price is None
                    else str(p.default_session_price),
                }
                for p in rows
            ]
        }
    )
