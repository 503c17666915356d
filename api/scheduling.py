"""API handlers for locations, rooms, bookings, busy blocks and free time.

Each handler parses (schemas), fetches through `scheduling.access` (404 for what the user
may not see), calls one service or query, and renders. Every booking write goes through
`scheduling.services` with source=API, the user and their IP address."""

import hashlib
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router, Status
from ninja.errors import AuthorizationError

from accounts import roles
from accounts.audit import actor_from_request
from api.schemas import (
    MAX_ID,
    AvailabilityQuery,
    BookingDetailOut,
    BookingFilters,
    BookingIn,
    BookingOut,
    BusyFilters,
    BusyOut,
    CancelIn,
    DeclineIn,
    FreeWindowOut,
    LocationIn,
    LocationOut,
    LocationPatch,
    MoveIn,
    NotesIn,
    RoomIn,
    RoomOut,
    RoomPatch,
    SessionPatch,
)
from professionals.access import professional_for
from scheduling import access, availability, services
from scheduling.errors import InvalidBooking
from scheduling.models import BookingChange, Location, Room, Source

locations_router = Router(tags=["locations"])
rooms_router = Router(tags=["rooms"])
bookings_router = Router(tags=["bookings"])
busy_router = Router(tags=["bookings"])
availability_router = Router(tags=["availability"])

BookingId = Path(..., ge=1, le=MAX_ID)
PlaceId = Path(..., ge=1, le=MAX_ID)


def staff_only(user) -> None:
    if not roles.is_staff(user):
        raise AuthorizationError(message=_("Only staff may do this."))


def manager_only(user, permission: str) -> None:
    """Staff whose role holds `permission` (places and prices are a manager's)."""
    staff_only(user)
    if not roles.may(user, permission):
        raise AuthorizationError(message=_("Only a manager may do this."))


def _audit(request) -> dict:
    return actor_from_request(request, Source.API, by=request.auth).as_kwargs()


# ---------------------------------------------------------------- locations


@locations_router.get("", response=list[LocationOut])
def list_locations(request):
    return Location.objects.prefetch_related("opening_hours")


@locations_router.get("/{location_id}", response=LocationOut)
def get_location(request, location_id: int = PlaceId):
    return access.location_for(request.auth, location_id)


@locations_router.post("", response={201: LocationOut})
def create_location(request, payload: LocationIn):
    manager_only(request.auth, "scheduling.add_location")
    location = services.save_location(Location(), payload.dict(), **_audit(request))
    return Status(201, access.location_for(request.auth, location.pk))


@locations_router.patch("/{location_id}", response=LocationOut)
def update_location(request, payload: LocationPatch, location_id: int = PlaceId):
    manager_only(request.auth, "scheduling.change_location")
    location = access.location_for(request.auth, location_id)
    services.save_location(location, payload.dict(exclude_unset=True), **_audit(request))
    return access.location_for(request.auth, location_id)


# ---------------------------------------------------------------- rooms


@rooms_router.get("", response=list[RoomOut])
def list_rooms(request, location: int | None = Query(None, ge=1, le=MAX_ID)):
    rooms = Room.objects.select_related("location").prefetch_related("features")
    if location is not None:
        rooms = rooms.filter(location_id=location)
    return rooms


@rooms_router.get("/{room_id}", response=RoomOut)
def get_room(request, room_id: int = PlaceId):
    return access.room_for(request.auth, room_id)


@rooms_router.post("", response={201: RoomOut})
def create_room(request, payload: RoomIn):
    manager_only(request.auth, "scheduling.add_room")
    values = payload.dict()
    values["location"] = access.location_for(request.auth, values.pop("location_id"))
    room = services.save_room(Room(), values, **_audit(request))
    return Status(201, access.room_for(request.auth, room.pk))


@rooms_router.patch("/{room_id}", response=RoomOut)
def update_room(request, payload: RoomPatch, room_id: int = PlaceId):
    manager_only(request.auth, "scheduling.change_room")
    room = access.room_for(request.auth, room_id)
    services.save_room(room, payload.dict(exclude_unset=True), **_audit(request))
    return access.room_for(request.auth, room_id)


# ---------------------------------------------------------------- bookings


def _professional_to_book(user, professional_id: int | None):
    """Staff book for anyone they name; a professional only for themselves."""
    if roles.is_staff(user):
        if professional_id is None:
            raise InvalidBooking(
                _("Say which professional the booking is for (professional_id)."),
                field="professional_id",
            )
        return professional_for(user, professional_id)
    own = roles.professional_of(user)
    if own is None:
        raise AuthorizationError(message=_("Only staff and professionals may book rooms."))
    if professional_id not in (None, own.pk):
        raise AuthorizationError(message=_("You can book only for yourself."))
    return own


def _check_allow_past(user, allow_past: bool) -> None:
    if allow_past and not roles.is_staff(user):
        raise AuthorizationError(message=_("Only staff may book or move into the past."))


def _fingerprint(request) -> str:
    """Method, path and the body with its keys sorted: the same request, however spelled."""
    body = json.dumps(json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


@bookings_router.get("", response=list[BookingOut])
def list_bookings(request, filters: Query[BookingFilters]):
    """Staff: every booking. A professional: their own (others' are in /busy)."""
    bookings = access.bookings_visible_to(request.auth)
    if filters.from_ is not None:
        bookings = bookings.filter(ends_at__gt=filters.from_)
    if filters.to is not None:
        bookings = bookings.filter(starts_at__lt=filters.to)
    if filters.location:
        bookings = bookings.filter(room__location_id__in=filters.location)
    if filters.room:
        bookings = bookings.filter(room_id__in=filters.room)
    if filters.professional:
        bookings = bookings.filter(professional_id__in=filters.professional)
    if filters.status:
        bookings = bookings.filter(status__in=filters.status)
    bookings = bookings.prefetch_related("patients")
    return bookings[filters.offset : filters.offset + filters.limit]


@bookings_router.get("/{booking_id}", response=BookingDetailOut)
def get_booking(request, booking_id: int = BookingId):
    booking = access.booking_for(request.auth, booking_id)
    history = Prefetch("changes", queryset=BookingChange.objects.select_related("by"))
    prefetch_related_objects([booking], history)
    return booking


@bookings_router.post("", response={201: BookingOut})
def create_booking(
    request,
    payload: BookingIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Book a room. With an Idempotency-Key, a retry returns the first booking (header
    `Idempotent-Replayed: true`); the same key with a different body is refused."""
    user = request.auth
    professional = _professional_to_book(user, payload.professional_id)
    _check_allow_past(user, payload.allow_past)
    booking = services.book(
        room=access.room_for(user, payload.room_id, features=False),
        professional=professional,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        notes=payload.notes,
        allow_past=payload.allow_past,
        idempotency_key=idempotency_key or None,
        fingerprint=_fingerprint(request) if idempotency_key else "",
        session_type=payload.session_type,
        patients=payload.patients,
        session_price=payload.session_price,
        session_currency=payload.session_currency or "",
        video_link=payload.video_link,
        **_audit(request),
    )
    if booking.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, booking)


def _move(request, booking_id: int, payload: MoveIn):
    user = request.auth
    booking = access.booking_for(user, booking_id)
    _check_allow_past(user, payload.allow_past)
    room = access.room_for(user, payload.room_id, features=False) if payload.room_id else None
    return services.move(
        booking,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        room=room,
        allow_past=payload.allow_past,
        **_audit(request),
    )


@bookings_router.patch("/{booking_id}", response=BookingOut)
def update_booking(request, payload: MoveIn, booking_id: int = BookingId):
    """Move and/or resize (the same as POST …/move)."""
    return _move(request, booking_id, payload)


@bookings_router.post("/{booking_id}/move", response=BookingOut)
def move_booking(request, payload: MoveIn, booking_id: int = BookingId):
    """Move to another time and/or room, or change the length."""
    return _move(request, booking_id, payload)


@bookings_router.post("/{booking_id}/cancel", response=BookingOut)
def cancel_booking(request, payload: CancelIn, booking_id: int = BookingId):
    """Cancel; after the free-cancellation deadline it is late and charged unless staff
    who may waive the fee ask to (`waive_late_fee` with `waiver_reason`)."""
    booking = access.booking_for(request.auth, booking_id)
    return services.cancel(
        booking,
        reason=payload.reason,
        waive_late_fee=payload.waive_late_fee,
        waiver_reason=payload.waiver_reason,
        **_audit(request),
    )


def _staff_transition(path: str, verb, name: str, summary: str) -> None:
    """POST /bookings/{id}/<path>: a staff-only change of state with no body, through the
    booking service's `verb` (the refusals are the service's)."""

    def handler(request, booking_id: int = BookingId):
        booking = access.booking_for(request.auth, booking_id)
        staff_only(request.auth)
        return verb(booking, **_audit(request))

    handler.__name__ = handler.__qualname__ = name  # the operation id and URL name
    handler.__doc__ = summary
    bookings_router.post(f"/{{booking_id}}/{path}", response=BookingOut)(handler)


for _path, _verb, _name, _summary in (
    ("execute", services.mark_executed, "execute_booking", "Staff: the session happened."),
    ("no-show", services.mark_no_show, "no_show_booking", "Staff: the professional did not come."),
    (
        "approve",
        services.approve,
        "approve_booking",
        "Staff: accept a professional's requested booking (→ booked).",
    ),
    (
        "restore",
        services.restore,
        "restore_booking",
        "Staff: undo an execution, a no-show or a cancellation.",
    ),
):
    _staff_transition(_path, _verb, _name, _summary)


@bookings_router.post("/{booking_id}/decline", response=BookingOut)
def decline_booking(request, payload: DeclineIn, booking_id: int = BookingId):
    """Staff: refuse a requested booking with a reason (→ cancelled, slots freed)."""
    booking = access.booking_for(request.auth, booking_id)
    staff_only(request.auth)
    return services.decline(booking, reason=payload.reason, **_audit(request))


@bookings_router.patch("/{booking_id}/session", response=BookingOut)
def update_booking_session(request, payload: SessionPatch, booking_id: int = BookingId):
    """Change the session a booking holds: its patients, price, currency or video link
    (omitted ones stay; a session_price of null goes back to none)."""
    booking = access.booking_for(request.auth, booking_id)
    values = payload.dict(exclude_unset=True)
    if "session_price" in values:
        values["price"] = values.pop("session_price")
    if "session_currency" in values:
        values["currency"] = values.pop("session_currency")
    services.set_session(booking, **values, **_audit(request))
    return access.booking_for(request.auth, booking_id)


@bookings_router.put("/{booking_id}/notes", response=BookingOut)
def update_notes(request, payload: NotesIn, booking_id: int = BookingId):
    booking = access.booking_for(request.auth, booking_id)
    return services.update_notes(booking, notes=payload.notes, **_audit(request))


# ---------------------------------------------------------------- busy and free time


@busy_router.get("", response=list[BusyOut])
def list_busy(request, filters: Query[BusyFilters]):
    """When rooms are taken, by anyone, without saying by whom."""
    busy = access.busy_bookings().overlapping(filters.from_, filters.to)
    if filters.location:
        busy = busy.filter(room__location_id__in=filters.location)
    if filters.room:
        busy = busy.filter(room_id__in=filters.room)
    return busy


def _first_unknown(model, ids: list[int] | None) -> int | None:
    """The first of `ids` with no row: asking for free time there is a mistake, not "none"."""
    known = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return next((pk for pk in ids or () if pk not in known), None)


@availability_router.get("", response=list[FreeWindowOut])
def free_time(request, query: Query[AvailabilityQuery]):
    """Free windows of `minutes` on the 15-minute grid, from now on, in UTC and local time.
    For a professional, only windows in which they are free themselves."""
    user = request.auth
    professional_id = query.professional
    if not roles.is_staff(user):
        own = roles.professional_of(user)
        if professional_id not in (None, getattr(own, "pk", None)):
            raise AuthorizationError(message=_("You can search only your own free time."))
        professional_id = getattr(own, "pk", None)
    missing = {
        "location": (_first_unknown(Location, query.location), _("There is no location %(id)d.")),
        "room": (_first_unknown(Room, query.room), _("There is no room %(id)d.")),
    }
    for field, (pk, sentence) in missing.items():
        if pk is not None:
            raise DjangoValidationError({field: [sentence % {"id": pk}]})
    windows = availability.free_windows(
        first_day=query.from_,
        last_day=query.to,
        minutes=query.minutes,
        rooms=query.room,
        locations=query.location,
        features=query.feature,
        professional_id=professional_id,
        not_before=timezone.now(),
    )
    return windows[: query.limit]
