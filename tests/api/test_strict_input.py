"""Strict input (issue 14, first step): what the API used to accept and should refuse, and
the requests that answered 500. Each refusal is problem+json with a sentence and writes
nothing."""

import pytest

from scheduling.models import Booking, Location
from tests.conftest import snapshot

from .conftest import CSRF, PREFIX, problem_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def good(room, pro_a, at):
    def make(**changes):
        body = {
            "room_id": room.pk,
            "professional_id": pro_a.pk,
            "starts_at": at("09:00").isoformat(),
            "ends_at": at("10:00").isoformat(),
        }
        body.update(changes)
        return body

    return make


@pytest.mark.parametrize(
    ("change", "field", "sentence"),
    [
        ({"room_id": True}, "room_id", "whole number"),
        ({"professional_id": True}, "professional_id", "whole number"),
        ({"room_id": "1"}, "room_id", "whole number"),
        ({"starts_at": 1893456000}, "starts_at", "ISO 8601"),
        ({"ends_at": 1893459600.0}, "ends_at", "ISO 8601"),
        ({"allow_past": "true"}, "allow_past", "true or false"),
        ({"allow_past": 1}, "allow_past", "true or false"),
    ],
)
def test_lax_values_are_refused_not_coerced(as_staff, good, change, field, sentence):
    before = snapshot()
    problem = problem_of(as_staff.post("/bookings", good(**change)), 422)
    assert problem["errors"][0]["field"] == field
    assert sentence in problem["errors"][0]["message"]
    assert snapshot() == before
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml"],
)
def test_a_body_that_is_not_json_is_refused_with_415(as_staff, good, content_type):
    import json

    body = json.dumps(good()).encode()
    response = as_staff.client.generic(
        "POST",
        f"{PREFIX}/bookings",
        body,
        content_type=content_type,
        headers=as_staff.headers,
    )
    problem = problem_of(response, 415)
    assert "application/json" in problem["detail"]
    assert not Booking.objects.exists()


@pytest.fixture
def booked(book, room, pro_a, at):
    return book(room, pro_a, at("09:00"), at("10:00"))


@pytest.mark.parametrize(
    "path",
    [
        "/bookings/{booking}/execute",
        "/bookings/{booking}/approve",
        "/bookings/{booking}/no-show",
        "/bookings/{booking}/restore",
        "/professionals/{professional}/deactivate",
        "/professionals/{professional}/reactivate",
    ],
)
def test_multipart_without_a_boundary_is_a_415_not_a_500(as_manager, booked, pro_a, path):
    url = PREFIX + path.format(booking=booked.pk, professional=pro_a.pk)
    before = snapshot()
    # A body with no boundary to split it by (an empty one sends no content type at all).
    response = as_manager.client.post(
        url, b"--x\r\nrest", content_type="multipart/form-data", headers={"X-CSRFToken": CSRF}
    )
    problem_of(response, 415)
    assert snapshot() == before


def test_a_patch_that_empties_a_required_field_is_a_422_not_a_500(as_manager, location):
    before = list(Location.objects.values())
    problem = problem_of(
        as_manager.patch(f"/locations/{location.pk}", {"max_booking_minutes": None}), 422
    )
    assert problem["errors"][0]["field"] == "max_booking_minutes"
    assert list(Location.objects.values()) == before
    # Leaving it out still works, and a real value is taken.
    response = as_manager.patch(f"/locations/{location.pk}", {"max_booking_minutes": 240})
    assert response.status_code == 200, response.content
    assert Location.objects.get(pk=location.pk).max_booking_minutes == 240
