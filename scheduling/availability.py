"""Free time: the one place that knows which windows of which rooms can still be booked.

Used by the portal's slot list, the booking service (opening hours, alternatives after a
conflict) and the API. Everything returned is UTC; each window knows its location's zone so
callers can show local time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Prefetch, Q

from . import timeslots
from .local_time import at_location
from .models import Location, OpeningHours, Room, SlotClaim


@dataclass(frozen=True)
class FreeWindow:
    room_id: int
    room_name: str
    location_id: int
    location_name: str
    tz: str
    starts_at: datetime
    ends_at: datetime

    @property
    def local_starts_at(self) -> datetime:
        return at_location(self.starts_at, self.tz)

    @property
    def local_ends_at(self) -> datetime:
        return at_location(self.ends_at, self.tz)


def opening_interval(location: Location, local_day: date) -> tuple[datetime, datetime] | None:
    """The UTC instants a location opens and closes on a local day, or None if closed.

    Uses prefetched `opening_hours` when present, so callers looping over days and rooms
    pay one query."""
    hours = {row.weekday: row for row in location.opening_hours.all()}
    row = hours.get(local_day.weekday())
    if row is None:
        return None
    tz = location.zone
    opens = timeslots.local_to_utc(local_day, row.opens, tz)
    if row.closes_at_midnight:
        closes = timeslots.local_midnight(local_day + timedelta(days=1), tz).astimezone(UTC)
    else:
        closes = timeslots.local_to_utc(local_day, row.closes, tz)
    if closes <= opens:
        return None
    return opens, closes


def opening_intervals(
    location: Location, first_day: date, last_day: date
) -> list[tuple[datetime, datetime]]:
    """The location's opening intervals (UTC) on each local day from `first_day` to
    `last_day`, closed days left out."""
    return [
        interval
        for day in timeslots.days(first_day, last_day)
        if (interval := opening_interval(location, day)) is not None
    ]


def _taken_slots(
    *,
    room_ids: list[int],
    professional_id: int | None,
    from_: datetime,
    to: datetime,
    ignore_booking_id: int | None,
) -> tuple[dict[int, set[datetime]], set[datetime]]:
    """Claimed slot starts in [from_, to): per room, and of the professional. One query."""
    who = Q(room_id__in=room_ids)
    if professional_id is not None:
        who |= Q(professional_id=professional_id)
    claims = SlotClaim.objects.filter(who, slot_start__gte=from_, slot_start__lt=to)
    if ignore_booking_id is not None:
        claims = claims.exclude(booking_id=ignore_booking_id)
    taken_by_room: dict[int, set[datetime]] = defaultdict(set)
    taken_by_professional: set[datetime] = set()
    for room_id, slot_start in claims.values_list("room_id", "slot_start"):
        if room_id is None:
            taken_by_professional.add(slot_start)
        else:
            taken_by_room[room_id].add(slot_start)
    return taken_by_room, taken_by_professional


def bookable_rooms(
    *,
    rooms: Iterable[int] | None = None,
    locations: Iterable[int] | None = None,
    features: Iterable[str] | None = None,
    virtual: bool = False,
):
    """Active rooms (or, with `virtual`, the Online lanes), narrowed by ids, locations and
    required features, with what `free_windows` needs already fetched."""
    queryset = (
        Room.objects.filter(active=True, is_virtual=virtual)
        .select_related("location")
        .prefetch_related(Prefetch("location__opening_hours", queryset=OpeningHours.objects.all()))
    )
    if rooms is not None:
        queryset = queryset.filter(pk__in=list(rooms))
    if locations is not None:
        queryset = queryset.filter(location_id__in=list(locations))
    for feature in features or ():
        queryset = queryset.filter(features__name__iexact=feature)
    return queryset.distinct().order_by("location__name", "name")


def free_windows(
    *,
    first_day: date,
    last_day: date,
    minutes: int,
    rooms: Iterable[int] | None = None,
    locations: Iterable[int] | None = None,
    features: Iterable[str] | None = None,
    professional_id: int | None = None,
    not_before: datetime | None = None,
    ignore_booking_id: int | None = None,
    step_minutes: int = timeslots.SLOT_MINUTES,
) -> list[FreeWindow]:
    """Every window of `minutes` length, starting on the `step_minutes` grid, in which a room
    is open and unclaimed (and, with `professional_id`, the professional is free too).
    Rooms whose location does not allow bookings of `minutes` have none.

    Days are local days of each room's location, from `first_day` to `last_day` inclusive.
    `ignore_booking_id` treats that booking's claims as free (alternatives for a move).
    Windows are ordered by start, then location and room. Costs three queries."""
    if minutes <= 0 or minutes % timeslots.SLOT_MINUTES:
        raise ValueError("minutes must be a positive multiple of 15")
    if step_minutes <= 0 or step_minutes % timeslots.SLOT_MINUTES:
        raise ValueError("step_minutes must be a positive multiple of 15")
    room_list = [
        room
        for room in bookable_rooms(rooms=rooms, locations=locations, features=features)
        # A window the booking service would refuse as too short or too long is not free.
        if room.location.min_booking_minutes <= minutes <= room.location.max_booking_minutes
    ]
    if not room_list or last_day < first_day:
        return []

    intervals = {
        location.pk: opening_intervals(location, first_day, last_day)
        for location in {room.location_id: room.location for room in room_list}.values()
    }
    all_intervals = [i for rows in intervals.values() for i in rows]
    if not all_intervals:
        return []
    taken_by_room, taken_by_professional = _taken_slots(
        room_ids=[room.pk for room in room_list],
        professional_id=professional_id,
        from_=min(i[0] for i in all_intervals),
        to=max(i[1] for i in all_intervals),
        ignore_booking_id=ignore_booking_id,
    )

    length = timedelta(minutes=minutes)
    step = timedelta(minutes=step_minutes)
    earliest = timeslots.ceil_to_slot(not_before.astimezone(UTC)) if not_before else None
    windows: list[FreeWindow] = []
    for room in room_list:
        taken = taken_by_room[room.pk] | taken_by_professional
        for opens, closes in intervals[room.location_id]:
            start = opens if earliest is None else max(opens, earliest)
            start = timeslots.ceil_to_slot(start)
            while start + length <= closes:
                end = start + length
                blocked = next((s for s in timeslots.slot_starts(start, end) if s in taken), None)
                if blocked is None:
                    windows.append(_window(room, start, end))
                    start += step
                else:
                    # Nothing that contains the blocked slot can be free: jump past it.
                    start = max(start + step, blocked + timeslots.SLOT)
                    if step_minutes > timeslots.SLOT_MINUTES:
                        offset = (start - opens) % step
                        if offset:
                            start += step - offset
    windows.sort(key=lambda w: (w.starts_at, w.location_name, w.room_name))
    return windows


def nearest_alternatives(
    *,
    room: Room,
    professional_id: int,
    starts_at: datetime,
    ends_at: datetime,
    not_before: datetime | None,
    ignore_booking_id: int | None = None,
    count: int = 3,
) -> list[FreeWindow]:
    """Up to `count` free windows of the same length closest to the wanted one, within a
    day either side: the same room at nearby times and the location's other rooms at the
    same time, nearest first (the same room preferred on a tie, then the earlier start,
    then the room's name). The professional must be free in each. Costs three queries.

    It walks outwards from the wanted start, a quarter of an hour at a time, and stops at
    the `count`-th free window: a conflict in a busy location costs a few hundred set
    lookups, not every window of three days."""
    location = room.location
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if not location.min_booking_minutes <= minutes <= location.max_booking_minutes:
        return []
    local_day = starts_at.astimezone(location.zone).date()
    rooms = list(bookable_rooms(locations=[location.pk], virtual=room.is_virtual))
    if not rooms:
        return []
    intervals = opening_intervals(
        rooms[0].location, local_day - timedelta(days=1), local_day + timedelta(days=1)
    )
    if not intervals:
        return []
    first_open, last_close = intervals[0][0], intervals[-1][1]
    taken_by_room, taken_by_professional = _taken_slots(
        room_ids=[r.pk for r in rooms],
        professional_id=professional_id,
        from_=first_open,
        to=last_close,
        ignore_booking_id=ignore_booking_id,
    )
    length = ends_at - starts_at
    earliest = timeslots.ceil_to_slot(not_before.astimezone(UTC)) if not_before else None
    wanted = starts_at.astimezone(UTC)
    # The same room first on a tie, then the others by name (bookable_rooms' order).
    ordered = sorted(rooms, key=lambda r: r.pk != room.pk)

    def is_free(candidate: Room, start: datetime) -> bool:
        if earliest is not None and start < earliest:
            return False
        end = start + length
        if not any(opens <= start and end <= closes for opens, closes in intervals):
            return False
        taken = taken_by_room.get(candidate.pk, ())
        return not any(
            slot in taken or slot in taken_by_professional
            for slot in timeslots.slot_starts(start, end)
        )

    found: list[FreeWindow] = []
    distance = timedelta(0)
    while wanted - distance >= first_open or wanted + distance + length <= last_close:
        starts = [wanted] if not distance else [wanted - distance, wanted + distance]
        for same_room in (True, False):
            for start in starts:
                for candidate in ordered:
                    if (candidate.pk == room.pk) != same_room:
                        continue
                    if candidate.pk == room.pk and start == wanted:
                        continue  # the window that was refused
                    if is_free(candidate, start):
                        found.append(_window(candidate, start, start + length))
                        if len(found) == count:
                            return found
        distance += timeslots.SLOT
    return found


def _window(room: Room, starts_at: datetime, ends_at: datetime) -> FreeWindow:
    return FreeWindow(
        room_id=room.pk,
        room_name=room.name,
        location_id=room.location_id,
        location_name=room.location.name,
        tz=room.location.tz,
        starts_at=starts_at,
        ends_at=ends_at,
    )
