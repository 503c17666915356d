"""A refused booking names the booking really in the way: its own day and times in its own
location's zone (never the attempted times, never the server's zone), its room and
location, and, for staff only, whose it is. A professional never learns another
professional's name. The 409 still offers the nearest free times."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling.errors import SlotTaken
from scheduling.models import Source
from tests.api.conftest import problem_of, session_api
from tests.factories import LocationFactory, RoomFactory

from .conftest import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def paulista(db):
    return LocationFactory(name="Integra Paulista", tz="America/Sao_Paulo", currency="BRL")


@pytest.fixture
def miraflores(db):
    return LocationFactory(name="Integra Miraflores", tz="America/Lima", currency="PEN")


@pytest.fixture
def tejo(paulista):
    return RoomFactory(location=paulista, name="Sala Tejo", hourly_price=Decimal("120.00"))


@pytest.fixture
def inca(miraflores):
    return RoomFactory(location=miraflores, name="Sala Inca", hourly_price=Decimal("90.00"))


@pytest.fixture
def local_day(paulista):
    return timezone.now().astimezone(paulista.zone).date() + timedelta(days=5)


@pytest.fixture
def when(local_day):
    """when("12:00", location) → that wall-clock time on `local_day` in the location."""

    def make(clock: str, location) -> datetime:
        hours, minutes = (int(part) for part in clock.split(":"))
        return datetime.combine(local_day, time(hours, minutes), tzinfo=location.zone)

    return make


def day_label(local_day) -> str:
    return f"{local_day:%a} {local_day.day} {local_day:%b}"  # British English: "Tue 8 Dec"


def test_a_room_clash_names_the_booking_there_with_its_own_times_not_the_attempted_ones(
    book, tejo, paulista, pro_a, pro_b, when, local_day
):
    book(tejo, pro_a, when("12:00", paulista), when("14:00", paulista))
    with refused(SlotTaken) as caught:
        book(tejo, pro_b, when("11:00", paulista), when("14:30", paulista))
    assert caught.value.message == (
        f"Sala Tejo is already booked at Integra Paulista on {day_label(local_day)}, "
        "12:00–14:00, by Ana Alves."
    )
    assert caught.value.alternatives


def test_a_professional_clash_in_another_location_and_zone_shows_that_bookings_local_time(
    book, tejo, inca, paulista, miraflores, pro_b, when, local_day
):
    # Lima 12:15–13:15 is São Paulo 14:15–15:15: it overlaps 15:00–16:00 there.
    book(inca, pro_b, when("12:15", miraflores), when("13:15", miraflores))
    with refused(SlotTaken) as caught:
        book(tejo, pro_b, when("15:00", paulista), when("16:00", paulista))
    message = caught.value.message
    assert message == (
        f"Bruno Brito already has a booking in Sala Inca at Integra Miraflores on "
        f"{day_label(local_day)}, 12:15–13:15."
    )
    assert "15:00" not in message and "14:15" not in message  # nor São Paulo's clock
    assert [c.resource for c in caught.value.conflicts] == ["professional"]


def test_a_room_clash_told_to_a_professional_does_not_name_the_other_professional(
    book, tejo, paulista, pro_a, pro_b, when, local_day
):
    book(tejo, pro_a, when("12:00", paulista), when("14:00", paulista))
    with refused(SlotTaken) as caught:
        book(
            tejo,
            pro_b,
            when("13:00", paulista),
            when("14:00", paulista),
            by=pro_b.user,
            source=Source.PORTAL,
        )
    assert caught.value.message == (
        f"Sala Tejo is already booked at Integra Paulista on {day_label(local_day)}, 12:00–14:00."
    )
    assert "Ana" not in caught.value.message


def test_a_professional_is_told_of_their_own_clash_as_theirs(
    book, tejo, inca, paulista, miraflores, pro_b, when, local_day
):
    book(inca, pro_b, when("12:15", miraflores), when("13:15", miraflores))
    with refused(SlotTaken) as caught:
        book(
            tejo,
            pro_b,
            when("15:00", paulista),
            when("16:00", paulista),
            by=pro_b.user,
            source=Source.PORTAL,
        )
    assert caught.value.message == (
        f"You already have a booking in Sala Inca at Integra Miraflores on "
        f"{day_label(local_day)}, 12:15–13:15."
    )


def test_the_staff_calendar_answers_409_naming_the_clash_with_alternatives(
    client, staff, book, tejo, paulista, pro_a, pro_b, when, local_day
):
    book(tejo, pro_a, when("12:00", paulista), when("14:00", paulista))
    client.force_login(staff)
    response = client.post(
        reverse("calendar:booking-create"),
        {
            "room": tejo.pk,
            "professional": pro_b.pk,
            "starts_at": when("11:00", paulista).isoformat(),
            "ends_at": when("14:30", paulista).isoformat(),
        },
    )
    assert response.status_code == 409
    body = response.json()
    assert "12:00–14:00, by Ana Alves" in body["message"]
    assert body["alternatives"]


def test_the_api_answers_a_professional_409_without_the_other_name_and_with_alternatives(
    book, tejo, paulista, pro_a, pro_b, when, local_day
):
    book(tejo, pro_a, when("12:00", paulista), when("14:00", paulista))
    response = session_api(pro_b.user).post(
        "/bookings",
        {
            "room_id": tejo.pk,
            "starts_at": when("13:00", paulista).isoformat(),
            "ends_at": when("14:00", paulista).isoformat(),
        },
    )
    body = problem_of(response, 409)
    assert body["detail"] == (
        f"Sala Tejo is already booked at Integra Paulista on {day_label(local_day)}, 12:00–14:00."
    )
    assert "Ana" not in response.content.decode()
    assert body["alternatives"]


def test_moving_onto_a_clash_names_the_booking_in_the_way(
    book, tejo, paulista, pro_a, pro_b, staff, when, local_day
):
    from scheduling import services

    book(tejo, pro_a, when("12:00", paulista), when("14:00", paulista))
    mine = book(tejo, pro_b, when("08:00", paulista), when("09:00", paulista))
    with refused(SlotTaken) as caught:
        services.move(mine, starts_at=when("13:30", paulista), by=staff, source=Source.BACKOFFICE)
    assert "12:00–14:00, by Ana Alves" in caught.value.message
