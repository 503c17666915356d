"""Staff patient pages: the list (search, filters, pages) and its new-patients CSV, a
patient's page, create and edit, guardians and care team, a manager's exports, erasure
and "who read what". Every page that shows patients leaves one PatientRead per patient
shown; a professional reaches none of these pages."""

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import languages
from accounts.audit import Source
from patients import services as patients
from patients.models import CareLink, Patient, PatientChange, PatientRead, Relationship
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

BY = {"source": Source.BACKOFFICE}


def snapshot():
    return (
        sorted(Patient.objects.values_list()),
        sorted(Relationship.objects.values_list("minor_id", "guardian_id", "kind")),
        sorted(CareLink.objects.values_list("patient_id", "professional_id", "discreet")),
        PatientChange.objects.count(),
    )


@pytest.fixture
def boss(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def family(staff, pro_a):
    """Marina (a minor) with her mother Joana as guardian, in Ana's care team."""
    today = timezone.localdate()
    joana = patients.create_patient(
        {
            "first_name": "Joana",
            "last_name": "Souza",
            "document_type": "cpf",
            "document_number": "390.533.447-05",
            "phone": "(11) 98765-4321",
            "birth_date": date(1985, 4, 2),
            "joined_on": today - timedelta(days=40),
        },
        by=staff,
        region="BR",
        **BY,
    )
    marina = patients.create_patient(
        {
            "first_name": "Marina",
            "last_name": "Souza",
            "birth_date": date(today.year - 9, 1, 15),
            "joined_on": today - timedelta(days=3),
        },
        by=staff,
        **BY,
    )
    patients.link_guardian(marina, joana, kind="parent", by=staff, **BY)
    patients.add_to_care_team(marina, pro_a, by=staff, **BY)
    return {"joana": joana, "marina": marina}


def reads_of(path=None, **filters):
    rows = PatientRead.objects.filter(**filters)
    if path:
        rows = rows.filter(path=path)
    return sorted(rows.values_list("patient_id", "kind"))


# ---------------------------------------------------------------- the list


def test_the_list_finds_a_patient_by_name_document_or_phone(desk, family):
    joana = family["joana"]
    url = reverse("patients:list")
    for typed in ("joana", "390.533.447-05", "39053344705", "98765-4321", "+55 11 98765"):
        page = desk.get(url, {"q": typed}).content.decode()
        assert "Joana Souza" in page, typed
        assert "Marina Souza" not in page, typed
    rows = desk.get(url, {"q": "souza"}, headers={"HX-Request": "true"}).content.decode()
    assert "Joana Souza" in rows and "Marina Souza" in rows and "<html" not in rows
    assert reads_of(kind="search", patient=joana)  # searched, not listed


def test_the_list_shows_age_minor_badge_document_phone_care_team_and_joining(desk, family):
    page = desk.get(reverse("patients:list")).content.decode()
    assert "390.533.447-05" in page
    assert "+55 11 98765-4321" in page
    assert "Ana Alves" in page
    assert 'class="badge minor"' in page


def test_the_filters_narrow_by_joining_period_state_and_care_team(desk, staff, family, pro_a):
    today = timezone.localdate()
    old = PatientFactory(first_name="Olga", last_name="Old", joined_on=today - timedelta(days=400))
    gone = PatientFactory(first_name="Ivo", last_name="Inactive", active=False)
    url = reverse("patients:list")

    def names(**params):
        page = desk.get(url, params).content.decode()
        return {n for n in ("Joana", "Marina", "Olga", "Ivo") if f">{n} " in page}

    first = (today - timedelta(days=10)).isoformat()
    assert names(joined_from=first) == {"Marina", "Ivo"}
    assert names(joined_to=(today - timedelta(days=30)).isoformat()) == {"Joana", "Olga"}
    assert names(state="inactive") == {"Ivo"}
    assert names(state="active") == {"Joana", "Marina", "Olga"}
    assert names(professional=pro_a.pk) == {"Marina"}
    assert old.pk and gone.pk


def test_listing_records_one_read_per_patient_shown_and_only_those(desk, staff):
    shown = [PatientFactory(last_name=f"A{n:03d}") for n in range(55)]
    response = desk.get(reverse("patients:list"))
    assert response.status_code == 200
    first_page = sorted(p.pk for p in shown[:50])
    assert sorted(PatientRead.objects.values_list("patient_id", flat=True)) == first_page
    assert set(PatientRead.objects.values_list("kind", "by", "source")) == {
        ("list", staff.pk, "backoffice")
    }
    desk.get(reverse("patients:list"), {"page": 2})
    assert PatientRead.objects.count() == 55


def test_the_new_patients_csv_has_the_screens_rows_and_records_exports(boss, family, manager):
    today = timezone.localdate()
    PatientFactory(first_name="Olga", joined_on=today - timedelta(days=400))
    params = {"joined_from": (today - timedelta(days=60)).isoformat(), "q": "souza"}
    screen = boss.get(reverse("patients:list"), params).content.decode()
    response = boss.get(reverse("patients:export-new"), params)
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert [row[1] for row in rows[1:]] == ["Joana Souza", "Marina Souza"]
    for row in rows[1:]:
        assert f">{row[1]}</a>" in screen
    assert rows[1][6] == "390.533.447-05" and rows[2][4] == "yes"
    exports = reads_of(kind="export")
    assert exports == sorted([(family["joana"].pk, "export"), (family["marina"].pk, "export")])


def test_reception_may_not_download_the_new_patients_csv(desk, family):
    assert desk.get(reverse("patients:export-new")).status_code == 403
    assert not PatientRead.objects.filter(kind="export").exists()


# ---------------------------------------------------------------- the patient's page


def test_the_patient_page_shows_details_guardian_care_team_sessions_and_history(
    desk, family, pro_a, room, at, book, staff
):
    marina = family["marina"]
    booking = book(
        room,
        pro_a,
        at("09:00"),
        at("10:00"),
        patients=[marina.pk],
        session_price=Decimal("60"),
        session_currency="EUR",
    )
    page = desk.get(reverse("patients:detail", args=[marina.pk])).content.decode()
    assert "Joana Souza" in page and "Parent" in page
    assert "Ana Alves" in page
    assert "09:00–10:00" in page  # Lisbon time, whatever the server's zone
    assert "Sala 1" in page and "€60.00" in page
    assert "Responsible adult linked" in page and "Created" in page
    assert booking.pk


def test_an_online_session_shows_online_instead_of_a_room(desk, family, pro_a, room, at, book):
    marina = family["marina"]
    book(room, pro_a, at("11:00"), at("12:00"), patients=[marina.pk], session_type="virtual")
    page = desk.get(reverse("patients:detail", args=[marina.pk])).content.decode()
    assert 'class="badge online">Online<' in page


def test_opening_a_patient_records_a_read_of_them_and_of_the_guardian_named(desk, family):
    marina, joana = family["marina"], family["joana"]
    url = reverse("patients:detail", args=[marina.pk])
    desk.get(url)
    assert reads_of(path=url) == sorted([(marina.pk, "record"), (joana.pk, "list")])
    desk.get(url)
    assert PatientRead.objects.filter(path=url).count() == 4


def test_an_unknown_patient_is_a_404_and_records_nothing(desk):
    assert desk.get(reverse("patients:detail", args=[999999])).status_code == 404
    assert not PatientRead.objects.exists()


# ---------------------------------------------------------------- forms


def test_creating_a_patient_reads_the_phone_in_the_chosen_country(desk, staff):
    response = desk.post(
        reverse("patients:create"),
        {
            "first_name": "Lucía",
            "last_name": "Quispe",
            "document_type": "dni",
            "document_number": "10117410",
            "phone_region": "PE",
            "phone": "912 345 678",
            "active": "on",
        },
    )
    patient = Patient.objects.get(first_name="Lucía")
    assert response["Location"] == reverse("patients:detail", args=[patient.pk])
    assert str(patient.phone) == "+51912345678"
    assert patient.created_by == staff
    assert PatientChange.objects.filter(patient=patient, action="created").count() == 1


def test_the_phone_country_defaults_from_the_readers_language(desk):
    page = desk.get(reverse("patients:create"), headers={"Accept-Language": "pt-br"})
    assert '<option value="BR" selected>' in page.content.decode()


def test_a_wrong_document_is_refused_with_a_sentence_and_changes_nothing(desk, family):
    before = snapshot()
    response = desk.post(
        reverse("patients:create"),
        {"first_name": "Copy", "document_type": "cpf", "document_number": "390.533.447-06"},
    )
    assert response.status_code == 200
    assert "check digit is wrong" in response.content.decode()
    assert snapshot() == before


def test_editing_a_patient_changes_the_fields_and_records_which(desk, family):
    joana = family["joana"]
    response = desk.post(
        reverse("patients:edit", args=[joana.pk]),
        {
            "first_name": "Joana",
            "last_name": "Souza Lima",
            "document_type": "cpf",
            "document_number": "39053344705",
            "phone_region": "BR",
            "phone": "+55 11 98765-4321",
            "birth_date": "1985-04-02",
            "joined_on": joana.joined_on.isoformat(),
            "active": "on",
        },
    )
    assert response.status_code == 302
    joana.refresh_from_db()
    assert joana.last_name == "Souza Lima"
    assert PatientChange.objects.filter(patient=joana, action="changed").get().fields == [
        "last_name"
    ]


def test_a_refused_edit_changes_nothing(desk, family):
    before = snapshot()
    response = desk.post(
        reverse("patients:edit", args=[family["joana"].pk]),
        {"first_name": "Joana", "phone_region": "BR", "phone": "123", "active": "on"},
    )
    assert response.status_code == 200 and "not a valid number" in response.content.decode()
    assert snapshot() == before


def test_linking_and_unlinking_a_guardian(desk, staff, family):
    marina = family["marina"]
    father = PatientFactory(first_name="Pedro", last_name="Souza", birth_date=date(1980, 1, 1))
    choices = desk.get(reverse("patients:guardian-search", args=[marina.pk]), {"q": "pedro"})
    assert f'value="{father.pk}"' in choices.content.decode()
    desk.post(
        reverse("patients:guardian-add", args=[marina.pk]),
        {"guardian": father.pk, "kind": "guardian", "receives_messages": ""},
    )
    link = Relationship.objects.get(minor=marina, guardian=father)
    assert (link.kind, link.receives_messages) == ("guardian", False)
    desk.post(reverse("patients:guardian-remove", args=[marina.pk, father.pk]))
    assert not Relationship.objects.filter(minor=marina, guardian=father).exists()


def test_a_minor_cannot_be_made_a_guardian_and_nothing_changes(desk, family):
    marina = family["marina"]
    child = PatientFactory(first_name="Teo", birth_date=timezone.localdate() - timedelta(days=900))
    before = snapshot()
    response = desk.post(
        reverse("patients:guardian-add", args=[marina.pk]),
        {"guardian": child.pk, "kind": "parent", "receives_messages": "on"},
        follow=True,
    )
    assert "is a minor and cannot be responsible" in response.content.decode()
    assert snapshot() == before


def test_adding_and_removing_a_professional_from_the_care_team(desk, family, pro_b):
    joana = family["joana"]
    desk.post(reverse("patients:care-team-add", args=[joana.pk]), {"professional": pro_b.pk})
    assert CareLink.objects.filter(patient=joana, professional=pro_b).exists()
    desk.post(reverse("patients:care-team-remove", args=[joana.pk, pro_b.pk]))
    assert not CareLink.objects.filter(patient=joana, professional=pro_b).exists()


# ---------------------------------------------------------------- who may


def staff_urls(family, pro_a):
    marina, joana = family["marina"].pk, family["joana"].pk
    return [
        ("get", reverse("patients:list"), {}),
        ("get", reverse("patients:export-new"), {}),
        ("get", reverse("patients:create"), {}),
        ("get", reverse("patients:reads"), {}),
        ("get", reverse("patients:detail", args=[marina]), {}),
        ("get", reverse("patients:edit", args=[marina]), {}),
        ("get", reverse("patients:guardian-search", args=[marina]), {"q": "jo"}),
        ("post", reverse("patients:guardian-add", args=[marina]), {"guardian": joana}),
        ("post", reverse("patients:guardian-remove", args=[marina, joana]), {}),
        ("post", reverse("patients:care-team-add", args=[joana]), {"professional": pro_a.pk}),
        ("post", reverse("patients:care-team-remove", args=[marina, pro_a.pk]), {}),
        ("get", reverse("patients:export-json", args=[marina]), {}),
        ("get", reverse("patients:export-pdf", args=[marina]), {}),
        ("get", reverse("patients:erase", args=[marina]), {}),
        ("post", reverse("patients:erase", args=[marina]), {"confirmation": "Marina Souza"}),
    ]


def test_a_professional_reaches_no_staff_patient_page_even_for_their_own_patient(
    client, family, pro_a
):
    client.force_login(pro_a.user)
    before = snapshot()
    for method, url, data in staff_urls(family, pro_a):
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 404), url
        assert "Marina" not in response.content.decode(), url
    assert snapshot() == before
    assert not PatientRead.objects.exists()


def test_reception_may_not_export_erase_or_read_the_audit(desk, family):
    marina = family["marina"]
    before = snapshot()
    for name in ("patients:export-json", "patients:export-pdf", "patients:erase"):
        assert desk.get(reverse(name, args=[marina.pk])).status_code == 403
    url = reverse("patients:erase", args=[marina.pk])
    assert desk.post(url, {"confirmation": "Marina Souza"}).status_code == 403
    assert desk.get(reverse("patients:reads")).status_code == 403
    assert snapshot() == before
    assert not PatientRead.objects.exists()
    page = desk.get(reverse("patients:detail", args=[marina.pk])).content.decode()
    assert reverse("patients:erase", args=[marina.pk]) not in page


# ---------------------------------------------------------------- a manager's


def test_a_manager_exports_a_patients_data_as_json_recorded_as_an_export(
    boss, family, pro_a, room, at, book
):
    marina = family["marina"]
    book(room, pro_a, at("09:00"), at("10:00"), patients=[marina.pk])
    response = boss.get(reverse("patients:export-json", args=[marina.pk]))
    data = json.loads(response.content)
    assert data["patient"]["first_name"] == "Marina"
    assert [g["name"] for g in data["guardians"]] == ["Joana Souza"]
    assert [c["name"] for c in data["care_team"]] == ["Ana Alves"]
    assert data["sessions"][0]["starts_at"].startswith(at("09:00").date().isoformat() + "T09:00")
    assert {c["action"] for c in data["changes"]} >= {"created", "guardian_added"}
    assert reads_of(kind="export") == [(marina.pk, "export")]


def test_a_manager_exports_a_readable_pdf(boss, family):
    from pypdf import PdfReader

    response = boss.get(reverse("patients:export-pdf", args=[family["marina"].pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Marina Souza" in text and "Joana Souza" in text
    assert reads_of(kind="export") == [(family["marina"].pk, "export")]


def test_erasing_needs_the_typed_name_then_anonymises(boss, family):
    marina = family["marina"]
    url = reverse("patients:erase", args=[marina.pk])
    before = snapshot()
    response = boss.post(url, {"confirmation": "Marina"})
    assert response.status_code == 200 and "nothing was erased" in response.content.decode()
    assert snapshot() == before
    boss.post(url, {"confirmation": "  marina   souza "})
    marina.refresh_from_db()
    assert marina.is_erased and marina.first_name == ""
    assert not Relationship.objects.filter(minor=marina).exists()


def test_who_read_what_filters_by_patient_and_user(boss, family, staff, manager):
    joana, marina = family["joana"], family["marina"]
    other = Client()
    other.force_login(staff)
    other.get(reverse("patients:detail", args=[joana.pk]))
    page = boss.get(reverse("patients:reads"), {"patient": joana.pk}).content.decode()
    assert "Rita Reception" in page and "Record opened" in page
    page = boss.get(reverse("patients:reads"), {"user": manager.pk}).content.decode()
    assert "Rita Reception" not in page
    assert marina.pk


# ---------------------------------------------------------------- queries


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_5_and_50_patients(desk, pro_a, pro_b):
    for n in range(5):
        patient = PatientFactory(last_name=f"A{n}")
        CareLink.objects.create(patient=patient, professional=pro_a)
    few = count_queries(desk, reverse("patients:list"))
    for n in range(45):
        patient = PatientFactory(last_name=f"B{n}")
        CareLink.objects.create(patient=patient, professional=pro_b)
    assert count_queries(desk, reverse("patients:list")) == few


def test_the_patient_page_costs_the_same_queries_for_1_and_12_sessions(
    desk, family, pro_a, room, at, book, day
):
    marina = family["marina"]
    book(room, pro_a, at("08:00"), at("09:00"), patients=[marina.pk])
    url = reverse("patients:detail", args=[marina.pk])
    one = count_queries(desk, url)
    for n in range(1, 12):
        on = day + timedelta(days=n)
        book(room, pro_a, at("08:00", on=on), at("09:00", on=on), patients=[marina.pk])
    assert count_queries(desk, url) == one


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("", "Changed: May be contacted by SMS, Phone"),
        ("pt-br", "Alterado: Aceita contato por SMS, Telefone"),
    ],
)
def test_the_change_history_names_the_changed_fields_in_the_readers_words(
    desk, staff, family, language, line
):
    joana = family["joana"]
    values = {"phone": "+55 11 91234-5678", "consent_sms": True}
    patients.update_patient(joana, values, by=staff, **BY)
    if language:
        languages.choose(staff, language, by=staff, source=Source.BACKOFFICE)
        desk.force_login(staff)  # the choice is read when one signs in

    page = desk.get(reverse("patients:detail", args=[joana.pk])).content.decode()

    assert line in page
    assert "consent_sms" not in page and ": phone" not in page
    # The JSON export stays machine-readable: the stored names.
    assert PatientChange.objects.get(patient=joana, action="changed").fields == [
        "consent_sms",
        "phone",
    ]


def test_the_pdf_export_names_the_changed_fields_as_the_page_does(boss, family, staff):
    from pypdf import PdfReader

    joana = family["joana"]
    patients.update_patient(joana, {"consent_sms": True}, by=staff, **BY)
    response = boss.get(reverse("patients:export-pdf", args=[joana.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "May be contacted by SMS" in text and "consent_sms" not in text
    export = json.loads(boss.get(reverse("patients:export-json", args=[joana.pk])).content)
    assert ["consent_sms"] in [change["fields"] for change in export["changes"]]
