"""The calendar pages cost a constant number of queries, however many bookings they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import LocationFactory, PatientFactory, ProfessionalFactory, RoomFactory

pytestmark = pytest.mark.django_db


def fill(book, rooms, professionals, at, day, per_room: int):
    """`per_room` one-hour bookings in every room, on `day` and the day after."""
    for offset in (0, 1):
        for room in rooms:
            who = professionals[room.pk % len(professionals)]  # one per room: never clashes
            for slot in range(per_room):
                clock = f"{8 + slot:02d}:00"
                end = f"{9 + slot:02d}:00"
                on = day + timedelta(days=offset)
                book(room, who, at(clock, on=on), at(end, on=on))


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("view", ["day", "week"])
def test_the_calendar_costs_the_same_queries_for_few_or_many_bookings(
    view, client, staff, book, at, day
):
    client.force_login(staff)
    locations = [LocationFactory(name=f"Clinic {n}") for n in range(3)]
    rooms = [RoomFactory(location=loc, name=f"Room {n}") for loc in locations for n in range(3)]
    professionals = [ProfessionalFactory() for _ in range(12)]
    url = (
        reverse("calendar:calendar")
        + f"?view={view}&date={day}"
        + "".join(f"&loc={loc.pk}" for loc in locations)
    )
    fill(book, rooms[:1], professionals, at, day, per_room=1)
    few = queries_for(client, url)
    fill(book, rooms[1:], professionals, at, day, per_room=4)
    many = queries_for(client, url)
    assert few == many
    # One of them reads the role's permissions, for the menu; one the cards' patients.
    assert many <= 10


@pytest.mark.parametrize("view", ["day", "week"])
def test_cards_with_patients_cost_the_same_queries_for_few_or_many(
    view, client, staff, book, at, day
):
    """Names on cards: one query for the discreet choices and one insert of every read,
    whatever the number of cards (two more than a grid without patients)."""
    client.force_login(staff)
    location = LocationFactory(name="Clinic")
    rooms = [RoomFactory(location=location, name=f"Room {n}") for n in range(3)]
    professionals = [ProfessionalFactory() for _ in range(3)]
    patients = [PatientFactory() for _ in range(4)]
    url = reverse("calendar:calendar") + f"?view={view}&date={day}&loc={location.pk}"

    def fill_with_patients(rooms, per_room):
        for room in rooms:
            who = professionals[room.pk % len(professionals)]
            for slot in range(per_room):
                on = day
                book(
                    room,
                    who,
                    at(f"{8 + slot:02d}:00", on=on),
                    at(f"{9 + slot:02d}:00", on=on),
                    patients=[p.pk for p in patients[: 1 + slot % 3]],
                )

    fill_with_patients(rooms[:1], 1)
    few = queries_for(client, url)
    fill_with_patients(rooms[1:], 4)
    many = queries_for(client, url)
    assert few == many
    assert many <= 12
