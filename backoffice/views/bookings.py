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
from backoffice import calendar
from professionals.access import professional_for
from professionals.models import Professional
from scheduling import services
from scheduling.access import booking_for_staff, room_for
from scheduling.errors import BookingError, SlotTaken
from scheduling.models import Booking, Source
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


def _answer(booking: Booking, message: str, status: int = 200) -> JsonResponse:
    booking = Booking.objects.for_page().get(pk=booking.pk)  # fetch-ok: re-read after a write
    card = calendar.card_for(booking)
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
    )
    return _answer(booking, _("Booked."), status=201)


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
    return _answer(moved, _("Moved."))


@require_POST
@staff_endpoint
def booking_action(request, pk: int, action: str):
    """executed, no-show, restore (undo), approve or decline (a request), notes, repeat
    (same slot next week). Cancelling has its own view (views.cancellations): it asks
    first."""
    booking = booking_for_staff(request.user, pk)
    common = actor_from_request(request, Source.BACKOFFICE).as_kwargs()
    if action == "executed":
        return _answer(services.mark_executed(booking, **common), _("Marked executed."))
    if action == "no-show":
        return _answer(services.mark_no_show(booking, **common), _("Marked no-show."))
    if action == "restore":
        return _answer(services.restore(booking, **common), _("Undone: booked again."))
    if action == "approve":
        return _answer(services.approve(booking, **common), _("Request approved: booked."))
    if action == "decline":
        reason = request.POST.get("reason", "")
        return _answer(services.decline(booking, reason=reason, **common), _("Request declined."))
    if action == "notes":
        notes = request.POST.get("notes", "")
        return _answer(services.update_notes(booking, notes=notes, **common), _("Notes saved."))
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
        return _answer(repeated, _("Booked the same slot next week."), status=201)
    raise BadInput(_("Unknown action."))


@require_GET
@staff_endpoint
def booking_fragment(request, pk: int):
    """One booking's fragment: the client asks for it after a live update or a refusal."""
    return _answer(booking_for_staff(request.user, pk), "")


@require_GET
@staff_endpoint
def professional_search(request):
    """Type-ahead for the inline booking form: active professionals by name, email,
    profession or phone."""
    rows = Professional.objects.active().matching(request.GET.get("q", "")).order_by("name")[:10]
    return JsonResponse(
        {"results": [{"id": p.pk, "name": p.name, "profession": p.profession} for p in rows]}
    )
