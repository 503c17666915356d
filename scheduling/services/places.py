"""Locations and rooms: the only code that writes them (the API, the policy page).

Guarantees: each call is one durable transaction; a value the model refuses raises
Django's ValidationError (the API answers 422 with the field's message, a form shows it)
and writes nothing; an existing row is written field by field, never as a full row; the
change is recorded in the admin's history with who made it, through which door and from
which address."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.audit import log_change

from ..models import Feature, Location, OpeningHours, Room


def _write(obj, values: dict, adding: bool) -> list[str]:
    """Validate `obj` with `values` set and save it: a new row whole, an existing one only
    the given fields. The names of the fields whose stored value changed (none for a new
    row: it is added, not changed)."""
    for field, value in values.items():
        setattr(obj, field, value)
    obj.full_clean()  # also turns the values into the fields' types, compared below
    if adding:
        obj.save(force_insert=True)
        return []
    if not values:
        return []
    attnames = {field: obj._meta.get_field(field).attname for field in values}
    # Against the stored row, not the instance: a form has already set its values on it.
    stored = type(obj).objects.filter(pk=obj.pk).values(*attnames.values()).first() or {}
    obj.save(update_fields=list(values))
    return [f for f, attname in attnames.items() if stored.get(attname) != getattr(obj, attname)]


def save_location(
    location: Location, values: dict, *, by, source: str, ip: str | None = None
) -> Location:
    """Validate and save `location` (new or existing) with `values`, its fields by name;
    `opening_hours`, when given, is a list of rows (weekday, opens, closes) that replaces
    all of its hours. Raises ValidationError (a field, the lengths, an hours row)."""
    values = dict(values)
    hours = values.pop("opening_hours", None)
    adding = location._state.adding
    with transaction.atomic(durable=True):
        changed = _write(location, values, adding)
        if hours is not None:
            location.opening_hours.all().delete()
            for row in hours:
                opening = OpeningHours(location=location, **row)
                opening.full_clean()
                opening.save()
            changed.append("opening_hours")
        log_change(location, added=adding, fields=changed, by=by, source=source, ip=ip)
    return location


def save_room(room: Room, values: dict, *, by, source: str, ip: str | None = None) -> Room:
    """Validate and save `room` (new or existing) with `values`, its fields by name;
    `features`, when given, are names that replace its features (matched ignoring case,
    made when new). Raises ValidationError."""
    values = dict(values)
    names = values.pop("features", None)
    adding = room._state.adding
    with transaction.atomic(durable=True):
        changed = _write(room, values, adding)
        if names is not None:
            features = []
            for name in dict.fromkeys(n.strip() for n in names):
                feature = Feature.objects.filter(name__iexact=name).first()
                features.append(feature or Feature.objects.create(name=name))
            room.features.set(features)
            changed.append("features")
        log_change(room, added=adding, fields=changed, by=by, source=source, ip=ip)
    return room


def online_room(location: Location) -> Room:
    """`location`'s Online lane, where its virtual sessions sit (made on first use, in its
    own transaction; two first uses at once end with the one row the unique index allows).
    It costs nothing (a virtual session rents no room) and claims no room slot."""
    room = (
        Room.objects.select_related("location").filter(location=location, is_virtual=True).first()
    )
    if room is not None:
        return room
    try:
        with transaction.atomic():
            Room.objects.create(
                location=location,
                name=_("Online"),
                hourly_price=0,
                colour="#7a6fb0",
                is_virtual=True,
            )
    except IntegrityError:
        pass  # made a moment ago by someone else, or a room already has that name
    room = (
        Room.objects.select_related("location").filter(location=location, is_virtual=True).first()
    )
    if room is None:
        raise IntegrityError(f"location {location.pk} has a room named like its Online lane")
    return room


def _online(location: Location) -> Room | None:
    lanes = Room.objects.select_related("location").filter(location=location, is_virtual=True)
    return lanes.first()
