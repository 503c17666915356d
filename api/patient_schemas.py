"""What the patients API accepts and returns: patients, their guardians, their care team,
the record of reads, and revenue agreements.

As in api/schemas.py: ids in a body are JSON integers only, text has a length and no NUL,
dates are ISO text in a plausible range, choices are enums. The rules on the values
(documents' checksums, phones, who is a minor) are the services'."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.conf import settings
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from api.schemas import BodyBool, BodyId, Day, Id, In, date_text, text
from billing.models import Collector, ShareModel
from patients.models import DocumentType, ReadKind, RelationshipKind
from scheduling.models import SessionType


def _birth_year(value: date) -> date:
    if not 1890 <= value.year <= 2100:
        raise ValueError("Use a birth date between the years 1890 and 2100.")
    return value


BIRTH_YEARS = r"^(18[89][0-9]|19[0-9]{2}|20[0-9]{2}|2100)-"
BirthDay = Annotated[
    date,
    BeforeValidator(date_text),
    AfterValidator(_birth_year),
    WithJsonSchema({"type": "string", "format": "date", "pattern": BIRTH_YEARS}),
]
DocumentKind = Literal[tuple(DocumentType.values) + ("",)]
Language = Literal[tuple(code for code, _name in settings.LANGUAGES) + ("",)]
# An address, or "" for none (the document says both, so an empty one is not "invalid").
Email = Annotated[
    str,
    Field(max_length=150, pattern=r"^[^\x00\s]*$"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "email", "maxLength": 150},
                {"type": "string", "maxLength": 0},
            ]
        }
    ),
]
Phone = Annotated[str, Field(max_length=32, pattern=r"^[0-9+() .\-]*$")]


# ---------------------------------------------------------------- patients


class PatientOut(Schema):
    id: int
    first_name: str
    last_name: str
    full_name: str
    document_type: str
    document_number: str
    birth_date: date | None
    is_minor: bool
    email: str
    phone: str = Field(description="E.164, e.g. +5511987654321; empty if none.")
    language: str
    consent_email: bool
    consent_whatsapp: bool
    consent_sms: bool
    consent_surveys: bool
    notes: str
    joined_on: date
    active: bool
    erased: bool

    @staticmethod
    def resolve_phone(obj):
        return str(obj.phone or "")

    @staticmethod
    def resolve_erased(obj):
        return obj.is_erased


class PatientFields(In):
    last_name: text(120) = None
    document_type: DocumentKind = None
    document_number: text(30) = None
    birth_date: BirthDay | None = None
    email: Email = None
    phone: Phone = Field(None, description="E.164, or national digits of the location's country.")
    language: Language = None
    consent_email: BodyBool = None
    consent_whatsapp: BodyBool = None
    consent_sms: BodyBool = None
    consent_surveys: BodyBool = None
    notes: text(4000) = None
    joined_on: Day = None
    active: BodyBool = None


class PatientIn(PatientFields):
    first_name: text(80, min_length=1)


class PatientPatch(PatientFields):
    """Only the fields given change; null is refused except for birth_date (null: unknown)."""

    first_name: text(80, min_length=1) = None


class PatientFilters(Schema):
    q: text(100) | None = Field(None, description="Name, document, phone or email.")
    joined_from: Day | None = None
    joined_until: Day | None = None
    active: bool | None = None
    professional: list[Id] | None = Field(None, description="Staff: in these care teams.")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**6)


# ---------------------------------------------------------------- relationships, care team


class PatientRef(Schema):
    id: int
    full_name: str


class GuardianOut(Schema):
    guardian: PatientRef
    kind: str
    receives_messages: bool


class GuardianIn(In):
    guardian_id: BodyId
    kind: Literal[tuple(RelationshipKind.values)]
    receives_messages: BodyBool = True


class ProfessionalRef(Schema):
    id: int
    name: str


class CareLinkOut(Schema):
    professional: ProfessionalRef
    since: date
    discreet: bool


class CareLinkIn(In):
    professional_id: BodyId
    discreet: BodyBool = False


class CareLinkPatch(In):
    discreet: BodyBool


class PatientReadOut(Schema):
    id: int
    patient_id: int
    by: str | None
    at: datetime
    kind: str
    source: str
    ip: str | None
    path: str

    @staticmethod
    def resolve_by(obj):
        return obj.by.get_username() if obj.by_id else None


class PatientReadFilters(Schema):
    patient: list[Id] | None = None
    user: list[Id] | None = None
    kind: list[Literal[tuple(ReadKind.values)]] | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**6)


# ---------------------------------------------------------------- the export


class SessionOut(Schema):
    booking_id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    professional: ProfessionalRef
    session_type: Literal[tuple(SessionType.values)]
    session_price: str | None
    session_currency: str


class PatientExportOut(Schema):
    exported_at: datetime
    patient: PatientOut
    guardians: list[GuardianOut]
    wards: list[GuardianOut]
    care_team: list[CareLinkOut]
    sessions: list[SessionOut]


# ---------------------------------------------------------------- revenue agreements

PercentText = Annotated[
    str,
    Field(
        pattern=r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$",
        max_length=6,
        description="0 to 100, at most two decimal places, as a string.",
        examples=["35"],
    ),
]


class RevenueAgreementOut(Schema):
    id: int
    professional: ProfessionalRef
    valid_from: date
    valid_until: date | None
    model: str
    clinic_share_percent: str | None
    collector: str
    note: str

    @staticmethod
    def resolve_clinic_share_percent(obj):
        return None if obj.clinic_share_percent is None else str(obj.clinic_share_percent)


class RevenueAgreementIn(In):
    professional_id: BodyId
    valid_from: Day
    valid_until: Day | None = Field(None, description="Its last day; omitted: open-ended.")
    model: Literal[tuple(ShareModel.values)]
    clinic_share_percent: PercentText | None = Field(None, description="Needed for commission.")
    collector: Literal[tuple(Collector.values)] = Collector.PROFESSIONAL.value
    note: text(200) = ""


class RevenueAgreementPatch(In):
    valid_from: Day = None
    valid_until: Day | None = None
    model: Literal[tuple(ShareModel.values)] = None
    clinic_share_percent: PercentText | None = None
    collector: Literal[tuple(Collector.values)] = None
    note: text(200) = None


class RevenueAgreementFilters(Schema):
    professional: list[Id] | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**6)
