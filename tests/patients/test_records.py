"""Patients through their service: documents checked by python-stdnum, phones stored in
E.164, guardians only for minors, every change recorded without its values, and a refusal
writes nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients import contacts, services
from patients.models import CareLink, Patient, PatientChange, Relationship, RelationshipKind
from scheduling.models import Source

from ..factories import PatientFactory

pytestmark = pytest.mark.django_db


def make(values, by, **kwargs):
    return services.create_patient(values, by=by, source=Source.BACKOFFICE, **kwargs)


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("cpf", "390.533.447-05", "39053344705"),
        ("dni", "10117410", "10117410"),
        ("nif", "501 964 843", "501964843"),
        ("passport", "ab 123456", "AB123456"),
    ],
)
def test_a_valid_document_is_stored_compact(staff, kind, typed, stored):
    patient = make({"first_name": "Marina", "document_type": kind, "document_number": typed}, staff)
    assert Patient.objects.get(pk=patient.pk).document_number == stored


@pytest.mark.parametrize(
    ("kind", "typed", "sentence"),
    [
        ("cpf", "390.533.447-06", "check digit is wrong"),
        ("cpf", "390.533.447", "wrong number of characters"),
        ("nif", "501964842", "check digit is wrong"),
        ("dni", "1011741", "wrong number of characters"),
        ("", "12345678", "Say which document"),
    ],
)
def test_a_wrong_document_is_refused_with_a_sentence_and_nothing_is_written(
    staff, kind, typed, sentence
):
    with pytest.raises(ValidationError) as refusal:
        make({"first_name": "Marina", "document_type": kind, "document_number": typed}, staff)
    assert sentence in str(refusal.value)
    assert not Patient.objects.exists()
    assert not PatientChange.objects.exists()


def test_two_patients_cannot_share_a_document(staff):
    make({"first_name": "A", "document_type": "cpf", "document_number": "39053344705"}, staff)
    with pytest.raises(ValidationError, match="already has this document"):
        make(
            {"first_name": "B", "document_type": "cpf", "document_number": "390.533.447-05"}, staff
        )
    assert Patient.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("(11) 98765-4321", "BR", "+5511987654321"),
        ("987 654 321", "PE", "+51987654321"),
        ("+351 912 345 678", None, "+351912345678"),
    ],
)
def test_a_phone_is_stored_in_e164(staff, typed, region, stored):
    patient = make({"first_name": "Marina", "phone": typed}, staff, region=region)
    assert str(Patient.objects.get(pk=patient.pk).phone) == stored


@pytest.mark.parametrize("typed", ["12", "+55 11 1234", "call me"])
def test_a_wrong_phone_is_refused(staff, typed):
    with pytest.raises(ValidationError) as refusal:
        make({"first_name": "Marina", "phone": typed}, staff, region="BR")
    assert "phone" in refusal.value.message_dict
    assert not Patient.objects.exists()


def test_a_future_birth_date_and_a_missing_name_are_refused(staff):
    with pytest.raises(ValidationError, match="future"):
        make({"first_name": "X", "birth_date": date(2999, 1, 1)}, staff)
    with pytest.raises(ValidationError, match="first name"):
        make({"first_name": "  "}, staff)
    assert not Patient.objects.exists()


def test_a_professional_who_creates_a_patient_joins_the_care_team(pro_a):
    patient = make({"first_name": "Marina"}, pro_a.user)
    assert list(
        CareLink.objects.filter(patient=patient).values_list("professional", flat=True)
    ) == [pro_a.pk]


def test_a_change_records_which_fields_changed_but_never_their_values(staff):
    patient = make({"first_name": "Marina", "notes": "anxiety"}, staff)
    changed = services.update_patient(
        patient, {"notes": "panic attacks", "last_name": "Souza"}, by=staff, source=Source.API
    )
    assert sorted(changed) == ["last_name", "notes"]
    row = PatientChange.objects.filter(action="changed").get()
    assert row.fields == ["last_name", "notes"] and row.by == staff and row.source == "api"
    assert "panic" not in repr(PatientChange.objects.values_list("fields", flat=True))


def test_a_minor_is_recognised_from_the_birth_date():
    today = timezone.localdate()
    born = date(
        today.year - 18, today.month, today.day if (today.month, today.day) != (2, 29) else 28
    )
    turns_18_today = PatientFactory.build(birth_date=born)
    seventeen = PatientFactory.build(birth_date=date(today.year - 17, 1, 1))
    assert not turns_18_today.is_minor
    assert seventeen.is_minor
    assert not PatientFactory.build(birth_date=None).is_minor


def test_a_guardian_receives_the_minors_messages(staff):
    today = timezone.localdate()
    minor = PatientFactory(birth_date=date(today.year - 10, 5, 5))
    mother = PatientFactory(birth_date=date(today.year - 40, 5, 5))
    father = PatientFactory(birth_date=date(today.year - 42, 5, 5))
    services.link_guardian(
        minor, mother, kind=RelationshipKind.PARENT, by=staff, source=Source.BACKOFFICE
    )
    services.link_guardian(
        minor,
        father,
        kind=RelationshipKind.PARENT,
        receives_messages=False,
        by=staff,
        source=Source.BACKOFFICE,
    )
    assert contacts.recipients_for(minor) == [mother]
    assert contacts.recipients_for(mother) == [mother]


@pytest.mark.parametrize("case", ["adult_ward", "minor_guardian", "self", "no_birth_date", "twice"])
def test_guardian_rules_refuse_what_makes_no_sense(staff, case):
    today = timezone.localdate()
    minor = PatientFactory(birth_date=date(today.year - 10, 5, 5))
    adult = PatientFactory(birth_date=date(today.year - 40, 5, 5))
    other_minor = PatientFactory(birth_date=date(today.year - 12, 5, 5))
    link = dict(kind=RelationshipKind.LEGAL_GUARDIAN, by=staff, source=Source.BACKOFFICE)
    if case == "twice":
        services.link_guardian(minor, adult, **link)
    before = Relationship.objects.count()
    ward, guardian = {
        "adult_ward": (adult, PatientFactory(birth_date=date(today.year - 60, 1, 1))),
        "minor_guardian": (minor, other_minor),
        "self": (minor, minor),
        "no_birth_date": (PatientFactory(birth_date=None), adult),
        "twice": (minor, adult),
    }[case]
    with pytest.raises(ValidationError):
        services.link_guardian(ward, guardian, **link)
    assert Relationship.objects.count() == before


def test_erasure_blanks_the_person_and_keeps_the_row(staff):
    today = timezone.localdate()
    minor = PatientFactory(birth_date=date(today.year - 10, 5, 5))
    patient = make(
        {
            "first_name": "Marina",
            "last_name": "Souza",
            "document_type": "cpf",
            "document_number": "39053344705",
            "phone": "+5511987654321",
            "notes": "panic attacks",
            "birth_date": date(1990, 1, 2),
            "consent_email": True,
        },
        staff,
    )
    services.link_guardian(
        minor, patient, kind=RelationshipKind.PARENT, by=staff, source=Source.BACKOFFICE
    )
    services.erase(patient, by=staff, source=Source.BACKOFFICE)
    row = Patient.objects.get(pk=patient.pk)
    assert row.is_erased and not row.active
    assert (row.first_name, row.last_name, row.document_number, row.notes, str(row.phone)) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert row.birth_date is None and not row.consent_email
    assert not Relationship.objects.filter(guardian=row).exists()
    assert contacts.recipients_for(row) == []
    with pytest.raises(ValidationError, match="erased"):
        services.update_patient(row, {"first_name": "Again"}, by=staff, source=Source.BACKOFFICE)
    with pytest.raises(ValidationError, match="already erased"):
        services.erase(row, by=staff, source=Source.BACKOFFICE)
