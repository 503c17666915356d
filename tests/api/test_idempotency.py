"""POST /bookings with an Idempotency-Key: a retry returns the first booking, never a
second one; the same key with a different request is refused."""

import pytest

from scheduling.models import Booking, IdempotencyKey
from tests.conftest import snapshot

from .conftest import problem_of, token_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_body(room, pro_a, at):
    return {
        "room_id": room.pk,
        "professional_id": pro_a.pk,
        "starts_at": at("09:00").isoformat(),
        "ends_at": at("10:00").isoformat(),
    }


def test_a_replay_returns_the_first_booking_with_the_same_status_and_books_once(
    as_staff, request_body
):
    key = {"Idempotency-Key": "retry-7f3a"}

    first = as_staff.post("/bookings", request_body, headers=key)
    again = as_staff.post("/bookings", dict(reversed(request_body.items())), headers=key)

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused_and_changes_nothing(
    as_staff, request_body, at
):
    key = {"Idempotency-Key": "retry-7f3a"}
    as_staff.post("/bookings", request_body, headers=key)
    before = snapshot()

    changed = {**request_body, "ends_at": at("11:00").isoformat()}
    body = problem_of(as_staff.post("/bookings", changed, headers=key), 422)

    assert body["code"] == "idempotency_key_reused"
    assert "different request" in body["detail"]
    assert snapshot() == before


def test_keys_belong_to_their_user(as_staff, staff, request_body, pro_a, at):
    key = {"Idempotency-Key": "same-key"}
    as_staff.post("/bookings", request_body, headers=key)
    mine = {"room_id": request_body["room_id"]}
    mine |= {"starts_at": at("12:00").isoformat(), "ends_at": at("13:00").isoformat()}

    response = token_api(pro_a.user).post("/bookings", mine, headers=key)

    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Booking.objects.count() == 2


def test_a_refused_first_attempt_does_not_burn_the_key(
    as_staff, request_body, book, room, pro_b, at
):
    taken = book(room, pro_b, at("09:00"), at("10:00"))
    key = {"Idempotency-Key": "after-conflict"}
    assert as_staff.post("/bookings", request_body, headers=key).status_code == 409
    assert not IdempotencyKey.objects.exists()

    as_staff.post(f"/bookings/{taken.pk}/cancel", {})
    response = as_staff.post("/bookings", request_body, headers=key)

    assert response.status_code == 201 and "Idempotent-Replayed" not in response


def test_an_overlong_key_is_refused(as_staff, request_body):
    before = snapshot()

    problem_of(
        as_staff.post("/bookings", request_body, headers={"Idempotency-Key": "k" * 201}), 422
    )

    assert snapshot() == before
