"""A professional is never online and in a room at once, even when both are asked for in
the same instant: fifty racers, half booking virtual sessions, half rooms, for one
professional at overlapping times. The professional's slot claims decide, as for rooms.

The control books the same race with a naive check-then-insert (no claims, no exclusion
net) and shows it does double-book the professional, so the race is real."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from scheduling import services
from scheduling.errors import SlotTaken
from scheduling.models import Booking, BookingStatus, SessionType, Source

from ..conftest import assert_claims_mirror_bookings, assert_no_double_booking
from ..factories import RoomFactory
from .test_concurrency import (
    ATTEMPTS,
    ENGINE,
    ON_POSTGRES,
    ON_SQLITE,
    race,
    without_exclusion_constraints,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db(transaction=True)


def intervals(at):
    out = []
    for n in range(ATTEMPTS):
        start = at("09:00") + timedelta(minutes=15 * (n % 25))
        out.append((start, start + timedelta(minutes=45 + 15 * (n % 4))))
    return out


@pytest.mark.parametrize("backend", [ON_POSTGRES, ON_SQLITE])
def test_virtual_sessions_and_rooms_racing_for_one_professional_never_overlap(
    backend, location, pro_a, staff, at
):
    rooms = [RoomFactory(location=location) for _ in range(ATTEMPTS)]
    online = services.online_room(location)

    def attempt(n, start, end):
        kind = SessionType.VIRTUAL if n % 2 else SessionType.ON_SITE
        return lambda: services.book(
            room=rooms[n],
            professional=pro_a,
            starts_at=start,
            ends_at=end,
            by=staff,
            source=Source.API,
            session_type=kind,
        )

    outcome = race([attempt(n, s, e) for n, (s, e) in enumerate(intervals(at))])
    assert outcome.failed == [], [repr(error) for error in outcome.failed]
    assert all(isinstance(refusal, SlotTaken) for refusal in outcome.lost)
    assert outcome.won and outcome.lost
    assert Booking.objects.active().count() == len(outcome.won)
    assert_no_double_booking()
    assert_claims_mirror_bookings()
    # Each winner sits where its type says: the Online lane or its own room.
    for booking in outcome.won:
        assert (booking.room_id == online.pk) == (booking.session_type == SessionType.VIRTUAL)


def naive_book(room, professional, start, end, kind):
    """The service without the database's guards: look for the professional, then insert."""
    with transaction.atomic():
        busy = Booking.objects.active().filter(professional=professional).overlapping(start, end)
        if busy.exists():
            raise SlotTaken(message="taken (naive check)")
        return Booking.objects.create(
            room=room,
            professional=professional,
            starts_at=start,
            ends_at=end,
            status=BookingStatus.BOOKED,
            price=Decimal("0.00"),
            currency="EUR",
            source=Source.SYSTEM,
            session_type=kind,
        )


@pytest.mark.postgres
@pytest.mark.skipif("postgresql" not in ENGINE, reason="the control races on PostgreSQL")
def test_control_without_the_guards_the_professional_is_online_and_in_a_room_at_once(
    location,
    pro_a,
    at,
    without_exclusion_constraints,  # noqa: F811
):
    rooms = [RoomFactory(location=location) for _ in range(ATTEMPTS)]
    online = services.online_room(location)
    attempts = [
        (
            lambda n=n, s=s, e=e: naive_book(
                online if n % 2 else rooms[n],
                pro_a,
                s,
                e,
                SessionType.VIRTUAL if n % 2 else SessionType.ON_SITE,
            )
        )
        for n, (s, e) in enumerate(intervals(at))
    ]
    outcome = race(attempts)
    assert outcome.failed == []
    with pytest.raises(AssertionError, match="professional"):
        assert_no_double_booking()
