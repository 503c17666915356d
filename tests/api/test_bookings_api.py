"""Bookings over the API: every endpoint's happy path, through the booking service."""

from datetime import UTC

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.models import Booking, BookingChange, BookingStatus, Source
from tests.conftest import snapshot

from .conftest import problem_of

pytestmark = pytest.mark.django_db


def iso(moment):
    return moment.isoformat()


def test_staff_books_a_room_for_a_professional_and_gets_it_back_in_utc_and_local_time(
    as_staff, room, pro_a, at, staff
):
    response = as_staff.post(
        "/bookings",
        {
            "room_id": room.pk,
            "professional_id": pro_a.pk,
            "starts_at": iso(at("09:00")),
            "ends_at": iso(at("10:00")),
            "notes": "first session",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    booking = Booking.objects.get(pk=body["id"])
    assert booking.source == Source.API and booking.created_by == staff
    assert body["status"] == "booked"
    assert body["professional"] == {"id": pro_a.pk, "name": "Ana Alves"}
    assert body["room"] == {"id": room.pk, "name": "Sala 1"}
    assert body["location"]["tz"] == "Europe/Lisbon"
    assert body["local_starts_at"].startswith(at("09:00").date().isoformat() + "T09:00:00")
    assert body["price"] == "40.00" and body["currency"] == "EUR"
    change = BookingChange.objects.get(booking=booking)
    assert (change.source, change.by, change.ip) == (Source.API, staff, "127.0.0.1")


def test_a_professional_books_for_themselves_without_naming_themselves(as_a, room, pro_a, at):
    response = as_a.post(
        "/bookings",
        {"room_id": room.pk, "starts_at": iso(at("11:00")), "ends_at": iso(at("11:45"))},
    )

    assert response.status_code == 201, response.content
    assert Booking.objects.get(pk=response.json()["id"]).professional == pro_a


def test_bookings_list_filters_by_date_range_location_room_professional_and_status(
    as_staff, book, room, other_room, pro_a, pro_b, at
):
    morning = book(room, pro_a, at("09:00"), at("10:00"))
    book(other_room, pro_b, at("09:00"), at("10:00"))
    evening = book(room, pro_b, at("18:00"), at("19:00"))
    as_staff.post(f"/bookings/{evening.pk}/cancel", {"reason": "ill"})

    def ids(**params):
        response = as_staff.get("/bookings", **params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()]

    assert len(ids()) == 3
    assert ids(room=room.pk) == [morning.pk, evening.pk]
    assert ids(professional=pro_a.pk) == [morning.pk]
    assert ids(status="cancelled") == [evening.pk]
    assert ids(**{"from": iso(at("12:00")), "to": iso(at("23:00"))}) == [evening.pk]
    assert ids(location=room.location_id, status="booked", limit=1) == [morning.pk]


def test_listing_bookings_costs_the_same_number_of_queries_for_one_or_many(
    as_staff, book, room, other_room, pro_a, pro_b, at
):
    book(room, pro_a, at("09:00"), at("10:00"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_staff.get("/bookings").status_code == 200
        return len(captured)

    one = queries()
    book(other_room, pro_b, at("09:00"), at("10:00"))
    book(room, pro_b, at("12:00"), at("13:00"))
    book(other_room, pro_a, at("14:00"), at("15:00"))
    assert queries() == one


def test_getting_one_booking_shows_its_history(as_a, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    as_a.put(f"/bookings/{booking.pk}/notes", {"notes": "bring towels"})

    body = as_a.get(f"/bookings/{booking.pk}").json()

    assert body["notes"] == "bring towels"
    assert [change["action"] for change in body["history"]] == ["booked", "edited"]
    assert body["history"][0]["by"] == "rita" and body["history"][1]["source"] == "api"


def test_a_booking_moves_with_patch_and_with_post_move(as_staff, book, room, other_room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))

    moved = as_staff.patch(f"/bookings/{booking.pk}", {"starts_at": iso(at("13:00"))})
    assert moved.status_code == 200, moved.content
    assert moved.json()["ends_at"] == at("14:00").astimezone(UTC).isoformat().replace("+00:00", "Z")

    resized = as_staff.post(
        f"/bookings/{booking.pk}/move", {"ends_at": iso(at("14:30")), "room_id": other_room.pk}
    )
    assert resized.status_code == 200, resized.content
    booking.refresh_from_db()
    assert (booking.room, booking.starts_at, booking.ends_at) == (
        other_room,
        at("13:00"),
        at("14:30"),
    )


def test_cancel_with_a_reason_then_restore(as_staff, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))

    cancelled = as_staff.post(f"/bookings/{booking.pk}/cancel", {"reason": "flu"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancellation_reason"] == "flu"

    restored = as_staff.post(f"/bookings/{booking.pk}/restore")
    assert restored.status_code == 200
    assert restored.json()["status"] == "booked"


@pytest.mark.parametrize(
    ("action", "status"), [("execute", BookingStatus.EXECUTED), ("no-show", BookingStatus.NO_SHOW)]
)
def test_staff_marks_a_past_booking_and_can_undo_it(
    as_staff, book, room, pro_a, at, past_day, action, status
):
    booking = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)

    marked = as_staff.post(f"/bookings/{booking.pk}/{action}")
    assert marked.status_code == 200, marked.content
    assert marked.json()["status"] == status

    assert as_staff.post(f"/bookings/{booking.pk}/restore").json()["status"] == "booked"


def test_notes_are_replaced(as_staff, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"), notes="old")

    response = as_staff.put(f"/bookings/{booking.pk}/notes", {"notes": "new"})

    assert response.status_code == 200 and response.json()["notes"] == "new"


def test_booking_a_taken_slot_is_refused_with_conflicts_and_alternatives(
    as_staff, book, room, pro_a, pro_b, at
):
    book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()

    response = as_staff.post(
        "/bookings",
        {
            "room_id": room.pk,
            "professional_id": pro_b.pk,
            "starts_at": iso(at("09:30")),
            "ends_at": iso(at("10:30")),
        },
    )

    body = problem_of(response, 409)
    assert body["code"] == "slot_taken" and "Sala 1" in body["detail"]
    assert {c["resource"] for c in body["conflicts"]} == {"room"}
    assert body["alternatives"], "the nearest free windows are offered"
    for alternative in body["alternatives"]:
        assert set(alternative) == {
            "room",
            "location",
            "starts_at",
            "ends_at",
            "local_starts_at",
            "local_ends_at",
        }
        assert alternative["room"]["name"] and alternative["location"]["name"]
        assert alternative["starts_at"].endswith("Z")
        assert alternative["local_starts_at"][-6:] in {"+00:00", "+01:00"}
    assert snapshot() == before


def test_cancelling_an_executed_booking_is_an_illegal_transition(
    as_staff, book, room, pro_a, at, past_day
):
    booking = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    as_staff.post(f"/bookings/{booking.pk}/execute")
    before = snapshot()

    body = problem_of(as_staff.post(f"/bookings/{booking.pk}/cancel", {}), 409)

    assert body["code"] == "illegal_transition" and "executed" in body["detail"]
    assert snapshot() == before
