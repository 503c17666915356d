"""Shared fixtures: the three standard actors (staff, professional A, professional B), a
location open 07:00–22:00 every day, two rooms, and helpers for local times."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from scheduling import services
from scheduling.models import Booking, BookingChange, SlotClaim, Source

from .factories import (
    LocationFactory,
    ManagerFactory,
    ProfessionalFactory,
    RoomFactory,
    StaffFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Django's default hasher spends about half a second per password by design; tests make
    hundreds of accounts and prove nothing with that cost (login flows still hash and check)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def each_test_starts_in_english():
    """A request activates its reader's language on the thread and nothing resets it after
    (the next request activates its own); a test that read a page in Portuguese must not
    leave the next test's code speaking Portuguese."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def staff(db):
    return StaffFactory(username="rita", email="rita@clinic.test")


@pytest.fixture
def manager(db):
    return ManagerFactory(username="marta", email="marta@clinic.test")


@pytest.fixture
def pro_a(db):
    return ProfessionalFactory(
        name="Ana Alves",
        email="ana.alves@example.test",
        phone="+351 911 111 111",
        user__username="ana",
        user__email="ana.alves@example.test",
    )


@pytest.fixture
def pro_b(db):
    return ProfessionalFactory(
        name="Bruno Brito",
        email="bruno.brito@example.test",
        phone="+351 922 222 222",
        user__username="bruno",
        user__email="bruno.brito@example.test",
    )


@pytest.fixture
def desk(client, staff):
    """The test client, signed in as reception."""
    client.force_login(staff)
    return client


@pytest.fixture
def location(db):
    return LocationFactory(name="Lisboa Centro", tz="Europe/Lisbon", currency="EUR")


@pytest.fixture
def room(location):
    return RoomFactory(location=location, name="Sala 1")


@pytest.fixture
def other_room(location):
    return RoomFactory(location=location, name="Sala 2")


@pytest.fixture
def day(location) -> date:
    """A local day a week from now: always in the future, always open."""
    return timezone.now().astimezone(location.zone).date() + timedelta(days=7)


@pytest.fixture
def at(location, day):
    """at("09:00") → aware datetime on `day` in the location's zone; at("09:00", day=...)."""

    def make(clock: str, *, on: date | None = None, loc=None) -> datetime:
        hours, minutes = (int(part) for part in clock.split(":"))
        zone = (loc or location).zone
        return datetime.combine(on or day, time(hours, minutes), tzinfo=zone)

    return make


@pytest.fixture
def book(staff):
    """Book through the service, as staff from the backoffice unless told otherwise."""

    def make(room, professional, starts_at, ends_at, **kwargs):
        kwargs.setdefault("by", staff)
        kwargs.setdefault("source", Source.BACKOFFICE)
        return services.book(
            room=room, professional=professional, starts_at=starts_at, ends_at=ends_at, **kwargs
        )

    return make


def snapshot():
    """Everything the booking service writes, to compare before and after a refusal."""
    return (
        sorted(
            Booking.objects.values_list(
                "pk",
                "room_id",
                "professional_id",
                "starts_at",
                "ends_at",
                "status",
                "price",
                "notes",
            )
        ),
        sorted(
            SlotClaim.objects.values_list("booking_id", "room_id", "professional_id", "slot_start"),
            key=repr,
        ),
        BookingChange.objects.count(),
    )


def assert_claims_mirror_bookings():
    """Every active booking holds exactly its slots, for its room and its professional, and
    no other claim exists."""
    from scheduling import timeslots

    expected = set()
    for booking in Booking.objects.active():
        for slot in timeslots.slot_starts(booking.starts_at, booking.ends_at):
            if not booking.is_virtual:  # a virtual session holds only its professional
                expected.add((booking.pk, booking.room_id, None, slot))
            expected.add((booking.pk, None, booking.professional_id, slot))
    actual = set(
        SlotClaim.objects.values_list("booking_id", "room_id", "professional_id", "slot_start")
    )
    assert actual == expected


def assert_no_double_booking():
    """No two active bookings of one room or one professional overlap."""
    rows = list(
        Booking.objects.active().values_list(
            "pk", "room_id", "professional_id", "starts_at", "ends_at", "session_type"
        )
    )
    for index, (pk, room_id, pro_id, start, end, kind) in enumerate(rows):
        for other_pk, other_room, other_pro, other_start, other_end, other_kind in rows[
            index + 1 :
        ]:
            if start < other_end and other_start < end:
                if kind == other_kind == "on_site":  # virtual ones share the Online lane
                    assert room_id != other_room, f"room {room_id}: #{pk} and #{other_pk} overlap"
                assert pro_id != other_pro, f"professional {pro_id}: #{pk} and #{other_pk}"
