"""The patients API: the same permissions as the pages (a professional reads only their
care team; another's patient answers like an unknown id), every read recorded with source
api, problem+json for bad input, and refusals that write nothing."""

from datetime import date

import pytest

from patients.models import CareLink, Patient, PatientChange, PatientRead, Relationship
from patients.services import records
from tests.api.conftest import problem_of
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient_of_a(pro_a, staff):
    patient = PatientFactory(first_name="Marina", last_name="Souza", phone="+5511987654321")
    records.add_to_care_team(patient, pro_a, by=staff, source="backoffice")
    return patient


@pytest.fixture
def patient_of_b(pro_b, staff):
    patient = PatientFactory(first_name="Marcelo", last_name="Brandão")
    records.add_to_care_team(patient, pro_b, by=staff, source="backoffice")
    return patient


def reads(**filters):
    return PatientRead.objects.filter(**filters).count()


def test_staff_list_every_patient_and_each_one_listed_is_recorded_as_a_list_read(
    as_staff, staff, patient_of_a, patient_of_b
):
    response = as_staff.get("/patients")

    assert response.status_code == 200
    assert [p["full_name"] for p in response.json()] == ["Marcelo Brandão", "Marina Souza"]
    assert reads(by=staff, kind="list", source="api") == 2


def test_a_search_is_recorded_as_search_reads_of_the_patients_found_only(
    as_staff, staff, patient_of_a, patient_of_b
):
    response = as_staff.get("/patients", q="Souza")

    assert [p["id"] for p in response.json()] == [patient_of_a.pk]
    assert reads(by=staff, kind="search", patient=patient_of_a) == 1
    assert reads(patient=patient_of_b) == 0


def test_a_professional_lists_and_searches_only_their_care_team(
    as_a, as_b, pro_a, patient_of_a, patient_of_b
):
    assert [p["id"] for p in as_a.get("/patients").json()] == [patient_of_a.pk]
    assert as_b.get("/patients", q="Marina").json() == []
    assert as_b.get("/patients", q="987654321").json() == []
    assert reads(patient=patient_of_a, by=pro_a.user) == 1


def test_list_filters_by_joined_dates_active_and_professional(
    as_staff, pro_b, patient_of_a, patient_of_b
):
    Patient.objects.filter(pk=patient_of_a.pk).update(joined_on=date(2026, 1, 10))
    Patient.objects.filter(pk=patient_of_b.pk).update(joined_on=date(2026, 3, 1), active=False)

    def ids(**params):
        return [p["id"] for p in as_staff.get("/patients", **params).json()]

    assert ids(joined_from="2026-02-01") == [patient_of_b.pk]
    assert ids(joined_until="2026-02-01") == [patient_of_a.pk]
    assert ids(active="true") == [patient_of_a.pk]
    assert ids(professional=pro_b.pk) == [patient_of_b.pk]
    assert ids(limit=1, offset=1) == [patient_of_a.pk]


def test_another_professionals_patient_answers_exactly_like_an_unknown_id(
    as_b, pro_b, patient_of_a
):
    unknown = patient_of_a.pk + 1000
    for suffix in ("", "/guardians", "/care-team", "/export"):
        theirs = as_b.get(f"/patients/{patient_of_a.pk}{suffix}")
        nobody = as_b.get(f"/patients/{unknown}{suffix}")
        assert theirs.status_code == nobody.status_code, suffix
        assert theirs.status_code in (403, 404), suffix
        detail = problem_of(theirs, theirs.status_code)["detail"]
        assert detail.replace(str(patient_of_a.pk), "N") == problem_of(nobody, nobody.status_code)[
            "detail"
        ].replace(str(unknown), "N")
    assert reads(patient=patient_of_a) == 0


def test_pro_b_cannot_change_erase_link_or_book_pro_as_patient_and_nothing_changes(
    as_b, pro_b, room, at, patient_of_a
):
    before = (PatientChange.objects.count(), Relationship.objects.count(), CareLink.objects.count())

    problem_of(as_b.patch(f"/patients/{patient_of_a.pk}", {"first_name": "X"}), 404)
    problem_of(as_b.post(f"/patients/{patient_of_a.pk}/erase"), 403)
    problem_of(
        as_b.patch(f"/patients/{patient_of_a.pk}/care-team/{pro_b.pk}", {"discreet": True}), 404
    )
    booking = as_b.post(
        "/bookings",
        {
            "room_id": room.pk,
            "starts_at": at("09:00").isoformat(),
            "ends_at": at("10:00").isoformat(),
            "patients": [patient_of_a.pk],
        },
    )
    problem_of(booking, 422)

    patient_of_a.refresh_from_db()
    assert patient_of_a.first_name == "Marina"
    assert before == (
        PatientChange.objects.count(),
        Relationship.objects.count(),
        CareLink.objects.count(),
    )
    assert reads(patient=patient_of_a) == 0


def test_reading_a_record_leaves_one_record_read_with_source_ip_and_path(as_a, pro_a, patient_of_a):
    response = as_a.get(f"/patients/{patient_of_a.pk}")

    assert response.json()["phone"] == "+5511987654321"
    row = PatientRead.objects.get(patient=patient_of_a)
    assert (row.by, row.kind, row.source, row.path) == (
        pro_a.user,
        "record",
        "api",
        f"/api/v1/patients/{patient_of_a.pk}",
    )


def test_a_professional_creates_a_patient_and_joins_their_care_team(as_a, pro_a):
    response = as_a.post(
        "/patients",
        {
            "first_name": "Lucía",
            "last_name": "Quispe",
            "document_type": "dni",
            "document_number": "10117410",
            "phone": "+51987654321",
            "language": "es",
            "consent_whatsapp": True,
        },
    )

    assert response.status_code == 201, response.content
    patient = Patient.objects.get(pk=response.json()["id"])
    assert CareLink.objects.filter(patient=patient, professional=pro_a).exists()
    assert str(patient.phone) == "+51987654321"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"first_name": "Ana", "document_type": "cpf", "document_number": "11111111112"}, None),
        ({"first_name": "Ana", "phone": "12"}, None),
        ({"first_name": "Ana", "birth_date": "1700-01-01"}, "birth_date"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "Ana", "language": "xx"}, "language"),
        ({"first_name": "Ana", "consent_sms": "yes"}, "consent_sms"),
        ({"first_name": "Ana", "shoe_size": 42}, "shoe_size"),
        ({"first_name": "Ana", "email": "not-an-email"}, "email"),
    ],
)
def test_bad_patient_input_is_a_422_problem_and_creates_nothing(as_staff, body, field):
    problem = problem_of(as_staff.post("/patients", body), 422)

    assert problem["errors"]
    if field:
        assert field in str(problem["errors"])
    assert Patient.objects.count() == 0
    assert PatientChange.objects.count() == 0


def test_staff_link_and_unlink_a_guardian_of_a_minor(as_staff, patient_of_a):
    minor = PatientFactory(first_name="Leo", birth_date=date.today().replace(year=2018))

    added = as_staff.post(
        f"/patients/{minor.pk}/guardians",
        {"guardian_id": patient_of_a.pk, "kind": "parent", "receives_messages": True},
    )

    assert added.status_code == 201, added.content
    assert added.json()[0]["guardian"]["id"] == patient_of_a.pk
    assert as_staff.get(f"/patients/{minor.pk}/guardians").json()[0]["kind"] == "parent"
    removed = as_staff.delete(f"/patients/{minor.pk}/guardians/{patient_of_a.pk}")
    assert removed.status_code == 204
    assert not Relationship.objects.exists()


def test_an_adult_cannot_get_a_guardian_and_nothing_is_linked(as_staff, patient_of_a):
    adult = PatientFactory(first_name="Rui", birth_date=date(1990, 1, 1))

    problem_of(
        as_staff.post(
            f"/patients/{adult.pk}/guardians", {"guardian_id": patient_of_a.pk, "kind": "parent"}
        ),
        422,
    )

    assert not Relationship.objects.exists()


def test_staff_add_and_remove_a_professional_of_the_care_team(as_staff, pro_b, patient_of_a):
    added = as_staff.post(f"/patients/{patient_of_a.pk}/care-team", {"professional_id": pro_b.pk})

    assert added.status_code == 201
    assert {row["professional"]["id"] for row in added.json()} >= {pro_b.pk}
    assert as_staff.delete(f"/patients/{patient_of_a.pk}/care-team/{pro_b.pk}").status_code == 204
    assert not CareLink.objects.filter(patient=patient_of_a, professional=pro_b).exists()


def test_only_the_professional_sets_their_own_discreet_flag(as_a, as_staff, pro_a, patient_of_a):
    problem_of(
        as_staff.patch(f"/patients/{patient_of_a.pk}/care-team/{pro_a.pk}", {"discreet": True}),
        403,
    )
    assert not CareLink.objects.get(patient=patient_of_a, professional=pro_a).discreet

    response = as_a.patch(f"/patients/{patient_of_a.pk}/care-team/{pro_a.pk}", {"discreet": True})

    assert response.status_code == 200
    assert CareLink.objects.get(patient=patient_of_a, professional=pro_a).discreet


def test_a_professional_cannot_add_to_a_care_team(as_a, pro_b, patient_of_a):
    problem_of(
        as_a.post(f"/patients/{patient_of_a.pk}/care-team", {"professional_id": pro_b.pk}), 403
    )

    assert not CareLink.objects.filter(professional=pro_b).exists()


def test_the_export_is_a_managers_and_is_recorded_as_an_export(
    as_manager, as_staff, manager, pro_a, room, at, book, patient_of_a
):
    book(room, pro_a, at("09:00"), at("10:00"), patients=[patient_of_a.pk], session_price="50")
    problem_of(as_staff.get(f"/patients/{patient_of_a.pk}/export"), 403)

    response = as_manager.get(f"/patients/{patient_of_a.pk}/export")

    assert response.status_code == 200
    body = response.json()
    assert body["patient"]["full_name"] == "Marina Souza"
    assert [c["professional"]["id"] for c in body["care_team"]] == [pro_a.pk]
    assert body["sessions"][0]["session_price"] == "50.00"
    assert reads(patient=patient_of_a, kind="export", by=manager) == 1
    assert reads(patient=patient_of_a, kind="export") == 1


def test_erasure_is_a_managers_and_anonymises_the_patient(as_manager, as_staff, patient_of_a):
    problem_of(as_staff.post(f"/patients/{patient_of_a.pk}/erase"), 403)
    assert Patient.objects.get(pk=patient_of_a.pk).first_name == "Marina"

    response = as_manager.post(f"/patients/{patient_of_a.pk}/erase")

    assert response.status_code == 200
    assert response.json()["erased"] is True
    assert Patient.objects.get(pk=patient_of_a.pk).first_name == ""


def test_a_manager_reads_who_read_what_filtered_by_patient_and_user(
    as_manager, as_staff, as_a, staff, pro_a, patient_of_a, patient_of_b
):
    as_staff.get("/patients")
    as_a.get(f"/patients/{patient_of_a.pk}")
    problem_of(as_staff.get("/patient-reads"), 403)

    by_patient = as_manager.get("/patient-reads", patient=patient_of_a.pk).json()
    by_user = as_manager.get("/patient-reads", user=pro_a.user.pk).json()

    assert {(r["by"], r["kind"]) for r in by_patient} == {("rita", "list"), ("ana", "record")}
    assert [(r["patient_id"], r["source"]) for r in by_user] == [(patient_of_a.pk, "api")]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"joined_from": "nope"}, {"professional": "true"}, {"q": "x" * 101}],
)
def test_bad_list_filters_are_422_problems_and_record_nothing(as_staff, patient_of_a, params):
    problem_of(as_staff.get("/patients", **params), 422)

    assert reads() == 0


@pytest.mark.parametrize("value", [0, 1700000000, 20261202, True])
def test_a_date_given_as_a_number_is_refused_not_read_as_seconds_since_1970(
    as_staff, patient_of_a, value
):
    before = Patient.objects.count(), list(Patient.objects.values())
    created = as_staff.post("/patients", {"first_name": "Nova", "birth_date": value})
    assert created.status_code == 422
    changed = as_staff.patch(f"/patients/{patient_of_a.pk}", {"joined_on": value})
    assert changed.status_code == 422
    assert (Patient.objects.count(), list(Patient.objects.values())) == before
