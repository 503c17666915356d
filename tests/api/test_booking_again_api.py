"""Booking a booking again over the API: the portal's "Book again" (the next free date at the
same room, weekday and local time, else the nearest alternative) and the calendar's "Book
same slot next week" (staff; exactly a week later, or a 409 with alternatives). Far from
UTC: Lima (−5) and São Paulo (−3)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from scheduling.models import Booking, BookingStatus, Location
from tests.conftest import snapshot
from tests.factories import LocationFactory, RoomFactory

from .conftest import problem_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lima(db):
    return LocationFactory(name="Lima Miraflores", tz="America/Lima", currency="PEN")


@pytest.fixture
def sao_paulo(db):
    return LocationFactory(name="São Paulo Paulista", tz="America/Sao_Paulo", currency="BRL")


def _local(location, day, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=location.zone)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_book_again_takes_the_same_room_weekday_and_local_time_on_the_next_free_date(
    as_a, book, pro_a, lima
):
    room = RoomFactory(location=lima, name="Consultorio 1")
    today = timezone.now().astimezone(lima.zone).date()
    last_week = today - timedelta(days=7)
    original = book(
        room,
        pro_a,
        _local(lima, last_week, "15:00"),
        _local(lima, last_week, "16:00"),
        allow_past=True,
    )

    response = as_a.post(f"/bookings/{original.pk}/rebook")

    assert response.status_code == 201, response.content
    body = response.json()
    starts_at = _moment(body["booking"]["starts_at"]).astimezone(lima.zone)
    assert body["how"] == "same"
    assert body["booking"]["room"]["id"] == room.pk
    assert body["booking"]["source"] == "api"
    assert starts_at > timezone.now()
    assert starts_at.weekday() == last_week.weekday()
    assert starts_at.time() == time(15, 0)
    assert body["booking"]["minutes"] == 60
    assert body["wanted_day"] == starts_at.date().isoformat()  # nothing was in the way
    assert Booking.objects.filter(professional=pro_a).count() == 2


def test_book_again_when_every_same_slot_is_taken_books_the_nearest_alternative(
    as_a, book, pro_a, pro_b, lima
):
    Location.objects.filter(pk=lima.pk).update(booking_horizon_days=8)
    room = RoomFactory(location=lima, name="Consultorio 1")
    RoomFactory(location=lima, name="Consultorio 2")
    today = timezone.now().astimezone(lima.zone).date()
    original = book(
        room,
        pro_a,
        _local(lima, today - timedelta(days=7), "15:00"),
        _local(lima, today - timedelta(days=7), "16:00"),
        allow_past=True,
    )
    for weeks in (0, 1):  # every date with that weekday before the horizon
        day = today + timedelta(weeks=weeks)
        if _local(lima, day, "15:00") > timezone.now():
            book(room, pro_b, _local(lima, day, "15:00"), _local(lima, day, "16:00"))

    response = as_a.post(f"/bookings/{original.pk}/rebook")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["how"] == "alternative"
    assert body["booking"]["professional"]["id"] == pro_a.pk
    assert _moment(body["booking"]["ends_at"]) <= timezone.now() + timedelta(days=8)


def test_staff_repeat_a_booking_a_week_later_at_the_same_local_time(
    as_staff, book, pro_a, sao_paulo
):
    room = RoomFactory(location=sao_paulo, name="Sala Azul")
    day = timezone.now().astimezone(sao_paulo.zone).date() + timedelta(days=2)
    original = book(
        room,
        pro_a,
        _local(sao_paulo, day, "08:30"),
        _local(sao_paulo, day, "09:45"),
        notes="bring the mat",
    )

    response = as_staff.post(f"/bookings/{original.pk}/repeat")

    assert response.status_code == 201, response.content
    body = response.json()
    assert _moment(body["starts_at"]) == _local(sao_paulo, day + timedelta(days=7), "08:30")
    assert _moment(body["ends_at"]) == _local(sao_paulo, day + timedelta(days=7), "09:45")
    assert body["local_starts_at"].startswith(f"{day + timedelta(days=7)}T08:30:00-03:00")
    assert (body["room"]["id"], body["professional"]["id"], body["notes"]) == (
        room.pk,
        pro_a.pk,
        "bring the mat",
    )
    assert body["status"] == BookingStatus.BOOKED
    assert body["source"] == "api"


def test_repeating_onto_a_taken_slot_is_a_409_with_alternatives_and_changes_nothing(
    as_staff, book, pro_a, pro_b, room, at, day
):
    original = book(room, pro_a, at("09:00"), at("10:00"))
    next_week = day + timedelta(days=7)
    book(room, pro_b, at("09:00", on=next_week), at("10:00", on=next_week))
    before = snapshot()

    problem = problem_of(as_staff.post(f"/bookings/{original.pk}/repeat"), 409)

    assert problem["code"] == "slot_taken"
    assert problem["alternatives"]
    assert snapshot() == before


def test_a_professional_may_not_repeat_their_own_booking_as_staff_do(as_a, book, pro_a, room, at):
    original = book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()

    problem_of(as_a.post(f"/bookings/{original.pk}/repeat"), 403)

    assert snapshot() == before
