"""Sessions through the booking endpoints: patients (one, or a group), on-site or virtual
(no room: only the professional's time), price and currency, a video link; PATCH of a
booking's session; and the refusals (another's patient, a professional in a room)."""

import pytest

from patients.services import records
from scheduling.models import Booking
from tests.api.conftest import problem_of
from tests.conftest import snapshot
from tests.factories import LocationFactory, PatientFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patients_of_a(pro_a, staff):
    group = [PatientFactory(first_name=name) for name in ("Ana", "Bia", "Caio", "Duda", "Eva")]
    for patient in group:
        records.add_to_care_team(patient, pro_a, by=staff, source="backoffice")
    return group


def body(room, at, start="09:00", end="10:00", **extra):
    return {
        "room_id": room.pk,
        "starts_at": at(start).isoformat(),
        "ends_at": at(end).isoformat(),
        **extra,
    }


def test_a_professional_books_an_on_site_session_for_their_patient_with_its_price(
    as_a, room, at, patients_of_a
):
    response = as_a.post(
        "/bookings", body(room, at, patients=[patients_of_a[0].pk], session_price="60.00")
    )

    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["session_type"], out["patients"], out["session_price"]) == (
        "on_site",
        [patients_of_a[0].pk],
        "60.00",
    )
    assert out["session_currency"] == "EUR"


def test_a_group_session_holds_several_patients(as_staff, pro_a, room, at, patients_of_a):
    ids = sorted(p.pk for p in patients_of_a)

    response = as_staff.post("/bookings", body(room, at, professional_id=pro_a.pk, patients=ids))

    assert response.status_code == 201, response.content
    assert response.json()["patients"] == ids
    listed = as_staff.get("/bookings").json()
    assert listed[0]["patients"] == ids


def test_a_virtual_session_sits_in_the_online_lane_with_its_link_and_no_rent(
    as_a, room, at, patients_of_a
):
    response = as_a.post(
        "/bookings",
        body(
            room,
            at,
            session_type="virtual",
            patients=[patients_of_a[0].pk],
            video_link="https://meet.example.test/abc",
        ),
    )

    assert response.status_code == 201, response.content
    out = response.json()
    assert out["session_type"] == "virtual"
    assert out["room"]["id"] != room.pk
    assert out["price"] == "0.00" or float(out["price"]) == 0
    assert out["video_link"] == "https://meet.example.test/abc"


def test_a_virtual_session_while_the_professional_is_in_a_room_is_a_409_with_alternatives(
    as_a, room, other_room, at, book, pro_a
):
    book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()

    problem = problem_of(
        as_a.post("/bookings", body(other_room, at, "09:30", "10:30", session_type="virtual")),
        409,
    )

    assert problem["alternatives"]
    assert snapshot() == before


def test_booking_another_professionals_patient_is_refused_and_books_nothing(
    as_b, room, at, patients_of_a
):
    before = snapshot()

    problem = problem_of(
        as_b.post("/bookings", body(room, at, patients=[patients_of_a[0].pk])), 422
    )

    assert (problem["code"], problem["field"]) == ("patient_not_found", "patients")
    assert snapshot() == before


def test_lima_prices_a_session_in_usd_but_not_in_eur(as_staff, pro_a, at):
    lima = LocationFactory(
        name="Lima Miraflores", tz="America/Lima", currency="PEN", other_currencies=["USD"]
    )
    sala = RoomFactory(location=lima, name="Sala A")

    def lima_body(currency):
        return {
            "room_id": sala.pk,
            "professional_id": pro_a.pk,
            "starts_at": at("09:00", loc=lima).isoformat(),
            "ends_at": at("10:00", loc=lima).isoformat(),
            "session_price": "40",
            "session_currency": currency,
        }

    assert as_staff.post("/bookings", lima_body("USD")).json()["session_currency"] == "USD"
    problem_of(as_staff.post("/bookings", lima_body("EUR")), 422)
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"session_type": "hybrid"},
        {"patients": [True]},
        {"patients": ["3"]},
        {"session_price": 40.5},
        {"session_price": "-1"},
        {"video_link": "http://insecure.test"},
        {"session_currency": "usd"},
        {"patients": list(range(1, 40))},
    ],
)
def test_bad_session_input_is_a_422_problem_and_books_nothing(as_a, room, at, extra):
    before = snapshot()

    problem_of(as_a.post("/bookings", body(room, at, **extra)), 422)

    assert snapshot() == before


def test_patching_the_session_changes_patients_and_price_only(
    as_a, room, at, book, pro_a, patients_of_a
):
    booking = book(room, pro_a, at("09:00"), at("10:00"), patients=[patients_of_a[0].pk])

    response = as_a.patch(
        f"/bookings/{booking.pk}/session",
        {"patients": [patients_of_a[1].pk, patients_of_a[2].pk], "session_price": "75"},
    )

    assert response.status_code == 200, response.content
    out = response.json()
    assert out["patients"] == sorted([patients_of_a[1].pk, patients_of_a[2].pk])
    assert out["session_price"] == "75.00"
    assert out["room"]["id"] == room.pk
    assert out["session_type"] == "on_site"


def test_another_professional_cannot_patch_a_session_and_nothing_changes(
    as_b, room, at, book, pro_a, patients_of_a
):
    booking = book(room, pro_a, at("09:00"), at("10:00"), patients=[patients_of_a[0].pk])

    problem_of(as_b.patch(f"/bookings/{booking.pk}/session", {"session_price": "1"}), 404)

    booking.refresh_from_db()
    assert booking.session_price is None
    assert list(booking.patients.values_list("pk", flat=True)) == [patients_of_a[0].pk]
