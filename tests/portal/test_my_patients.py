"""My patients on the portal, as a professional in Lima uses it on her phone: the list of her
care team with search, a patient's page, add and edit, the discreet choice, and a session
booked from the slot sheet with a recent patient in three requests (find, slot, book),
on-site or online, in PEN or USD.

Health data: she reads only her own patients (another's answers 404, as an unknown id
does, and changes nothing), and every patient a page shows is recorded as a read."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.calendar_patients import names_by_booking
from patients.models import CareLink, Patient, PatientChange, PatientRead, ReadKind
from scheduling.models import Booking, SessionType, Source
from tests.conftest import snapshot
from tests.factories import LocationFactory, PatientFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lima(db):
    return LocationFactory(
        name="Integra Lima", tz="America/Lima", currency="PEN", other_currencies=["USD"]
    )


@pytest.fixture
def consultorio(lima):
    return RoomFactory(location=lima, name="Consultorio 2")


@pytest.fixture
def lima_at(lima):
    """at("09:00") → a week ahead in Lima, 09:00 local."""
    day = timezone.now().astimezone(lima.zone).date() + timedelta(days=7)

    def make(clock: str, days: int = 0) -> datetime:
        hours, minutes = (int(part) for part in clock.split(":"))
        return datetime.combine(day + timedelta(days=days), time(hours, minutes), tzinfo=lima.zone)

    return make


@pytest.fixture
def mine(pro_a):
    """Ana's patients: Marina (adult) and Tomás (a minor)."""
    marina = PatientFactory(
        first_name="Marina",
        last_name="Quispe",
        phone="+51912345678",
        document_type="",
        document_number="",
    )
    tomas = PatientFactory(
        first_name="Tomás",
        last_name="Huamán",
        birth_date=timezone.localdate() - timedelta(days=365 * 9),
    )
    for patient in (marina, tomas):
        CareLink.objects.create(patient=patient, professional=pro_a)
    return {"marina": marina, "tomas": tomas}


@pytest.fixture
def brunos(pro_b):
    """Bruno's patient: nothing of her may reach Ana."""
    zuleika = PatientFactory(first_name="Zuleika", last_name="Bettencourt", phone="+51987654321")
    CareLink.objects.create(patient=zuleika, professional=pro_b)
    return zuleika


def reads(kind=None, **filters):
    rows = PatientRead.objects.filter(**filters)
    return rows.filter(kind=kind) if kind else rows


def test_my_patients_lists_only_my_care_team_and_records_each_read(as_a, pro_a, mine, brunos):
    response = as_a.get(reverse("portal:patients"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Marina Quispe" in html and "Tomás Huamán" in html and "minor" in html
    assert "Zuleika" not in html and "Bettencourt" not in html
    listed = reads(ReadKind.LIST, by=pro_a.user, source=Source.PORTAL)
    assert sorted(listed.values_list("patient_id", flat=True)) == sorted(
        [mine["marina"].pk, mine["tomas"].pk]
    )
    assert not reads(patient=brunos).exists()


def test_the_search_narrows_by_name_or_phone_as_one_types(as_a, pro_a, mine, brunos):
    rows = as_a.get(
        reverse("portal:patients"), {"q": "quis", "part": "rows"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Marina Quispe" in rows and "Tomás" not in rows and '<nav class="bottom-nav"' not in rows
    by_phone = as_a.get(reverse("portal:patients"), {"q": "912345678"}).content.decode()
    assert "Marina Quispe" in by_phone
    # Bruno's patient matches "987654321" and "Zuleika": she is not Ana's, so nothing.
    for text in ("Zuleika", "987654321"):
        html = as_a.get(reverse("portal:patients"), {"q": text}).content.decode()
        assert "Bettencourt" not in html and "None of your patients matches" in html
    searched = reads(ReadKind.SEARCH, by=pro_a.user)
    assert set(searched.values_list("patient_id", flat=True)) == {mine["marina"].pk}


def test_another_professionals_patient_answers_404_on_every_door_and_changes_nothing(as_a, brunos):
    before = snapshot(), PatientChange.objects.count(), list(CareLink.objects.values())
    doors = [
        ("get", reverse("portal:patient", args=[brunos.pk]), {}),
        ("get", reverse("portal:patient-edit", args=[brunos.pk]), {}),
        ("post", reverse("portal:patient-edit", args=[brunos.pk]), {"first_name": "X"}),
        ("post", reverse("portal:patient-discreet", args=[brunos.pk]), {"discreet": "1"}),
        ("get", reverse("portal:patient", args=[999999]), {}),
    ]
    for method, url, data in doors:
        response = getattr(as_a, method)(url, data)
        assert response.status_code == 404, url
        assert "Bettencourt" not in response.content.decode()
    assert (snapshot(), PatientChange.objects.count(), list(CareLink.objects.values())) == before
    assert not PatientRead.objects.exists()


def test_a_patient_page_shows_details_responsible_adults_and_only_my_sessions(
    as_a, pro_a, pro_b, mine, book, consultorio, lima_at
):
    from patients.services import link_guardian

    mother = PatientFactory(first_name="Rosa", last_name="Huamán", phone="+51911122233")
    link_guardian(mine["tomas"], mother, kind="parent", by=None, source=Source.BACKOFFICE)
    CareLink.objects.create(patient=mine["tomas"], professional=pro_b)
    book(consultorio, pro_a, lima_at("09:00"), lima_at("10:00"), patients=[mine["tomas"].pk])
    theirs = book(
        consultorio, pro_b, lima_at("11:00"), lima_at("12:00"), patients=[mine["tomas"].pk]
    )
    html = as_a.get(reverse("portal:patient", args=[mine["tomas"].pk])).content.decode()
    assert "Tomás Huamán" in html and "Rosa Huamán" in html and "Parent" in html
    assert "09:00–10:00" in html  # Lima's 09:00, not UTC's 14:00
    assert "14:00" not in html
    # Bruno's session with the same boy is his: neither its time nor a link to it.
    assert "11:00–12:00" not in html and f"/portal/bookings/{theirs.pk}/" not in html
    assert reads(ReadKind.RECORD, patient=mine["tomas"], by=pro_a.user).count() == 1
    assert reads(ReadKind.LIST, patient=mother, by=pro_a.user).count() == 1


def test_a_new_patient_joins_my_care_team_and_a_wrong_document_loses_nothing(as_a, pro_a):
    bad = as_a.post(
        reverse("portal:patient-new"),
        {
            "first_name": "Lucía",
            "last_name": "Rojas",
            "document_type": "dni",
            "document_number": "1234",
        },
    )
    assert bad.status_code == 422
    assert "DNI" in bad.content.decode() and not Patient.objects.exists()
    good = as_a.post(
        reverse("portal:patient-new"),
        {
            "first_name": "Lucía",
            "last_name": "Rojas",
            "phone_region": "PE",
            "phone": "912 345 670",
            "language": "es",
            "consent_whatsapp": "on",
            "active": "on",
        },
    )
    patient = Patient.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse(
        "portal:patient", args=[patient.pk]
    )
    assert str(patient.phone) == "+51912345670"
    assert CareLink.objects.filter(patient=patient, professional=pro_a).exists()
    assert set(PatientChange.objects.values_list("action", flat=True)) == {
        "created",
        "care_team_added",
    }
    assert PatientChange.objects.filter(by=pro_a.user, source=Source.PORTAL).count() == 2


def test_editing_a_patient_goes_through_the_service(as_a, pro_a, mine):
    marina = mine["marina"]
    url = reverse("portal:patient-edit", args=[marina.pk])
    form = as_a.get(url).content.decode()
    assert 'value="Marina"' in form
    response = as_a.post(
        url,
        {
            "first_name": "Marina",
            "last_name": "Quispe Rojas",
            "phone_region": "PE",
            "phone": "+51 912 345 678",
            "active": "on",
        },
    )
    assert response.status_code == 302
    marina.refresh_from_db()
    assert marina.last_name == "Quispe Rojas"
    change = PatientChange.objects.get(action="changed")
    assert "last_name" in change.fields and change.by == pro_a.user


def test_discreet_makes_reception_read_first_name_and_initial(
    as_a, pro_a, mine, book, consultorio, lima_at
):
    marina = mine["marina"]
    booking = book(consultorio, pro_a, lima_at("09:00"), lima_at("10:00"), patients=[marina.pk])
    assert names_by_booking([booking.pk])[booking.pk] == [(marina.pk, "Marina Quispe")]
    response = as_a.post(reverse("portal:patient-discreet", args=[marina.pk]), {"discreet": "1"})
    assert response.status_code == 302
    assert CareLink.objects.get(patient=marina, professional=pro_a).discreet
    assert names_by_booking([booking.pk])[booking.pk] == [(marina.pk, marina.short_name)]
    assert marina.short_name == "Marina Q."
    page = as_a.get(reverse("portal:patient", args=[marina.pk])).content.decode()
    assert "Reception sees only “Marina Q.”" in page
    as_a.post(reverse("portal:patient-discreet", args=[marina.pk]), {"discreet": "0"})
    assert names_by_booking([booking.pk])[booking.pk] == [(marina.pk, "Marina Quispe")]
    nonsense = as_a.post(reverse("portal:patient-discreet", args=[marina.pk]), {"discreet": "x"})
    assert nonsense.status_code == 302
    assert not CareLink.objects.get(patient=marina, professional=pro_a).discreet


def sheet(client, location, starts_at, **extra):
    return client.get(
        reverse("portal:slot"),
        {"location": location.pk, "starts_at": starts_at.isoformat(), "minutes": 60, **extra},
    ).content.decode()


def test_three_requests_book_a_session_with_a_recent_patient_without_typing(
    as_a, pro_a, mine, brunos, book, consultorio, lima, lima_at
):
    pro_a.default_session_price = Decimal("150.00")
    pro_a.save()
    marina = mine["marina"]
    book(
        consultorio,
        pro_a,
        lima_at("09:00", days=-14),
        lima_at("10:00", days=-14),
        patients=[marina.pk],
        allow_past=True,
    )
    # 1: the list of free times.
    found = as_a.get(
        reverse("portal:find"), {"location": lima.pk, "day": lima_at("09:00").date().isoformat()}
    )
    assert found.status_code == 200
    # 2: the slot tapped: Marina offered without typing, the price and PEN/USD.
    html = sheet(as_a, lima, lima_at("09:00"))
    assert f'name="patients" value="{marina.pk}"' in html and "Marina Quispe" in html
    assert "Zuleika" not in html
    assert 'value="150.00"' in html and '<option value="USD"' in html
    # 3: book, with Marina ticked.
    response = as_a.post(
        reverse("portal:book"),
        {
            "room": consultorio.pk,
            "starts_at": lima_at("09:00").isoformat(),
            "minutes": 60,
            "patients": [marina.pk],
            "session_price": "150.00",
            "session_currency": "PEN",
        },
    )
    booking = Booking.objects.get(starts_at=lima_at("09:00"))
    assert response.status_code == 302
    assert list(booking.patients.all()) == [marina]
    assert booking.session_type == SessionType.ON_SITE
    assert (booking.session_price, booking.session_currency) == (Decimal("150.00"), "PEN")
    assert booking.changes.get().source == Source.PORTAL
    detail = as_a.get(response["Location"]).content.decode()
    facts = detail[detail.index('class="session-facts"') :]
    assert "Marina Quispe" in facts and "150.00" in facts and "Room rent" in facts


def test_an_online_session_in_usd_claims_no_room_and_keeps_its_video_link(
    as_a, pro_a, mine, book, consultorio, lima, lima_at, pro_b
):
    marina = mine["marina"]
    html = sheet(as_a, lima, lima_at("10:00"))
    assert 'value="online"' in html
    response = as_a.post(
        reverse("portal:book"),
        {
            "room": "online",
            "location": lima.pk,
            "starts_at": lima_at("10:00").isoformat(),
            "minutes": 60,
            "patients": [marina.pk],
            "session_price": "40",
            "session_currency": "USD",
            "video_link": "https://meet.example.test/marina",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.room.is_virtual and booking.session_type == SessionType.VIRTUAL
    assert booking.price == Decimal("0.00")
    assert (booking.session_price, booking.session_currency) == (Decimal("40.00"), "USD")
    assert booking.video_link == "https://meet.example.test/marina"
    # The room itself stays free for Bruno at that hour.
    book(consultorio, pro_b, lima_at("10:00"), lima_at("11:00"))
    detail = as_a.get(response["Location"]).content.decode()
    assert "Join the video call" in detail and "Online" in detail


@pytest.mark.parametrize(
    ("extra", "sentence"),
    [
        ({"video_link": "http://meet.example.test/x", "room": "online"}, "https://"),
        ({"session_currency": "EUR"}, "priced in PEN, USD"),
        ({"session_price": "abc"}, "Session price"),
        ({"session_price": "12.345"}, "at most 2 decimal places"),
    ],
)
def test_a_refused_session_says_why_and_books_nothing(
    as_a, mine, consultorio, lima, lima_at, extra, sentence
):
    data = {
        "room": consultorio.pk,
        "location": lima.pk,
        "starts_at": lima_at("09:00").isoformat(),
        "minutes": 60,
        "patients": [mine["marina"].pk],
        **extra,
    }
    before = snapshot()
    response = as_a.post(reverse("portal:book"), data)
    assert response.status_code == 422
    assert sentence in response.content.decode()
    assert snapshot() == before


def test_another_professionals_patient_cannot_be_put_on_my_session(
    as_a, mine, brunos, consultorio, lima_at
):
    before = snapshot()
    response = as_a.post(
        reverse("portal:book"),
        {
            "room": consultorio.pk,
            "starts_at": lima_at("09:00").isoformat(),
            "minutes": 60,
            "patients": [brunos.pk],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f"There is no patient {brunos.pk}, or they are not yours." in html
    assert "Bettencourt" not in html
    assert snapshot() == before


def test_the_patient_picker_offers_recent_ones_and_two_letters_find_only_mine(
    as_a, pro_a, mine, brunos, book, consultorio, lima_at
):
    book(consultorio, pro_a, lima_at("09:00"), lima_at("10:00"), patients=[mine["tomas"].pk])
    url = reverse("portal:patient-choices")
    recent = as_a.get(url).content.decode()
    assert "Tomás Huamán" in recent and "Marina" not in recent
    typed = as_a.get(url, {"q": "ma"}).content.decode()  # Marina, and Huamán by "ma"
    assert "Marina Quispe" in typed and "Zuleika" not in typed
    assert "Bettencourt" not in as_a.get(url, {"q": "zu"}).content.decode()
    chosen = as_a.get(url, {"q": "ma", "chosen": mine["marina"].pk}).content.decode()
    assert "Marina" not in chosen  # already ticked above
    assert reads(ReadKind.SEARCH, patient=mine["marina"], by=pro_a.user).exists()
    assert not reads(patient=brunos).exists()


def test_a_patients_book_a_session_link_carries_them_into_the_sheet(
    as_a, mine, brunos, consultorio, lima, lima_at
):
    marina = mine["marina"]
    found = as_a.get(
        reverse("portal:find"), {"patient": marina.pk, "location": lima.pk}
    ).content.decode()
    assert f'data-for-patient="{marina.pk}"' in found and "A session with Marina Quispe" in found
    html = sheet(as_a, lima, lima_at("09:00"), patient=marina.pk)
    assert f'name="patients" value="{marina.pk}" checked' in html
    # Someone else's id is dropped, not shown.
    assert "Zuleika" not in sheet(as_a, lima, lima_at("09:00"), patient=brunos.pk)
    assert (
        "data-for-patient"
        not in as_a.get(reverse("portal:find"), {"patient": brunos.pk}).content.decode()
    )


def test_the_session_page_changes_patients_and_price_through_the_booking_service(
    as_a, pro_a, mine, brunos, book, consultorio, lima_at
):
    booking = book(
        consultorio, pro_a, lima_at("09:00"), lima_at("10:00"), patients=[mine["marina"].pk]
    )
    url = reverse("portal:booking-session", args=[booking.pk])
    page = as_a.get(url).content.decode()
    assert f'value="{mine["marina"].pk}" checked' in page
    response = as_a.post(
        url,
        {
            "patients": [mine["marina"].pk, mine["tomas"].pk],
            "session_price": "120",
            "session_currency": "PEN",
        },
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert set(booking.patients.values_list("pk", flat=True)) == {
        mine["marina"].pk,
        mine["tomas"].pk,
    }
    assert booking.session_price == Decimal("120.00")
    change = booking.changes.get(action="session_changed")
    assert change.source == Source.PORTAL and change.by == pro_a.user
    before = snapshot()
    refused = as_a.post(url, {"patients": [brunos.pk]})
    assert refused.status_code == 422 and "not yours" in refused.content.decode()
    assert snapshot() == before


def test_my_bookings_show_who_each_session_is_for(as_a, pro_a, mine, book, consultorio, lima_at):
    book(consultorio, pro_a, lima_at("09:00"), lima_at("10:00"), patients=[mine["marina"].pk])
    html = as_a.get(reverse("portal:home")).content.decode()
    assert "Marina Quispe" in html
    assert reads(ReadKind.LIST, patient=mine["marina"], by=pro_a.user, path="/portal/").exists()


def test_bruno_sees_none_of_anas_patients_on_his_pages(
    as_b, pro_a, mine, book, consultorio, lima_at, lima
):
    booking = book(
        consultorio, pro_a, lima_at("09:00"), lima_at("10:00"), patients=[mine["marina"].pk]
    )
    pages = [
        reverse("portal:home"),
        reverse("portal:patients"),
        reverse("portal:patients") + "?q=Marina",
        reverse("portal:patient-choices") + "?q=Ma",
        reverse("portal:patient-choices"),
        reverse("portal:find") + f"?location={lima.pk}",
    ]
    for url in pages:
        html = as_b.get(url).content.decode()
        html = html.replace('value="Marina"', "").replace("“Marina”", "")  # his own query
        assert "Marina" not in html and "Quispe" not in html, url
    assert as_b.get(reverse("portal:booking", args=[booking.pk])).status_code == 404
    assert as_b.get(reverse("portal:booking-session", args=[booking.pk])).status_code == 404
    assert not PatientRead.objects.filter(patient=mine["marina"]).exists()
