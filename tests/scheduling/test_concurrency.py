"""Real threads, each with its own database connection, released together by a barrier,
racing to book overlapping times of one room (or one professional). The database must let
exactly the non-overlapping winners through and turn every loser into SlotTaken.

The control switches the guard off (a naive check-then-insert on a table without the
exclusion constraints) and shows the same race does produce double bookings, so these
tests really race."""

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from scheduling import services
from scheduling.errors import SlotTaken
from scheduling.models import Booking, BookingStatus, Source

from ..conftest import assert_claims_mirror_bookings, assert_no_double_booking
from ..factories import ProfessionalFactory, RoomFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 50
ENGINE = settings.DATABASES["default"]["ENGINE"]
ON_POSTGRES = pytest.param(
    "postgresql",
    marks=[
        pytest.mark.postgres,
        pytest.mark.skipif(
            "postgresql" not in ENGINE,
            reason="needs PostgreSQL: set DATABASE_URL=postgres://... to race on it",
        ),
    ],
)
ON_SQLITE = pytest.param(
    "sqlite",
    marks=pytest.mark.skipif("sqlite" not in ENGINE, reason="the SQLite variant of the race"),
)


@dataclass
class Outcome:
    won: list = field(default_factory=list)
    lost: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def race(attempts: list[Callable[[], object]]) -> Outcome:
    """Run every attempt on its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(attempts))
    outcome = Outcome()
    lock = threading.Lock()

    def run(attempt):
        try:
            barrier.wait(timeout=60)
            result, bucket = attempt(), outcome.won
        except SlotTaken as refusal:
            result, bucket = refusal, outcome.lost
        except Exception as error:  # anything but SlotTaken is a bug of the service
            result, bucket = error, outcome.failed
        finally:
            connections.close_all()
        with lock:
            bucket.append(result)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return outcome


def overlapping_intervals(at) -> list[tuple[datetime, datetime]]:
    """Fifty intervals that overlap heavily but not identically: starts every 15 minutes
    from 09:00, lengths of 45 minutes to two hours; each start is tried twice."""
    intervals = []
    for n in range(ATTEMPTS):
        start = at("09:00") + timedelta(minutes=15 * (n % 25))
        intervals.append((start, start + timedelta(minutes=45 + 15 * (n % 6))))
    return intervals


def assert_fair_result(outcome: Outcome) -> None:
    assert outcome.failed == [], [repr(error) for error in outcome.failed]
    assert len(outcome.won) + len(outcome.lost) == ATTEMPTS
    assert outcome.won and outcome.lost
    assert Booking.objects.active().count() == len(outcome.won)
    assert_no_double_booking()
    assert_claims_mirror_bookings()


@pytest.fixture
def reception(db):
    return StaffFactory()


def booking_attempt(room, professional, start, end, staff):
    def attempt():
        return services.book(
            room=room,
            professional=professional,
            starts_at=start,
            ends_at=end,
            by=staff,
            source=Source.BACKOFFICE,
        )

    return attempt


@pytest.mark.parametrize("backend", [ON_POSTGRES, ON_SQLITE])
def test_racing_for_one_room_leaves_no_overlap_and_every_loser_gets_slot_taken(
    backend, room, reception, at
):
    professionals = [ProfessionalFactory() for _ in range(ATTEMPTS)]
    attempts = [
        booking_attempt(room, professional, start, end, reception)
        for professional, (start, end) in zip(professionals, overlapping_intervals(at), strict=True)
    ]
    outcome = race(attempts)
    assert_fair_result(outcome)
    assert {b.room_id for b in outcome.won} == {room.pk}


@pytest.mark.parametrize("backend", [ON_POSTGRES, ON_SQLITE])
def test_racing_for_one_professional_leaves_no_overlap_and_every_loser_gets_slot_taken(
    backend, location, pro_a, reception, at
):
    rooms = [RoomFactory(location=location) for _ in range(ATTEMPTS)]
    attempts = [
        booking_attempt(room, pro_a, start, end, reception)
        for room, (start, end) in zip(rooms, overlapping_intervals(at), strict=True)
    ]
    outcome = race(attempts)
    assert_fair_result(outcome)
    assert {b.professional_id for b in outcome.won} == {pro_a.pk}


@pytest.mark.parametrize("backend", [ON_POSTGRES, ON_SQLITE])
def test_racing_moves_into_one_gap_leave_no_overlap(backend, location, reception, at):
    """Moves race too: fifty bookings in fifty rooms all try to move into one room."""
    target = RoomFactory(location=location)
    booked = [
        services.book(
            room=RoomFactory(location=location),
            professional=ProfessionalFactory(),
            starts_at=start,
            ends_at=end,
            by=reception,
            source=Source.BACKOFFICE,
        )
        for start, end in overlapping_intervals(at)
    ]

    def mover(booking):
        return lambda: services.move(booking, room=target, by=reception, source=Source.API)

    outcome = race([mover(booking) for booking in booked])
    assert_fair_result_of_moves(outcome)


def assert_fair_result_of_moves(outcome: Outcome) -> None:
    assert outcome.failed == [], [repr(error) for error in outcome.failed]
    assert len(outcome.won) + len(outcome.lost) == ATTEMPTS
    assert outcome.won and outcome.lost
    assert_no_double_booking()
    assert_claims_mirror_bookings()


# ---------------------------------------------------------------- the control

EXCLUSION = importlib.import_module("scheduling.migrations.0002_postgres_exclusion_net")
VIRTUAL_NET = importlib.import_module("scheduling.migrations.0009_virtual_sessions_claim_no_room")


def naive_book(room, professional, start, end):
    """What the service would be without the database's guards: look, then insert."""
    with transaction.atomic():
        if Booking.objects.active().filter(room=room).overlapping(start, end).exists():
            raise SlotTaken(message="taken (naive check)")
        return Booking.objects.create(
            room=room,
            professional=professional,
            starts_at=start,
            ends_at=end,
            status=BookingStatus.BOOKED,
            price=Decimal("40.00"),
            currency="EUR",
            source=Source.SYSTEM,
        )


@pytest.fixture
def without_exclusion_constraints():
    """Drop PostgreSQL's overlap net for one test and put it back afterwards."""
    with connection.cursor() as cursor:
        cursor.execute(EXCLUSION.DROP)
    try:
        yield
    finally:
        Booking.objects.all().delete()  # the overlaps the control made would block the net
        with connection.cursor() as cursor:
            cursor.execute(EXCLUSION.CREATE)
            cursor.execute(VIRTUAL_NET.CREATE)  # the net as the migrations leave it


@pytest.mark.postgres
@pytest.mark.skipif("postgresql" not in ENGINE, reason="the control races on PostgreSQL")
def test_control_without_the_guards_the_same_race_double_books(
    room, at, without_exclusion_constraints
):
    professionals = [ProfessionalFactory() for _ in range(ATTEMPTS)]
    attempts = [
        (lambda p=professional, s=start, e=end: naive_book(room, p, s, e))
        for professional, (start, end) in zip(professionals, overlapping_intervals(at), strict=True)
    ]
    outcome = race(attempts)
    assert outcome.failed == []
    with pytest.raises(AssertionError, match="overlap"):
        assert_no_double_booking()
