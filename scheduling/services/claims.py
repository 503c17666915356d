"""Slot claims and conflicts: queueing behind other writers of the same room and professional,
inserting the claims the unique indexes guard, and turning a lost race into a SlotTaken that
names the booking in the way and the nearest free alternatives."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import formats, locks
from professionals.models import Professional

from .. import availability, policy, timeslots
from ..errors import (
    Busy,
    Conflict,
    SlotTaken,
)
from ..models import (
    Booking,
    Room,
    SlotClaim,
)
from . import time_rules

# Constraint names as PostgreSQL reports them; SQLite names the claim table's columns.
GUARDS = (
    "UNIQUE constraint failed: scheduling_slotclaim.",
    "room_slot_claimed_once",
    "professional_slot_claimed_once",
    "booking_room_no_overlap",
    "booking_professional_no_overlap",
)


def slot_taken(error: IntegrityError, booking: Booking, by) -> SlotTaken:
    """What a violation of the double-booking guards means for a person: SlotTaken with
    the slots in conflict. Any other integrity error is raised again as it is.

    Called after the refused transaction rolled back (no savepoint per insert: one
    round trip fewer each, and the conflicting claims are committed rows either way). On
    PostgreSQL the exclusion constraints may fire first (on the booking row) and the unique
    indexes second (on the claims); both mean the same thing."""
    if not any(name in str(error) for name in GUARDS):
        raise error
    return conflict_for(booking, by)


def queue_for(room: Room, professional: Professional) -> None:
    """Wait behind anyone else writing this room's or this professional's time right now,
    then check both are still active (a room taken out of use a moment ago takes no more
    bookings).

    On PostgreSQL two concurrent, overlapping inserts each see the other in the exclusion
    constraint, wait for each other and one dies of a deadlock (40P01) instead of losing
    with SlotTaken. A row lock on the room, then the professional (always in that order, so
    the locks cannot deadlock among themselves), taken late in the transaction, lines the
    contenders up: the second then sees the first's committed claims and gets 23505/23P01.
    The lock only orders; the unique indexes and exclusion constraints still decide.
    `no_key` leaves foreign-key checks of other bookings unblocked. SQLite ignores it: its
    immediate transactions already run one writer at a time."""
    room.active = _locked_active(Room, room.pk)
    professional.active = _locked_active(Professional, professional.pk)
    time_rules.check_active(room, professional)


def _locked_active(model, pk: int) -> bool:
    """Lock the row (no key) and read whether it is active, in one statement."""
    with locks.waiting(busy):
        return (
            locks.for_update(model.objects.filter(pk=pk))
            .order_by()
            .values_list("active", flat=True)
            .get()
        )


def busy() -> Busy:
    return Busy(
        _(
            "Someone else is changing this booking, room or professional right now; nothing "
            "was changed. Try again in a moment."
        )
    )


def claim(booking: Booking) -> None:
    """Insert the booking's slot claims (its room's and its professional's; a virtual
    session's professional's only); the unique indexes refuse any slot already held."""
    rows = []
    claims_room = not booking.is_virtual  # a virtual session holds only its professional
    for slot in timeslots.slot_starts(booking.starts_at, booking.ends_at):
        if claims_room:
            rows.append(SlotClaim(booking=booking, room_id=booking.room_id, slot_start=slot))
        rows.append(
            SlotClaim(booking=booking, professional_id=booking.professional_id, slot_start=slot)
        )
    SlotClaim.objects.bulk_create(rows)


def conflict_for(booking: Booking, by) -> SlotTaken:
    """SlotTaken naming the bookings really in the way: each one's own day and times in
    its own location's zone, its room and location. Staff (and the system) also read whose
    booking it is; a professional never learns another professional's name (policy.binds)."""
    slots = list(timeslots.slot_starts(booking.starts_at, booking.ends_at))
    room_claims = SlotClaim.objects.filter(slot_start__in=slots, room_id=booking.room_id)
    if booking.is_virtual:  # it claims no room: only its professional can be in the way
        room_claims = room_claims.none()
    taken = (
        room_claims.exclude(booking_id=booking.pk)
        .values_list("room_id", "professional_id", "slot_start", "booking_id")
        .union(
            SlotClaim.objects.filter(slot_start__in=slots, professional_id=booking.professional_id)
            .exclude(booking_id=booking.pk)
            .values_list("room_id", "professional_id", "slot_start", "booking_id")
        )
    )
    conflicts, resources = [], {}
    for room_id, pro_id, slot, booking_id in taken:
        conflict = (
            Conflict("room", room_id, slot) if room_id else Conflict("professional", pro_id, slot)
        )
        conflicts.append(conflict)
        resources.setdefault(booking_id, set()).add(conflict.resource)
    conflicts.sort(key=lambda c: (c.slot_start, c.resource))
    clashing = Booking.objects.for_page().filter(pk__in=resources).order_by("starts_at", "pk")
    sentences = [
        _clash_sentence(other, resources[other.pk], reveal=not policy.binds(by))
        for other in clashing
    ]
    if not sentences:  # the other booking is gone already (cancelled meanwhile)
        sentences = [_("That time was just taken; try again.")]
    return SlotTaken(message=" ".join(str(s) for s in sentences), conflicts=conflicts)


def _clash_sentence(other: Booking, resources: set[str], *, reveal: bool) -> str:
    """One clashing booking as a person reads it, in its own location's zone."""
    location = other.room.location
    tz = location.zone
    start, end = other.starts_at.astimezone(tz), other.ends_at.astimezone(tz)
    values = {
        "room": other.room.name,
        "location": location.name,
        "name": other.professional.name,
        "day": formats.short_day(start),
        "start": formats.hm(start),
        "end": formats.hm(end),
    }
    if resources == {"room", "professional"}:
        if reveal:
            message = _(
                "%(room)s and %(name)s are both already booked at %(location)s on %(day)s, "
                "%(start)s–%(end)s."
            )
        else:
            message = _(
                "You already have %(room)s booked at %(location)s on %(day)s, %(start)s–%(end)s."
            )
    elif "professional" in resources:
        # The professional's own booking: theirs to know, wherever it is.
        if reveal:
            message = _(
                "%(name)s already has a booking in %(room)s at %(location)s on %(day)s, "
                "%(start)s–%(end)s."
            )
        else:
            message = _(
                "You already have a booking in %(room)s at %(location)s on %(day)s, "
                "%(start)s–%(end)s."
            )
    elif reveal:
        message = _(
            "%(room)s is already booked at %(location)s on %(day)s, %(start)s–%(end)s, by %(name)s."
        )
    else:
        message = _("%(room)s is already booked at %(location)s on %(day)s, %(start)s–%(end)s.")
    return message % values


def release(booking: Booking) -> None:
    SlotClaim.objects.filter(booking=booking).delete()


def with_alternatives(
    error: SlotTaken,
    *,
    room: Room,
    professional: Professional,
    starts_at: datetime,
    ends_at: datetime,
    allow_past: bool,
    ignore_booking_id: int | None,
) -> SlotTaken:
    """Add the nearest free windows; called after the failed transaction rolled back."""
    error.alternatives = availability.nearest_alternatives(
        room=room,
        professional_id=professional.pk,
        starts_at=starts_at,
        ends_at=ends_at,
        not_before=None if allow_past else timezone.now(),
        ignore_booking_id=ignore_booking_id,
    )
    return error
