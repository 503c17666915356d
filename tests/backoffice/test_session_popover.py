"""The calendar's new-session popover: the patient picker (recent patients without typing,
a search after two letters), on-site or virtual sessions with a price, and the names the
cards show (in full, or first name and initial where the professional keeps a patient
discreet) on the grid and on the live stream, every name shown recorded as a read."""

import uuid
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from integra.asgi import application
from patients.models import CareLink, PatientRead, ReadKind
from patients.services import records
from scheduling import services
from scheduling.models import Booking, Room, SessionType, Source
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

CHOICES = "calendar:patient-choices"


def as_staff(staff):
    return {"by": staff, "source": Source.BACKOFFICE}


@pytest.fixture
def marina(staff, pro_a):
    patient = PatientFactory(first_name="Marina", last_name="Souza", document_number="123")
    records.add_to_care_team(patient, pro_a, **as_staff(staff))
    return patient


@pytest.fixture
def mario(staff, pro_b):
    patient = PatientFactory(first_name="Mario", last_name="Marques")
    records.add_to_care_team(patient, pro_b, **as_staff(staff))
    return patient


def test_two_typed_letters_find_patients_the_professionals_own_first(desk, pro_a, marina, mario):
    answer = desk.get(reverse(CHOICES), {"q": "ma", "professional": pro_a.pk}).json()
    assert [row["id"] for row in answer["results"]] == [marina.pk, mario.pk]
    assert answer["results"][0]["own"] is True and answer["results"][1]["own"] is False
    assert answer["recent"] is False
    reads = PatientRead.objects.filter(kind=ReadKind.SEARCH)
    assert sorted(reads.values_list("patient_id", flat=True)) == sorted([marina.pk, mario.pk])


def test_one_letter_searches_nothing(desk, pro_a, marina):
    answer = desk.get(reverse(CHOICES), {"q": "m"}).json()
    assert answer["results"] == []
    assert not PatientRead.objects.exists()


def test_without_typing_the_professionals_recent_patients_are_offered(
    desk, staff, pro_a, room, at, book, marina, mario
):
    older = PatientFactory(first_name="Olga")
    book(room, pro_a, at("08:00"), at("09:00"), patients=[older.pk])
    book(room, pro_a, at("10:00"), at("11:00"), patients=[marina.pk])
    answer = desk.get(reverse(CHOICES), {"professional": pro_a.pk}).json()
    assert answer["recent"] is True
    # Most recent session first; another professional's patient is not among them.
    assert [row["id"] for row in answer["results"]] == [marina.pk, older.pk]
    assert PatientRead.objects.filter(kind=ReadKind.LIST).count() == 2


def test_a_professional_may_not_use_the_picker(client, pro_a, marina):
    client.force_login(pro_a.user)
    assert client.get(reverse(CHOICES), {"q": "ma"}).status_code == 403
    assert not PatientRead.objects.exists()


def test_booking_from_the_calendar_carries_patient_price_and_currency(
    desk, room, pro_a, at, marina
):
    pro_a.default_session_price = Decimal("60.00")
    pro_a.save(update_fields=["default_session_price"])
    response = desk.post(
        reverse("calendar:booking-create"),
        {
            "room": room.pk,
            "professional": pro_a.pk,
            "starts_at": at("09:00").isoformat(),
            "ends_at": at("10:00").isoformat(),
            "patients": str(marina.pk),
        },
    )
    assert response.status_code == 201
    booking = Booking.objects.get()
    assert list(booking.patients.all()) == [marina]
    assert booking.session_price == Decimal("60.00") and booking.session_currency == "EUR"
    assert "Marina Souza" in response.json()["html"]


def test_a_virtual_session_from_the_calendar_goes_to_the_online_lane(desk, room, pro_a, at, marina):
    response = desk.post(
        reverse("calendar:booking-create"),
        {
            "room": room.pk,
            "professional": pro_a.pk,
            "starts_at": at("09:00").isoformat(),
            "ends_at": at("10:00").isoformat(),
            "patients": str(marina.pk),
            "session_type": SessionType.VIRTUAL,
            "session_price": "45",
            "video_link": "https://meet.example.test/abc",
        },
    )
    assert response.status_code == 201
    booking = Booking.objects.get()
    assert booking.session_type == SessionType.VIRTUAL
    assert booking.room.is_virtual and booking.room.location == room.location
    assert booking.session_price == Decimal("45.00")
    assert booking.video_link == "https://meet.example.test/abc"
    assert 'data-session="virtual"' in response.json()["html"]
    # The room the cell was in stays free for someone else at that time.
    page = desk.get(reverse("calendar:calendar") + f"?date={at('09:00').date()}")
    assert f'id="col-{booking.room_id}"' in page.content.decode()


def test_a_refused_session_price_books_nothing(desk, room, pro_a, at, marina):
    response = desk.post(
        reverse("calendar:booking-create"),
        {
            "room": room.pk,
            "professional": pro_a.pk,
            "starts_at": at("09:00").isoformat(),
            "ends_at": at("10:00").isoformat(),
            "patients": str(marina.pk),
            "session_price": "abc",
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_price"
    assert not Booking.objects.exists()


def test_the_calendar_does_not_make_the_online_lane_by_looking(desk, location, room, day):
    desk.get(reverse("calendar:calendar") + f"?date={day}")
    assert not Room.objects.filter(is_virtual=True).exists()


def test_the_card_shows_first_name_and_initial_when_the_professional_is_discreet(
    desk, staff, pro_a, room, at, book, marina, day
):
    book(room, pro_a, at("09:00"), at("10:00"), patients=[marina.pk])
    url = reverse("calendar:calendar") + f"?date={day}&loc={room.location_id}"
    assert "Marina Souza" in desk.get(url).content.decode()
    records.set_discreet(marina, pro_a, True, **as_staff(staff))
    page = desk.get(url).content.decode()
    assert "Marina S." in page and "Souza" not in page


def test_every_name_on_the_grid_is_recorded_once_per_render(
    desk, staff, pro_a, pro_b, room, other_room, at, book, marina, mario, day
):
    book(room, pro_a, at("09:00"), at("10:00"), patients=[marina.pk])
    book(other_room, pro_b, at("09:00"), at("10:00"), patients=[mario.pk, marina.pk])
    PatientRead.objects.all().delete()
    desk.get(reverse("calendar:calendar") + f"?date={day}&loc={room.location_id}")
    reads = PatientRead.objects.filter(kind=ReadKind.CALENDAR, by=staff)
    assert sorted(reads.values_list("patient_id", flat=True)) == sorted([marina.pk, mario.pk])


def test_staff_change_a_bookings_patients_and_price_from_its_menu(
    desk, staff, pro_a, room, at, book, marina, mario
):
    booking = book(room, pro_a, at("09:00"), at("10:00"), patients=[marina.pk])
    url = reverse("calendar:booking-session", args=[booking.pk])
    response = desk.post(url, {"patients": f"{mario.pk}", "session_price": "70"})
    assert response.status_code == 200
    booking.refresh_from_db()
    assert list(booking.patients.all()) == [mario]
    assert booking.session_price == Decimal("70.00")
    # Staff's choice joins the professional's care team.
    assert CareLink.objects.filter(patient=mario, professional=pro_a).exists()
    details = desk.get(reverse("calendar:booking-session-details", args=[booking.pk])).json()
    assert [p["id"] for p in details["patients"]] == [mario.pk]
    assert details["currencies"] == ["EUR"]


def test_a_session_change_on_a_cancelled_booking_is_refused_and_changes_nothing(
    desk, staff, pro_a, room, at, book, marina, mario
):
    booking = book(room, pro_a, at("09:00"), at("10:00"), patients=[marina.pk])
    services.cancel(booking, **as_staff(staff))
    url = reverse("calendar:booking-session", args=[booking.pk])
    assert desk.post(url, {"patients": f"{mario.pk}"}).status_code == 409
    assert list(booking.patients.all()) == [marina]


@pytest.fixture
def fresh_layer(settings):
    if settings.REDIS_URL:
        layer = dict(settings.CHANNEL_LAYERS["default"])
        layer["CONFIG"] = {**layer["CONFIG"], "prefix": f"test-{uuid.uuid4().hex[:8]}"}
        settings.CHANNEL_LAYERS = {"default": layer}
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.mark.django_db(transaction=True)
def test_the_live_stream_shows_the_discreet_name_as_the_grid_does(
    fresh_layer, staff, pro_a, room, location, at, day, marina
):
    records.set_discreet(marina, pro_a, True, **as_staff(staff))
    client = Client()
    client.force_login(staff)
    cookie = f"sessionid={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            "/ws/calendar/",
            headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)],
        )
        connected, _ = await communicator.connect()
        assert connected
        await communicator.send_json_to(
            {
                "type": "subscribe",
                "locations": [location.pk],
                "first_day": str(day),
                "last_day": str(day),
            }
        )
        assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
        await book_async()
        update = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return update

    from channels.db import database_sync_to_async

    @database_sync_to_async
    def book_async():
        services.book(
            room=room,
            professional=pro_a,
            starts_at=at("09:00"),
            ends_at=at("10:00"),
            patients=[marina.pk],
            **as_staff(staff),
        )

    update = async_to_sync(scenario)()
    assert update["type"] == "booking"
    assert "Marina S." in update["html"] and "Souza" not in update["html"]
