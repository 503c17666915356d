"""Find a slot: the free windows a professional may book, grouped the way a person scans
them on a phone — by day, then location, then part of the day, one button per start time
with the rooms free then.

Free time comes from `scheduling.availability.free_windows` (the one function that knows
it); this module only keeps what the clinic's policy lets this professional book and
groups it. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scheduling import availability, policy
from scheduling.errors import InvalidBooking
from scheduling.models import Location

MAX_DAYS = 14  # a phone screen of choices; further out, search again
STEP_MINUTES = 30  # start times on the hour and half hour: fewer, rounder choices
LENGTHS = (30, 45, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480)
PARTS = (
    (12, gettext_lazy("Morning")),
    (17, gettext_lazy("Afternoon")),
    (24, gettext_lazy("Evening")),
)


@dataclass
class Choice:
    """One start time at one location, with every room free for the whole length then."""

    location_id: int
    starts_at: datetime
    ends_at: datetime
    local_start: datetime
    local_end: datetime
    rooms: list[tuple[int, str]] = field(default_factory=list)

    @property
    def room_ids(self) -> str:
        return " ".join(str(pk) for pk, _name in self.rooms)


@dataclass
class Part:
    label: str
    choices: list[Choice]


@dataclass
class LocationSlots:
    location_id: int
    name: str
    parts: list[Part]

    @property
    def count(self) -> int:
        return sum(len(part.choices) for part in self.parts)


@dataclass
class DaySlots:
    local_day: date
    locations: list[LocationSlots]


@dataclass
class Search:
    days: list[DaySlots]
    notes: list[str]  # why a location offers nothing (policy), in sentences
    location_ids: list[int]
    first_day: date
    last_day: date

    @property
    def count(self) -> int:
        return sum(loc.count for day in self.days for loc in day.locations)


def allowed_lengths(locations) -> list[int]:
    """The lengths a professional may book at one location at least."""
    return [
        minutes
        for minutes in LENGTHS
        if any(_length_refusal(location, minutes) is None for location in locations)
    ]


def _length_refusal(location: Location, minutes: int) -> str | None:
    low = max(location.min_booking_minutes, location.portal_min_minutes or 0)
    high = min(location.max_booking_minutes, location.portal_max_minutes or 10**6)
    if minutes < low:
        return _("At %(location)s you can book at least %(minutes)d minutes at a time.") % {
            "location": location.name,
            "minutes": low,
        }
    if minutes > high:
        return _(
            "At %(location)s you can book at most %(minutes)d minutes at a time; "
            "ask reception for longer."
        ) % {"location": location.name, "minutes": high}
    return None


def _part(local_start: datetime) -> int:
    return next(i for i, (until, _label) in enumerate(PARTS) if local_start.hour < until)


def find(
    *,
    professional,
    by,
    first_day: date,
    last_day: date,
    minutes: int,
    locations: list[Location],
    features: list[str] | None = None,
    now: datetime,
    moving_id: int | None = None,
) -> Search:
    """Free slots of `minutes` for `professional` from `first_day` to `last_day` (local
    days) at `locations`, that `by` may book under each location's policy. With
    `moving_id`, that booking's own time counts as free (it is the one being moved)."""
    notes = []
    bookable = []
    for location in locations:
        refusal = _length_refusal(location, minutes)
        if refusal:
            notes.append(refusal)
        else:
            bookable.append(location)
    windows = []
    if bookable:
        windows = availability.free_windows(
            first_day=first_day,
            last_day=last_day,
            minutes=minutes,
            locations=[location.pk for location in bookable],
            features=features or None,
            professional_id=professional.pk,
            not_before=now,
            ignore_booking_id=moving_id,
            step_minutes=STEP_MINUTES,
        )
    by_pk = {location.pk: location for location in bookable}
    # The length is within every bookable location's limits (checked above); what is left
    # of the policy per window is the horizon, the same rule `policy.check_times` applies.
    bound = policy.binds(by)
    horizon = {location.pk: policy.bookable_until(location, now) for location in bookable}
    beyond = set()
    grouped: dict[tuple, Choice] = {}
    for window in windows:
        location = by_pk[window.location_id]
        if bound and window.ends_at > horizon[location.pk]:
            try:
                policy.check_times(location, window.starts_at, window.ends_at, now)
            except InvalidBooking as refusal:
                beyond.add(refusal.message)
            continue
        key = (window.local_starts_at.date(), location.name, window.location_id, window.starts_at)
        choice = grouped.get(key)
        if choice is None:
            choice = grouped[key] = Choice(
                location_id=window.location_id,
                starts_at=window.starts_at,
                ends_at=window.ends_at,
                local_start=window.local_starts_at,
                local_end=window.local_ends_at,
            )
        choice.rooms.append((window.room_id, window.room_name))
    notes.extend(sorted(beyond))

    days: dict[date, dict[int, LocationSlots]] = {}
    for (local_day, name, location_id, _start), choice in sorted(grouped.items()):
        per_location = days.setdefault(local_day, {})
        slots = per_location.get(location_id)
        if slots is None:
            slots = per_location[location_id] = LocationSlots(
                location_id, name, [Part(str(label), []) for _until, label in PARTS]
            )
        slots.parts[_part(choice.local_start)].choices.append(choice)
    result = []
    for local_day in sorted(days):
        shown = []
        for slots in days[local_day].values():
            slots.parts = [part for part in slots.parts if part.choices]
            shown.append(slots)
        result.append(DaySlots(local_day, shown))
    return Search(
        days=result,
        notes=notes,
        location_ids=[location.pk for location in locations],
        first_day=first_day,
        last_day=last_day,
    )


def rooms_free_at(
    *,
    professional,
    location: Location,
    starts_at: datetime,
    minutes: int,
    now: datetime,
    moving_id: int | None = None,
) -> list[availability.FreeWindow]:
    """The rooms of `location` free for `professional` from `starts_at` for `minutes`."""
    local_day = starts_at.astimezone(ZoneInfo(location.tz)).date()
    windows = availability.free_windows(
        first_day=local_day,
        last_day=local_day,
        minutes=minutes,
        locations=[location.pk],
        professional_id=professional.pk,
        not_before=now,
        ignore_booking_id=moving_id,
    )
    return [w for w in windows if w.starts_at == starts_at]
