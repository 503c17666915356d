"""Every kind of bad input gets a problem+json answer a person understands, and changes
nothing."""

import json

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse

from scheduling.models import Location, Room
from tests.conftest import snapshot
from tests.factories import RoomFactory

from .conftest import CSRF, problem_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def good(room, pro_a, at):
    """A valid booking request; each case spoils one thing."""

    def make(**changes):
        body = {
            "room_id": room.pk,
            "professional_id": pro_a.pk,
            "starts_at": at("09:00").isoformat(),
            "ends_at": at("10:00").isoformat(),
        }
        body.update(changes)
        return {k: v for k, v in body.items() if v is not ...}

    return make


BOOKING_CASES = {
    "misaligned start": (
        lambda good, at, ctx: good(starts_at=at("09:10").isoformat()),
        422,
        "misaligned",
        "quarter hour",
    ),
    "end before start": (
        lambda good, at, ctx: good(ends_at=at("08:00").isoformat()),
        422,
        "ends_before_start",
        "end must be after the start",
    ),
    "outside opening hours": (
        lambda good, at, ctx: good(
            starts_at=at("21:30").isoformat(), ends_at=at("22:30").isoformat()
        ),
        422,
        "outside_opening_hours",
        "is open from 07:00 to 22:00",
    ),
    "too long": (
        lambda good, at, ctx: good(
            starts_at=at("08:00").isoformat(), ends_at=at("17:00").isoformat()
        ),
        422,
        "too_long",
        "at most 480 minutes",
    ),
    "inactive room": (
        lambda good, at, ctx: good(room_id=ctx["inactive_room"].pk),
        422,
        "inactive_room",
        "not in use",
    ),
    "unknown room": (lambda good, at, ctx: good(room_id=987654), 404, "not_found", "no room"),
    "unknown professional": (
        lambda good, at, ctx: good(professional_id=987654),
        404,
        "not_found",
        "no professional",
    ),
    "no professional named by staff": (
        lambda good, at, ctx: good(professional_id=...),
        422,
        "invalid",
        "which professional",
    ),
    "naive start": (
        lambda good, at, ctx: good(starts_at=at("09:00").replace(tzinfo=None).isoformat()),
        422,
        "invalid_input",
        "offset",
    ),
    "naive end": (
        lambda good, at, ctx: good(ends_at="2031-01-01T10:00:00"),
        422,
        "invalid_input",
        "offset",
    ),
    "not a date": (
        lambda good, at, ctx: good(starts_at="next tuesday"),
        422,
        "invalid_input",
        "ISO 8601",
    ),
    "a number for a date": (
        lambda good, at, ctx: good(starts_at=[2031]),
        422,
        "invalid_input",
        "starts_at",
    ),
    "year one": (
        lambda good, at, ctx: good(starts_at="0001-01-01T00:00:00+14:00"),
        422,
        "invalid_input",
        "between the years",
    ),
    "text for an id": (
        lambda good, at, ctx: good(room_id="sala um"),
        422,
        "invalid_input",
        "whole number",
    ),
    "huge id": (
        lambda good, at, ctx: good(room_id=10**30),
        422,
        "invalid_input",
        "room_id",
    ),
    "missing field": (
        lambda good, at, ctx: good(ends_at=...),
        422,
        "invalid_input",
        "ends_at: This field is required.",
    ),
    "unknown field": (
        lambda good, at, ctx: good(start="09:00"),
        422,
        "invalid_input",
        "start: This field is not expected here.",
    ),
    "notes too long": (
        lambda good, at, ctx: good(notes="x" * 2001),
        422,
        "invalid_input",
        "2000 characters",
    ),
    "a NUL in notes": (
        lambda good, at, ctx: good(notes="a\x00b"),
        422,
        "invalid_input",
        "not allowed",
    ),
    "allow_past not a boolean": (
        lambda good, at, ctx: good(allow_past="perhaps"),
        422,
        "invalid_input",
        "true or false",
    ),
    "a list instead of an object": (lambda good, at, ctx: [1, 2], 422, "invalid_input", ""),
}


@pytest.mark.parametrize("case", list(BOOKING_CASES))
def test_a_bad_booking_request_is_refused_clearly_and_changes_nothing(
    case, as_staff, good, at, location, book, pro_b, other_room
):
    book(other_room, pro_b, at("09:00"), at("10:00"))
    make, status, code, words = BOOKING_CASES[case]
    ctx = {"inactive_room": RoomFactory(location=location, name="Old", active=False)}
    before = snapshot()

    body = problem_of(as_staff.post("/bookings", make(good, at, ctx)), status)

    assert body["code"] == code
    assert words.lower() in json.dumps(body, ensure_ascii=False).lower()
    assert snapshot() == before


@pytest.mark.parametrize(
    "raw",
    [b"{", b"{'room_id': 1}", b"not json", '{"notes": "\xff"}'.encode("latin-1")],
)
def test_malformed_json_is_refused_with_a_sentence(as_staff, raw):
    before = snapshot()

    body = problem_of(as_staff.call("POST", "/bookings", raw=raw), 422)

    assert body["code"] == "malformed_json"
    assert body["detail"] == "The request body is not valid JSON."
    assert snapshot() == before


def test_a_ten_megabyte_notes_string_is_refused_as_too_large(as_staff, good):
    before = snapshot()

    body = problem_of(as_staff.post("/bookings", good(notes="x" * 10_000_000)), 413)

    assert "larger than" in body["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "action", "field"),
    [
        ("PATCH", "", "notes"),
        ("PUT", "/notes", "notes"),
        ("POST", "/cancel", "reason"),
        ("POST", "/move", "notes"),
    ],
)
def test_ten_megabytes_to_any_booking_change_is_refused_and_changes_nothing(
    as_staff, book, room, pro_a, at, method, action, field
):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()

    response = as_staff.call(method, f"/bookings/{booking.pk}{action}", {field: "x" * 10_000_000})

    assert problem_of(response, 413)["code"] == "too_large"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/bookings", ["GET", "POST"]),
        ("PUT", "/bookings", ["GET", "POST"]),
        ("DELETE", "/bookings/{pk}", ["GET", "PATCH"]),
        ("PUT", "/bookings/{pk}/cancel", ["POST"]),
        ("GET", "/bookings/{pk}/cancel", ["POST"]),
        ("PATCH", "/bookings/{pk}/notes", ["PUT"]),
        ("POST", "/availability", ["GET"]),
        ("DELETE", "/locations", ["GET", "POST"]),
    ],
)
def test_a_method_an_endpoint_does_not_have_is_a_problem_naming_the_allowed_ones(
    as_staff, book, room, pro_a, at, method, path, allowed
):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()

    response = as_staff.call(method, path.format(pk=booking.pk), {"reason": "oops"})

    body = problem_of(response, 405)
    assert body["code"] == "method_not_allowed"
    assert method in body["detail"] and all(m in body["detail"] for m in allowed)
    assert sorted(m.strip() for m in response["Allow"].split(",")) == allowed
    assert body["allowed"] == allowed
    assert snapshot() == before


def test_a_wrong_method_is_a_problem_for_anyone_even_signed_out(anonymous):
    response = anonymous.call("DELETE", "/bookings")

    assert problem_of(response, 405)["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, POST"


def test_pages_outside_the_api_keep_their_own_method_not_allowed(as_staff):
    response = as_staff.client.get(reverse("calendar:booking-create"))

    assert response.status_code == 405
    assert response["Content-Type"] != "application/problem+json"


def test_a_professional_may_not_book_in_the_past(as_a, good, at, past_day):
    before = snapshot()
    request = good(
        starts_at=at("09:00", on=past_day).isoformat(),
        ends_at=at("10:00", on=past_day).isoformat(),
    )

    assert problem_of(as_a.post("/bookings", request), 422)["code"] == "in_the_past"
    assert problem_of(as_a.post("/bookings", {**request, "allow_past": True}), 403)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"minutes": 10**12}, "minutes"),
        ({"minutes": 7}, "minutes"),
        ({"minutes": "an hour"}, "minutes"),
        ({"from": "yesterday"}, "from"),
        ({"from": "9999-12-31", "to": "9999-12-31"}, "from"),
        ({"to": "2000-01-01"}, None),
        ({"to": "2100-01-01"}, None),
        ({"location": "lisboa"}, "location"),
        ({"room": 10**30}, "room"),
        ({"limit": 10**12}, "limit"),
    ],
)
def test_bad_availability_queries_are_refused_clearly(as_a, day, params, field):
    query = {"from": day.isoformat(), "to": day.isoformat(), **params}

    body = problem_of(as_a.get("/availability", **query), 422)

    assert body["code"] == "invalid_input"
    assert any(
        error["field"] == field or (error["field"] or "").startswith(f"{field}.")
        for error in body["errors"]
    ), body


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2031-01-01T09:00:00"},
        {"to": "tomorrow"},
        {"status": "maybe"},
        {"limit": 10**12},
        {"offset": -1},
        {"room": "one"},
    ],
)
def test_bad_booking_list_filters_are_refused_clearly(as_staff, params):
    assert problem_of(as_staff.get("/bookings", **params), 422)["errors"]


def test_busy_needs_an_aware_bounded_range(as_a, at):
    assert problem_of(as_a.get("/busy"), 422)
    naive = {"from": "2031-01-01T09:00:00", "to": "2031-01-02T09:00:00+00:00"}
    assert "offset" in problem_of(as_a.get("/busy", **naive), 422)["detail"]
    too_wide = {"from": at("09:00").isoformat(), "to": "2099-01-01T00:00:00+00:00"}
    assert "at most" in problem_of(as_a.get("/busy", **too_wide), 422)["detail"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"starts_at": "09:10"}, 422, "ISO 8601"),
        ({}, 422, "Give a new starts_at"),
        ({"starts_at": "2031-01-01T09:00:00"}, 422, "offset"),
        ({"room_id": 987654}, 404, "no room"),
        ({"ends_at": "MOVE_MISALIGNED"}, 422, "quarter hour"),
        ({"ends_at": "MOVE_BEFORE"}, 422, "after the start"),
    ],
)
def test_bad_moves_are_refused_and_leave_the_booking_where_it_was(
    as_staff, book, room, pro_a, at, body, status, words
):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    placeholders = {"MOVE_MISALIGNED": at("10:20"), "MOVE_BEFORE": at("08:00")}
    body = {k: placeholders.get(v, v) for k, v in body.items()}
    before = snapshot()

    problem = problem_of(as_staff.post(f"/bookings/{booking.pk}/move", body), status)

    assert words.lower() in problem["detail"].lower()
    assert snapshot() == before


def test_moving_onto_a_taken_slot_answers_409_and_changes_nothing(
    as_a, book, room, pro_a, pro_b, at
):
    mine = book(room, pro_a, at("09:00"), at("10:00"))
    book(room, pro_b, at("11:00"), at("12:00"))
    before = snapshot()

    body = problem_of(as_a.patch(f"/bookings/{mine.pk}", {"starts_at": at("11:00")}), 409)

    assert body["code"] == "slot_taken" and body["alternatives"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/bookings/987654", 404),
        ("/bookings/0", 422),
        (f"/bookings/{10**30}", 422),
        ("/rooms/987654", 404),
        ("/locations/987654", 404),
        ("/professionals/987654", 404),
        ("/bookings/abc", 422),
        ("/no-such-endpoint", 404),
        ("/bookings/1/no-such-action", 404),
    ],
)
def test_unknown_ids_are_not_found(as_staff, path, status):
    assert problem_of(as_staff.get(path), status)


def test_a_cancellation_reason_over_300_characters_is_refused(as_staff, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()

    assert problem_of(as_staff.post(f"/bookings/{booking.pk}/cancel", {"reason": "x" * 301}), 422)
    assert snapshot() == before


def test_executing_a_booking_that_has_not_started_is_refused(as_staff, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()

    body = problem_of(as_staff.post(f"/bookings/{booking.pk}/execute"), 409)

    assert "has not started yet" in body["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"name": "Lisboa Centro"}, "already exists"),
        ({"name": "Porto", "tz": "Mars/Olympus"}, "not an IANA time zone"),
        ({"name": "Porto", "min_booking_minutes": 15 * 10**12}, "at most 1440"),
        (
            {
                "name": "Porto",
                "opening_hours": [{"weekday": 0, "opens": "09:10", "closes": "18:00"}],
            },
            "15-minute",
        ),
        (
            {
                "name": "Porto",
                "opening_hours": [{"weekday": 9, "opens": "09:00", "closes": "18:00"}],
            },
            "at most 6",
        ),
        ({"name": "Porto", "currency": "euro"}, "three-letter ISO 4217 code"),
    ],
)
def test_bad_locations_are_refused_and_nothing_is_created(as_manager, location, body, words):
    locations = list(Location.objects.values_list("pk", "name"))

    problem = problem_of(as_manager.post("/locations", body), 422)

    assert words.lower() in json.dumps(problem, ensure_ascii=False).lower()
    assert list(Location.objects.values_list("pk", "name")) == locations


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "Sala 1", "hourly_price": "10"}, 422),
        ({"name": "Sala 9", "hourly_price": "-1"}, 422),
        ({"name": "Sala 9", "hourly_price": "1e30"}, 422),
        ({"name": "Sala 9", "hourly_price": "10", "colour": "red"}, 422),
        ({"name": "Sala 9", "hourly_price": "10", "location_id": 987654}, 404),
    ],
)
def test_bad_rooms_are_refused_and_nothing_is_created(as_manager, room, body, status):
    rooms = list(Room.objects.values_list("pk", "name", "hourly_price"))

    problem_of(as_manager.post("/rooms", {"location_id": room.location_id, **body}), status)

    assert list(Room.objects.values_list("pk", "name", "hourly_price")) == rooms


def test_through_the_asgi_handler_ten_megabytes_and_a_wrong_method_are_problems_too(staff, good):
    """Daphne serves Django's ASGI handler, which buffers the body itself before any view:
    the same answers must come back that way."""
    client = AsyncClient(headers={"X-CSRFToken": CSRF})
    client.force_login(staff)
    client.cookies["csrftoken"] = CSRF
    before = snapshot()
    body = json.dumps(good(notes="x" * 10_000_000))

    too_large = async_to_sync(client.post)(
        "/api/v1/bookings", body, content_type="application/json"
    )
    wrong_method = async_to_sync(client.delete)("/api/v1/bookings")

    assert problem_of(too_large, 413)["code"] == "too_large"
    assert problem_of(wrong_method, 405)["code"] == "method_not_allowed"
    assert wrong_method["Allow"] == "GET, POST"
    assert snapshot() == before
