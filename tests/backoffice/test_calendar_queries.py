"""The calendar pages cost a constant number of queries, however many bookings they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import LocationFactory, ProfessionalFactory, RoomFactory

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
    assert many <= 9  # one of them reads the role's permissions, for the menu
