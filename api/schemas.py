"""What the scheduling API accepts and returns.

Input is checked here before any service runs: ids and numbers are bounded, text has a
length and no NUL characters, times need a UTC offset and a plausible year. The booking
rules themselves (quarter hours, opening hours, conflicts) are the service's.

Output comes in two shapes for bookings: `BookingOut`, a booking in full, for staff and for
the booking's own professional; and `BusyOut`, which says only that a room is taken when."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    WithJsonSchema,
    model_validator,
)

from scheduling import policy, timeslots
from scheduling.local_time import at_location
from scheduling.models import BookingStatus, SessionType

MAX_ID = 2**63 - 1
NO_NUL = r"^[^\x00]*$"

# In a query string every value is text, so ids there are read from digits (Id); in a JSON
# body an id is a JSON integer and nothing else (BodyId): `true` is not room 1, "3" is not 3.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _json_integer(value):
    """A JSON integer: 3, or 3.0 (JSON Schema's `integer` includes it); never true or "3"."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


BodyId = Annotated[int, BeforeValidator(_json_integer), Strict(), Field(ge=1, le=MAX_ID)]
Minutes = Annotated[int, Field(ge=15, le=24 * 60, multiple_of=15)]
BodyMinutes = Annotated[
    int, BeforeValidator(_json_integer), Strict(), Field(ge=15, le=24 * 60, multiple_of=15)
]
BodyBool = Annotated[bool, Strict()]


def _iso_text(value):
    """A time is ISO 8601 text ("2026-12-02T09:00:00-03:00"), never a number: a unix
    timestamp or a bare integer is refused, not guessed."""
    if not isinstance(value, str):
        raise ValueError(
            _("Give an ISO 8601 date and time with its offset, e.g. 2026-12-02T09:00:00-03:00.")
        )
    return value


def _plausible(value):
    """Years outside 2000–2100 are typos, and near year 1 or 9999 a time-zone conversion
    overflows."""
    if not 2000 <= value.year <= 2100:
        raise ValueError(_("Use a date between the years 2000 and 2100."))
    return value


# The schema says what the validators enforce, so a client (or schemathesis) that follows
# the document is not refused: RFC 3339 text with an offset, years 2000–2100.
YEARS = r"^(20[0-9]{2}|2100)-"
Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_text),
    AfterValidator(_plausible),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": YEARS}),
]


def date_text(value):
    """A date is ISO text ("2026-12-02"): a number (read as seconds since 1970) is refused."""
    if not isinstance(value, str | date):
        raise ValueError(_("Give a date as ISO 8601 text, e.g. 2026-12-02."))
    return value


Day = Annotated[
    date,
    BeforeValidator(date_text),
    AfterValidator(_plausible),
    WithJsonSchema({"type": "string", "format": "date", "pattern": YEARS}),
]

# A time of day on a clock: "07:00". Not an RFC 3339 `time`, which needs an offset: opening
# hours are wall-clock times of the location, in its zone, whatever the offset that day.
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _clock_text(value):
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not re.fullmatch(CLOCK, value):
        raise ValueError(_("Give a time of day as HH:MM, e.g. 07:00."))
    return time.fromisoformat(value)


Clock = Annotated[
    time,
    BeforeValidator(_clock_text),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": CLOCK, "examples": ["07:00"]}),
]


def text(max_length: int, *, min_length: int = 0):
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=NO_NUL)]


class In(Schema):
    """Input: unknown fields are refused, so a typo ("start_at") is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- places


class LocationRef(Schema):
    id: int
    name: str
    tz: str


class RoomRef(Schema):
    id: int
    name: str


class OpeningHoursOut(Schema):
    weekday: int = Field(description="0 = Monday … 6 = Sunday")
    opens: Clock
    closes: Clock = Field(description="00:00 means midnight at the end of the day")


class LocationOut(Schema):
    id: int
    name: str
    address: str
    tz: str
    currency: str
    min_booking_minutes: int
    max_booking_minutes: int
    cancellation_deadline_hours: int
    booking_horizon_days: int
    portal_min_minutes: int | None
    portal_max_minutes: int | None
    approval_mode: str
    reception_may_waive_late_fee: bool = Field(
        description=(
            "Reception may waive a late cancellation's fee here (a manager always may; "
            "see POST /bookings/{id}/cancel)."
        )
    )
    opening_hours: list[OpeningHoursOut]

    @staticmethod
    def resolve_opening_hours(obj):
        return list(obj.opening_hours.all())


class OpeningHoursIn(In):
    weekday: Annotated[int, BeforeValidator(_json_integer), Strict()] = Field(ge=0, le=6)
    opens: Clock
    closes: Clock = Field(description="00:00 means midnight at the end of the day")


Zone = Annotated[
    str,
    WithJsonSchema(
        {"type": "string", "enum": sorted(timeslots._zone_names()), "description": "IANA zone"}
    ),
]
CURRENCY = r"^[A-Z]{3}$"


def _currency_code(value):
    if not isinstance(value, str) or not re.fullmatch(CURRENCY, value):
        raise ValueError(_("Use a three-letter ISO 4217 code."))
    return value


Currency = Annotated[
    str,
    BeforeValidator(_currency_code),
    WithJsonSchema({"type": "string", "pattern": CURRENCY, "description": "ISO 4217 code"}),
]


class LocationIn(In):
    name: text(120, min_length=1)
    address: text(300) = ""
    tz: Zone = "UTC"
    currency: Currency = "BRL"
    min_booking_minutes: BodyMinutes = 15
    max_booking_minutes: BodyMinutes = 8 * 60
    opening_hours: list[OpeningHoursIn] = Field(default_factory=list, max_length=7)


class LocationPatch(In):
    """Only the fields given change. A field given as null is refused (422): none of these
    can be emptied, so null is not "leave it"."""

    name: text(120, min_length=1) = None
    address: text(300) = None
    tz: Zone = None
    currency: Currency = None
    min_booking_minutes: BodyMinutes = None
    max_booking_minutes: BodyMinutes = None
    opening_hours: list[OpeningHoursIn] | None = Field(None, max_length=7)


class RoomOut(Schema):
    id: int
    name: str
    location: LocationRef
    hourly_price: Decimal
    currency: str
    colour: str
    features: list[str]
    active: bool

    @staticmethod
    def resolve_currency(obj):
        return obj.location.currency

    @staticmethod
    def resolve_features(obj):
        return [feature.name for feature in obj.features.all()]


PRICE = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"


def _price_text(value):
    """Money is decimal text ("40", "40.50"): a JSON number would be a binary float."""
    if not isinstance(value, str) or not re.fullmatch(PRICE, value):
        raise ValueError(
            _('Give the amount as decimal text with at most 2 decimals, e.g. "40.50".')
        )
    return value


Price = Annotated[
    Decimal,
    BeforeValidator(_price_text),
    Field(ge=0, max_digits=10, decimal_places=2),
    WithJsonSchema({"type": "string", "pattern": PRICE, "examples": ["40.00"]}),
]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Features = Annotated[list[text(60, min_length=1)], Field(max_length=30)]


class RoomIn(In):
    location_id: BodyId
    name: text(120, min_length=1)
    hourly_price: Price
    colour: Colour = "#4f7cac"
    features: Features = Field(default_factory=list)
    active: BodyBool = True


class RoomPatch(In):
    """Only the fields given change; null is refused for all but `features` (null: keep)."""

    name: text(120, min_length=1) = None
    hourly_price: Price = None
    colour: Colour = None
    features: Features | None = None
    active: BodyBool = None


# ---------------------------------------------------------------- bookings


class BusyOut(Schema):
    """A room is taken from `starts_at` to `ends_at`; by whom is not said."""

    room: RoomRef
    location: LocationRef
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime
    local_ends_at: datetime

    @staticmethod
    def resolve_location(obj):
        return obj.room.location

    @staticmethod
    def resolve_local_starts_at(obj):
        return at_location(obj.starts_at, obj)

    @staticmethod
    def resolve_local_ends_at(obj):
        return at_location(obj.ends_at, obj)


class ProfessionalRef(Schema):
    id: int
    name: str


class BookingOut(BusyOut):
    id: int
    status: BookingStatus
    professional: ProfessionalRef
    minutes: int
    price: Decimal
    currency: str
    notes: str
    source: str
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    cancellation_reason: str
    cancelled_late: bool = Field(
        description="Cancelled after the location's free-cancellation deadline."
    )
    late_fee_waived: bool = Field(
        description="A late cancellation whose fee staff waived: billing charges nothing."
    )
    cancellable_until: datetime = Field(
        description="Cancel free (and, for a professional, move) until this time."
    )
    session_type: SessionType = Field(
        description="on_site (in a room) or virtual (the location's Online lane, no rent)."
    )
    patients: list[int] = Field(description="The session's patients (ids); several: a group.")
    session_price: str | None = Field(
        description="What the patient pays for the session (`price` is the room's rent)."
    )
    session_currency: str
    video_link: str

    @staticmethod
    def resolve_cancellable_until(obj):
        return policy.cancellable_until(obj)

    @staticmethod
    def resolve_patients(obj):
        return sorted(patient.pk for patient in obj.patients.all())

    @staticmethod
    def resolve_session_price(obj):
        return None if obj.session_price is None else str(obj.session_price)


class ChangeOut(Schema):
    at: datetime
    by: str | None
    source: str
    action: str
    diff: dict

    @staticmethod
    def resolve_by(obj):
        return obj.by.get_username() if obj.by else None


class BookingDetailOut(BookingOut):
    history: list[ChangeOut]

    @staticmethod
    def resolve_history(obj):
        return list(obj.changes.all())


Notes = text(2000)
SessionPatients = Annotated[list[BodyId], Field(max_length=30)]
VideoLink = Annotated[
    str, Field(max_length=500, pattern=r"^(https://[^\x00\s]*)?$", description="https:// only")
]


class BookingIn(In):
    room_id: BodyId
    professional_id: BodyId | None = Field(
        None, description="Staff: required. A professional books for themselves only."
    )
    starts_at: Moment
    ends_at: Moment
    notes: Notes = ""
    allow_past: BodyBool = Field(False, description="Staff only: record a booking in the past.")
    session_type: SessionType = Field(
        SessionType.ON_SITE,
        description="virtual: held in room_id's location's Online lane, claiming only the "
        "professional's time.",
    )
    patients: SessionPatients = Field(default_factory=list)
    session_price: Price | None = Field(
        None, description="Omitted: the professional's default session price."
    )
    session_currency: Currency | None = Field(
        None, description="Omitted: the location's currency (or one of its other currencies)."
    )
    video_link: VideoLink = ""


class SessionPatch(In):
    """A booking's session: omitted fields stay; the type changes only by moving."""

    patients: SessionPatients = None
    session_price: Price | None = None
    session_currency: Currency = None
    video_link: VideoLink = None


class MoveIn(In):
    """Move and/or resize: omitted values stay as they are; a new start alone keeps the
    length."""

    starts_at: Moment | None = None
    ends_at: Moment | None = None
    room_id: BodyId | None = None
    allow_past: BodyBool = False

    @model_validator(mode="after")
    def something_changes(self):
        if self.starts_at is None and self.ends_at is None and self.room_id is None:
            raise ValueError(_("Give a new starts_at, ends_at or room_id."))
        return self


class CancelIn(In):
    reason: text(300) = ""
    waive_late_fee: BodyBool = Field(
        False,
        description=(
            "Staff: when the cancellation is late, waive its fee (billing then charges "
            "nothing; the booking stays a late cancellation, with who and why in its "
            "history). Needs `waiver_reason`. A manager always may; reception only where "
            "the location's `reception_may_waive_late_fee` is on; a professional never "
            "(403 `waiver_refused`, nothing cancelled). Ignored when the cancellation is "
            "free."
        ),
    )
    waiver_reason: text(300) = Field("", description="Why the late fee is waived.")


class DeclineIn(In):
    reason: Annotated[
        str,
        Field(
            min_length=1,
            max_length=300,
            pattern=r"^[^\x00]*[^\s\x00][^\x00]*$",
            description="Why the request is declined; the professional reads it.",
        ),
    ]


class NotesIn(In):
    notes: Notes


MAX_LIST_DAYS = 62


class BookingFilters(Schema):
    from_: Moment | None = Field(None, alias="from", description="Ends after this instant.")
    to: Moment | None = Field(None, description="Starts before this instant.")
    location: list[Id] | None = None
    room: list[Id] | None = None
    professional: list[Id] | None = None
    status: list[BookingStatus] | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**6)


class BusyFilters(Schema):
    from_: Moment = Field(alias="from")
    to: Moment
    location: list[Id] | None = None
    room: list[Id] | None = None

    @model_validator(mode="after")
    def bounded(self):
        if self.to <= self.from_:
            raise ValueError(_("“to” must be after “from”."))
        if self.to - self.from_ > timedelta(days=MAX_LIST_DAYS):
            raise ValueError(
                _("Ask for at most %(days)d days at a time.") % {"days": MAX_LIST_DAYS}
            )
        return self


# ---------------------------------------------------------------- availability

MAX_AVAILABILITY_DAYS = 31


class AvailabilityQuery(Schema):
    from_: Day = Field(alias="from", description="First local day.")
    to: Day = Field(description="Last local day (inclusive).")
    minutes: Minutes = 60
    location: list[Id] | None = None
    room: list[Id] | None = None
    feature: list[text(60, min_length=1)] | None = None
    professional: Id | None = Field(
        None, description="Staff: also require this professional to be free."
    )
    limit: int = Field(500, ge=1, le=2000)

    @model_validator(mode="after")
    def bounded(self):
        if self.to < self.from_:
            raise ValueError(_("“to” must not be before “from”."))
        if (self.to - self.from_).days >= MAX_AVAILABILITY_DAYS:
            raise ValueError(
                _("Ask for at most %(days)d days at a time.") % {"days": MAX_AVAILABILITY_DAYS}
            )
        return self


class FreeWindowOut(Schema):
    room: RoomRef
    location: LocationRef
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime
    local_ends_at: datetime

    @staticmethod
    def resolve_room(obj):
        return {"id": obj.room_id, "name": obj.room_name}

    @staticmethod
    def resolve_location(obj):
        return {"id": obj.location_id, "name": obj.location_name, "tz": obj.tz}
