"""The session a booking holds: patients (one or a group), on-site or virtual, its price
and currency. A virtual session sits in its location's Online lane and claims only its
professional's slots, so a professional is never online and in a room at once."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest

from patients import services as patient_services
from patients.models import CareLink
from scheduling import services
from scheduling.errors import InvalidBooking, SlotTaken
from scheduling.models import BookingChange, SessionType, SlotClaim, Source

from ..conftest import assert_claims_mirror_bookings, assert_no_double_booking, snapshot
from ..factories import LocationFactory, PatientFactory, ProfessionalFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marina(pro_a):
    patient = PatientFactory(first_name="Marina", last_name="Souza")
    CareLink.objects.create(patient=patient, professional=pro_a)
    return patient


def test_a_virtual_session_claims_only_the_professional_and_pays_no_rent(
    book, room, pro_a, at, marina
):
    booking = book(
        room,
        pro_a,
        at("09:00"),
        at("10:00"),
        session_type=SessionType.VIRTUAL,
        patients=[marina.pk],
        video_link="https://meet.example.test/abc",
    )
    assert booking.room.is_virtual and booking.room.location_id == room.location_id
    assert booking.price == Decimal("0.00")
    assert not SlotClaim.objects.filter(booking=booking, room__isnull=False).exists()
    assert SlotClaim.objects.filter(booking=booking, professional=pro_a).count() == 4
    assert list(booking.patients.all()) == [marina]
    # The room stays free for someone else at the same time.
    other = book(room, ProfessionalFactory(), at("09:00"), at("10:00"))
    assert other.room_id == room.pk
    assert_claims_mirror_bookings()
    assert_no_double_booking()


def test_a_virtual_session_is_refused_while_the_professional_is_in_a_room(book, room, pro_a, at):
    book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()
    with pytest.raises(SlotTaken) as refusal:
        book(room, pro_a, at("09:30"), at("10:30"), session_type=SessionType.VIRTUAL)
    assert "Ana Alves already has a booking" in refusal.value.message
    assert snapshot() == before


def test_a_room_is_refused_while_the_professional_is_online(book, room, pro_a, at):
    book(room, pro_a, at("09:00"), at("10:00"), session_type=SessionType.VIRTUAL)
    before = snapshot()
    with pytest.raises(SlotTaken):
        book(room, pro_a, at("09:45"), at("10:45"))
    assert snapshot() == before


def test_two_professionals_can_be_online_at_the_same_time_in_one_location(
    book, room, pro_a, pro_b, at
):
    first = book(room, pro_a, at("09:00"), at("10:00"), session_type=SessionType.VIRTUAL)
    second = book(room, pro_b, at("09:00"), at("10:00"), session_type=SessionType.VIRTUAL)
    assert first.room_id == second.room_id
    assert_no_double_booking()


def test_a_group_session_holds_several_patients(book, room, pro_a, at, staff):
    group = [PatientFactory() for _ in range(5)]
    booking = book(room, pro_a, at("18:00"), at("19:30"), patients=[p.pk for p in group])
    assert sorted(booking.patients.values_list("pk", flat=True)) == sorted(p.pk for p in group)
    # Booked by reception, they join the professional's care team.
    assert CareLink.objects.filter(professional=pro_a).count() == 5
    assert BookingChange.objects.get(booking=booking).diff["patients"][1] == [p.pk for p in group]


def test_a_professional_cannot_attach_another_professionals_patient(room, pro_a, pro_b, at):
    theirs = PatientFactory()
    CareLink.objects.create(patient=theirs, professional=pro_b)
    before = snapshot()
    with pytest.raises(InvalidBooking) as refusal:
        services.book(
            room=room,
            professional=pro_a,
            starts_at=at("09:00"),
            ends_at=at("10:00"),
            by=pro_a.user,
            source=Source.PORTAL,
            patients=[theirs.pk],
        )
    assert refusal.value.code == "patient_not_found"
    assert f"no patient {theirs.pk}" in str(refusal.value)
    assert snapshot() == before
    assert not CareLink.objects.filter(professional=pro_a).exists()


def test_the_session_price_defaults_to_the_professionals_and_the_locations_currency(
    book, pro_a, at
):
    lima = LocationFactory(name="Lima Miraflores", tz="America/Lima", currency="PEN")
    lima.other_currencies = ["USD"]
    lima.save()
    sala = RoomFactory(location=lima, name="Sala Inca")
    pro_a.default_session_price = Decimal("150")
    pro_a.save()
    day = at("09:00").date()
    start = datetime.combine(day, time(9), tzinfo=lima.zone)
    first = book(sala, pro_a, start, start + timedelta(hours=1))
    assert (first.session_price, first.session_currency) == (Decimal("150.00"), "PEN")
    second = book(
        sala,
        pro_a,
        start + timedelta(hours=2),
        start + timedelta(hours=3),
        session_price="45.50",
        session_currency="USD",
    )
    assert (second.session_price, second.session_currency) == (Decimal("45.50"), "USD")
    with pytest.raises(InvalidBooking, match="priced in PEN, USD"):
        book(
            sala,
            pro_a,
            start + timedelta(hours=4),
            start + timedelta(hours=5),
            session_currency="EUR",
        )
    with pytest.raises(InvalidBooking, match="at most 2 decimal"):
        book(
            sala,
            pro_a,
            start + timedelta(hours=4),
            start + timedelta(hours=5),
            session_price="10.005",
        )


def test_a_video_link_must_be_https_and_only_for_a_virtual_session(book, room, pro_a, at):
    before = snapshot()
    with pytest.raises(InvalidBooking, match="https"):
        book(
            room,
            pro_a,
            at("09:00"),
            at("10:00"),
            session_type="virtual",
            video_link="javascript:alert(1)",
        )
    with pytest.raises(InvalidBooking, match="Only a virtual"):
        book(room, pro_a, at("09:00"), at("10:00"), video_link="https://meet.example.test/x")
    with pytest.raises(InvalidBooking, match="on-site or virtual"):
        book(room, pro_a, at("09:00"), at("10:00"), session_type="hologram")
    assert snapshot() == before


def test_moving_a_session_onto_the_online_lane_makes_it_virtual_and_back(book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    online = services.online_room(room.location)
    services.move(booking, room=online, by=booking.created_by, source=Source.BACKOFFICE)
    booking.refresh_from_db()
    assert booking.session_type == SessionType.VIRTUAL and booking.price == Decimal("0.00")
    assert_claims_mirror_bookings()
    services.move(booking, room=room, by=booking.created_by, source=Source.BACKOFFICE)
    booking.refresh_from_db()
    assert booking.session_type == SessionType.ON_SITE and booking.price > 0
    assert_claims_mirror_bookings()


def test_the_online_lane_takes_no_on_site_booking(book, room, pro_a, at):
    online = services.online_room(room.location)
    with pytest.raises(InvalidBooking, match="for virtual sessions"):
        book(online, pro_a, at("09:00"), at("10:00"))


def test_set_session_changes_patients_and_price_and_records_it(book, room, pro_a, at, staff):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    marina, joao = PatientFactory(), PatientFactory()
    services.set_session(
        booking, patients=[marina.pk, joao.pk], price="80", by=staff, source=Source.API
    )
    booking.refresh_from_db()
    assert booking.session_price == Decimal("80.00")
    assert booking.patients.count() == 2
    change = BookingChange.objects.filter(booking=booking, action="session_changed").get()
    assert set(change.diff) == {"patients", "session_price", "session_currency"}


def test_an_erased_patient_cannot_be_booked(book, room, pro_a, at, staff, marina):
    patient_services.erase(marina, by=staff, source=Source.BACKOFFICE)
    with pytest.raises(InvalidBooking, match="no patient"):
        book(room, pro_a, at("09:00"), at("10:00"), patients=[marina.pk])


def test_book_again_carries_the_session_its_patients_price_and_type(book, room, pro_a, at, marina):
    from scheduling.services.rebooking import rebook

    erased = PatientFactory(first_name="Gone")
    CareLink.objects.create(patient=erased, professional=pro_a)
    original = book(
        room,
        pro_a,
        at("09:00"),
        at("10:00"),
        patients=[marina.pk, erased.pk],
        session_price="120.00",
    )
    patient_services.erase(erased, by=None, source=Source.SYSTEM)
    again = rebook(original, by=pro_a.user, source=Source.PORTAL).booking
    assert again.starts_at == original.starts_at + timedelta(days=7)
    assert list(again.patients.all()) == [marina]  # never the erased one
    assert (again.session_type, again.session_price) == (SessionType.ON_SITE, Decimal("120.00"))
    online = book(
        room,
        pro_a,
        at("11:00"),
        at("12:00"),
        session_type=SessionType.VIRTUAL,
        patients=[marina.pk],
        video_link="https://meet.example.test/m",
    )
    twice = rebook(online, by=pro_a.user, source=Source.PORTAL).booking
    assert twice.room.is_virtual and twice.session_type == SessionType.VIRTUAL
    assert twice.video_link == "https://meet.example.test/m"
    assert list(twice.patients.all()) == [marina]
    assert_claims_mirror_bookings()
    assert_no_double_booking()
