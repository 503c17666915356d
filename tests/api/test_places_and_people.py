"""Locations, rooms, professionals, busy blocks and free time over the API."""

import json
from datetime import UTC

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from professionals.models import Professional
from scheduling.models import Location, Room
from tests.factories import LocationFactory, RoomFactory

from .conftest import problem_of

pytestmark = pytest.mark.django_db


def test_a_manager_creates_and_updates_a_location_with_its_opening_hours(as_manager):
    created = as_manager.post(
        "/locations",
        {
            "name": "Porto",
            "tz": "Europe/Lisbon",
            "currency": "EUR",
            "opening_hours": [{"weekday": 0, "opens": "08:00", "closes": "00:00"}],
        },
    )
    assert created.status_code == 201, created.content
    location = Location.objects.get(name="Porto")
    assert created.json()["opening_hours"] == [{"weekday": 0, "opens": "08:00", "closes": "00:00"}]

    updated = as_manager.patch(f"/locations/{location.pk}", {"address": "Rua Nova 1"})

    assert updated.json()["address"] == "Rua Nova 1"
    assert len(updated.json()["opening_hours"]) == 1, "hours are kept unless given"


def test_location_and_room_changes_are_recorded_with_who_how_and_from_where(
    as_manager, manager, location
):
    as_manager.patch(f"/locations/{location.pk}", {"address": "Rua Nova 1", "name": location.name})
    refused = as_manager.patch(f"/locations/{location.pk}", {"min_booking_minutes": 7})
    created = as_manager.post(
        "/rooms", {"location_id": location.pk, "name": "Sala 9", "hourly_price": "10.00"}
    )

    assert refused.status_code == 422
    entries = list(LogEntry.objects.order_by("pk"))
    assert [(e.user, e.object_id, e.action_flag) for e in entries] == [
        (manager, str(location.pk), CHANGE),
        (manager, str(created.json()["id"]), ADDITION),
    ], "a refused change is not recorded"
    assert entries[0].get_change_message() == "Changed Address."
    assert {
        k: v for k, v in json.loads(entries[0].change_message)[0].items() if k != "changed"
    } == {
        "source": "api",
        "ip": "127.0.0.1",
    }


def test_everyone_signed_in_lists_locations_and_rooms_in_constant_queries(as_a, room):
    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert as_a.get(path).status_code == 200
        return len(captured)

    before = queries("/locations"), queries("/rooms")
    for _ in range(3):
        RoomFactory(location=LocationFactory())
    assert (queries("/locations"), queries("/rooms")) == before


def test_a_manager_creates_a_room_with_features_and_deactivate_it(as_manager, location):
    created = as_manager.post(
        "/rooms",
        {
            "location_id": location.pk,
            "name": "Sala Azul",
            "hourly_price": "35.50",
            "features": ["Couch", "sink"],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["features"] == ["Couch", "sink"]
    assert created.json()["currency"] == "EUR"

    room = Room.objects.get(name="Sala Azul")
    assert as_manager.patch(f"/rooms/{room.pk}", {"active": False}).json()["active"] is False
    assert as_manager.get("/rooms", location=location.pk).json()[0]["name"] == "Sala Azul"


def test_creating_a_professional_creates_their_login(as_staff):
    response = as_staff.post(
        "/professionals",
        {"name": "Carla Costa", "email": "Carla@Example.test", "phone": "+351 933"},
    )

    assert response.status_code == 201, response.content
    professional = Professional.objects.get(pk=response.json()["id"])
    assert professional.user.email == "carla@example.test"
    assert not professional.user.has_usable_password()


def test_a_professional_email_already_in_use_is_refused(as_staff, pro_a):
    users = get_user_model().objects.count()

    body = problem_of(as_staff.post("/professionals", {"name": "Ana 2", "email": pro_a.email}), 422)

    assert body["errors"][0]["field"] == "email"
    assert get_user_model().objects.count() == users


def test_an_email_longer_than_a_username_can_hold_is_refused_not_a_server_error(
    as_staff, pro_a, client, staff
):
    """Schemathesis found it on PostgreSQL: the email is also the account's username
    (150 characters), and a 151-character one was a 500 (SQLite does not enforce lengths)."""
    long = "a" * 139 + "@example.test"  # 152 characters, a valid address
    users = list(get_user_model().objects.order_by("pk").values_list("pk", "username", "email"))
    before = Professional.objects.get(pk=pro_a.pk).email

    created = problem_of(as_staff.post("/professionals", {"name": "Long", "email": long}), 422)
    changed = problem_of(as_staff.patch(f"/professionals/{pro_a.pk}", {"email": long}), 422)
    client.force_login(staff)
    page = client.post(
        reverse("professionals:edit", args=[pro_a.pk]), {"name": pro_a.name, "email": long}
    )

    for problem in (created, changed):
        assert problem["errors"][0]["field"] == "email"
        assert "150 characters" in problem["detail"]
    assert page.status_code == 200 and "150 characters" in page.content.decode()
    assert (
        list(get_user_model().objects.order_by("pk").values_list("pk", "username", "email"))
        == users
    )
    assert Professional.objects.get(pk=pro_a.pk).email == before


def test_staff_update_deactivate_and_reactivate_a_professional(as_staff, pro_a):
    updated = as_staff.patch(f"/professionals/{pro_a.pk}", {"phone": "+351 900"})
    assert updated.json()["phone"] == "+351 900"
    assert updated.json()["name"] == "Ana Alves"

    assert as_staff.post(f"/professionals/{pro_a.pk}/deactivate").json()["active"] is False
    pro_a.user.refresh_from_db()
    assert pro_a.user.is_active is False
    assert as_staff.post(f"/professionals/{pro_a.pk}/reactivate").json()["active"] is True


def test_a_professional_sees_only_themselves_without_internal_notes(as_a, as_staff, pro_a, pro_b):
    Professional.objects.filter(pk=pro_a.pk).update(internal_notes="pays late")

    listed = as_a.get("/professionals").json()

    assert [p["name"] for p in listed] == ["Ana Alves"]
    assert listed[0]["internal_notes"] is None
    assert as_staff.get(f"/professionals/{pro_a.pk}").json()["internal_notes"] == "pays late"
    assert len(as_staff.get("/professionals").json()) == 2
    assert as_staff.get("/professionals", q="bruno").json()[0]["id"] == pro_b.pk


def test_busy_shows_every_taken_room_without_who(as_a, book, room, pro_b, at):
    book(room, pro_b, at("10:00"), at("11:00"))

    busy = as_a.get("/busy", **{"from": at("07:00"), "to": at("22:00")}).json()

    assert busy == [
        {
            "room": {"id": room.pk, "name": "Sala 1"},
            "location": {"id": room.location_id, "name": "Lisboa Centro", "tz": "Europe/Lisbon"},
            "starts_at": at("10:00").astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "ends_at": at("11:00").astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "local_starts_at": busy[0]["local_starts_at"],
            "local_ends_at": busy[0]["local_ends_at"],
        }
    ]
    assert "T10:00:00" in busy[0]["local_starts_at"]


def test_free_time_skips_taken_rooms_and_the_professionals_own_bookings(
    as_a, book, room, other_room, pro_a, pro_b, at, day
):
    book(room, pro_b, at("09:00"), at("10:00"))
    book(other_room, pro_a, at("12:00"), at("13:00"))

    windows = as_a.get(
        "/availability", **{"from": day, "to": day, "minutes": 60, "location": room.location_id}
    ).json()

    starts = {(w["room"]["id"], w["local_starts_at"][11:16]) for w in windows}
    assert (other_room.pk, "09:00") in starts
    assert (room.pk, "09:00") not in starts, "the room is taken"
    assert (room.pk, "12:00") not in starts, "A is busy elsewhere then"
    assert (room.pk, "10:00") in starts
    assert windows[0]["starts_at"].endswith("Z")
    assert windows[0]["location"]["tz"] == "Europe/Lisbon"


def test_free_time_filters_by_room_and_feature(as_manager, room, other_room, day):
    as_manager.patch(f"/rooms/{other_room.pk}", {"features": ["couch"]})
    query = {"from": day, "to": day, "minutes": 120}

    by_feature = as_manager.get("/availability", feature="couch", **query).json()
    by_room = as_manager.get("/availability", room=room.pk, limit=3, **query).json()

    assert {w["room"]["id"] for w in by_feature} == {other_room.pk}
    assert [w["room"]["id"] for w in by_room] == [room.pk] * 3


def test_the_openapi_document_and_the_docs_page_are_served_without_a_cdn(anonymous):
    document = anonymous.get("/api/v1/openapi.json")
    assert document.status_code == 200
    move = document.json()["paths"]["/api/v1/bookings/{booking_id}/move"]["post"]
    assert "application/problem+json" in move["responses"]["409"]["content"]

    page = anonymous.get("/api/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assert "vendor/stoplight-elements/web-components.min.js" in html
    assert 'apiDescriptionUrl="/api/v1/openapi.json"' in html
    assert "https://" not in html and "http://" not in html


def test_operation_ids_are_the_handlers_names_unique_and_free_of_module_paths(anonymous):
    paths = anonymous.get("/api/v1/openapi.json").json()["paths"]
    ids = [op["operationId"] for operations in paths.values() for op in operations.values()]
    assert len(ids) == len(set(ids))
    transitions = {
        path.rsplit("/", 1)[1]: operations["post"]["operationId"]
        for path, operations in paths.items()
        if path.startswith("/api/v1/bookings/{booking_id}/") and "post" in operations
    }
    assert transitions == {
        "move": "move_booking",
        "cancel": "cancel_booking",
        "execute": "execute_booking",
        "no-show": "no_show_booking",
        "approve": "approve_booking",
        "decline": "decline_booking",
        "restore": "restore_booking",
        "rebook": "rebook_booking",
        "repeat": "repeat_booking",
    }
    assert paths["/api/v1/bookings/{booking_id}/execute"]["post"]["description"] == (
        "Staff: the session happened."
    )
