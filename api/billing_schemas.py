"""What the billing API accepts and returns.

Money is a decimal string in its currency's places with the ISO 4217 code beside it
("40.00" with "EUR", "4000" with "JPY"), never a JSON number (a float would round it).
Amounts sent in are strings of digits with at most two decimals, positive, below the
largest payment; that they fit the currency's own places (none for JPY) is checked by
billing.money, which refuses with a sentence. The billing rules themselves are the
services'."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, Strict, model_validator

from api import schemas
from api.schemas import (
    BodyBool,
    BodyId,
    Id,
    In,
    LocationRef,
    ProfessionalRef,
    RoomRef,
    text,
)
from billing import money
from billing.ledger import PaymentState
from billing.models import PaymentMethod
from scheduling.local_time import at_location
from scheduling.models import BookingStatus

# ---------------------------------------------------------------- days, times and money

# The years the server accepts (2000–2100, see api.schemas), said in the document too.
YEARS = r"^(20[0-9]{2}|2100)-"
Day = Annotated[schemas.Day, Field(json_schema_extra={"pattern": YEARS + r"[0-9]{2}-[0-9]{2}$"})]
Moment = Annotated[schemas.Moment, Field(json_schema_extra={"pattern": YEARS})]

AmountOut = Annotated[
    str,
    Field(
        pattern=r"^-?[0-9]+(\.[0-9]{1,2})?$",
        description='A decimal string in the currency\'s places ("40.00" EUR, "4000" JPY).',
        examples=["40.00"],
    ),
]
PercentOut = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$", examples=["50.00"])]
Currency = Annotated[
    str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code.", examples=["EUR"])
]
CurrencyIn = Annotated[
    str,
    Strict(),
    Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code of a location's currency."),
]
# More than zero and less than billing.money.LARGEST_PAYMENT (1 000 000), two places at most.
PaymentAmount = Annotated[
    str,
    Strict(),
    Field(
        pattern=r"^(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,5}(\.[0-9]{1,2})?)$",
        max_length=9,
        description=(
            'A positive decimal string below 1000000, e.g. "40.00"; no more decimal places '
            "than the currency has (none for JPY)."
        ),
        examples=["40.00"],
    ),
]
# An hourly price of an agreement: zero or more (the column keeps ten digits, two places).
PriceIn = Annotated[
    str,
    Strict(),
    Field(pattern=r"^[0-9]{1,8}(\.[0-9]{1,2})?$", max_length=11, examples=["35.00"]),
]
PercentIn = Annotated[
    str,
    Strict(),
    Field(
        pattern=r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$",
        max_length=6,
        description="0 to 100, at most two decimal places, as a string.",
        examples=["50"],
    ),
]
MonthText = Annotated[
    str,
    Field(
        pattern=r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$",
        description="A month, YYYY-MM (years 2000–2100).",
        examples=["2026-11"],
    ),
]
Method = Literal["cash", "card", "bank_transfer", "pix"]
State = Literal["no_charge", "unpaid", "partially_paid", "paid"]
assert set(Method.__args__) == set(PaymentMethod.values)  # noqa: S101 - one list, two spellings


def amount(value, currency: str) -> str:
    """`value` as a decimal string in `currency`'s places."""
    return str(money.quantize(Decimal(value), currency))


def year_month(text_value: str) -> tuple[int, int]:
    year, month = text_value.split("-")
    return int(year), int(month)


class Page(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**6)


# ---------------------------------------------------------------- payments


class AllocationOut(Schema):
    booking_id: int
    amount: AmountOut


class PaymentOut(Schema):
    """A payment, or (with `reverses`) the reversal of one: the opposite amount."""

    id: int
    professional: ProfessionalRef
    amount: AmountOut
    currency: Currency
    method: Method
    received_on: date
    note: str
    reverses: int | None = Field(description="The payment this row reverses.")
    reversed_by: int | None = Field(description="The reversal of this payment, if any.")
    source: str
    created_at: datetime
    created_by: str | None
    allocations: list[AllocationOut] = Field(
        description="The bookings it settles (what is left over stays as credit)."
    )

    @staticmethod
    def resolve_amount(obj):
        return amount(obj.amount, obj.currency)

    @staticmethod
    def resolve_reverses(obj):
        return obj.reverses_id

    @staticmethod
    def resolve_reversed_by(obj):
        try:
            return obj.reversal.pk
        except type(obj).reversal.RelatedObjectDoesNotExist:
            return None

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.get_username() if obj.created_by else None

    @staticmethod
    def resolve_allocations(obj):
        return [
            {"booking_id": a.booking_id, "amount": amount(a.amount, obj.currency)}
            for a in obj.allocations.all()
        ]


class PaymentIn(In):
    professional_id: BodyId
    amount: PaymentAmount
    currency: CurrencyIn
    method: Method = Field(description="One the locations concerned accept (see /payments/setup).")
    received_on: Day | None = Field(
        None, description="Default: today where the money was received; never later."
    )
    note: text(300) = ""
    booking_ids: list[BodyId] | None = Field(
        None,
        max_length=100,
        description=(
            "Settle only these bookings (each theirs, in this currency, with something left "
            "to pay), oldest first. Omitted: the oldest outstanding charges first."
        ),
    )


class ReversalIn(In):
    reason: text(300, min_length=1) = Field(description="Why the payment is reversed.")


class PaymentFilters(Page):
    professional: list[Id] | None = None
    currency: Currency | None = None
    from_: Day | None = Field(None, alias="from", description="Received on or after this day.")
    to: Day | None = Field(None, description="Received on or before this day.")


class MethodOut(Schema):
    value: Method
    label: str


class PaymentSetupQuery(Schema):
    professional: Id | None = None
    currency: Currency | None = None


class PaymentSetupOut(Schema):
    """What a payment form starts from: the currencies locations bill in, the currency for
    the professional (of their latest booking), the methods accepted there and today's date
    there."""

    currencies: list[Currency]
    currency: Currency | None
    location: LocationRef | None
    methods: list[MethodOut]
    today: date


# ---------------------------------------------------------------- charges and balances


class ChargeFilters(Page):
    from_: Moment | None = Field(None, alias="from", description="Starts at or after this.")
    to: Moment | None = Field(None, description="Starts before this.")
    professional: list[Id] | None = None
    location: list[Id] | None = None
    currency: Currency | None = None
    state: list[State] | None = None
    outstanding: bool | None = Field(None, description="true: only what is left to pay.")
    due: bool | None = Field(None, description="true: only charges due now (see `due`).")

    @model_validator(mode="after")
    def bounded(self):
        if self.from_ and self.to and self.to <= self.from_:
            raise ValueError(_("“to” must be after “from”."))
        return self


class ChargeOut(Schema):
    """What a booking charges its professional, what was paid against it and its state."""

    booking_id: int
    professional: ProfessionalRef
    room: RoomRef
    location: LocationRef
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime
    local_ends_at: datetime
    status: BookingStatus
    kind: str = Field(description='The line as a statement reads it ("Late cancellation").')
    currency: Currency
    price: AmountOut
    charge: AmountOut = Field(description="Price, or the no-show / late-cancellation share.")
    paid: AmountOut
    outstanding: AmountOut = Field(description="Charge − paid; negative when overpaid.")
    state: State
    state_label: str
    due: bool = Field(
        description="Due now: it has started, or it is a cancellation (charged when made)."
    )


def charge_out(charge, now: datetime) -> dict:
    booking = charge.booking
    room, currency = booking.room, booking.currency
    return {
        "booking_id": booking.pk,
        "professional": booking.professional,
        "room": room,
        "location": room.location,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "local_starts_at": at_location(booking.starts_at, booking),
        "local_ends_at": at_location(booking.ends_at, booking),
        "status": booking.status,
        "kind": charge.kind,
        "currency": currency,
        "price": amount(booking.price, currency),
        "charge": amount(charge.amount, currency),
        "paid": amount(charge.allocated, currency),
        "outstanding": amount(charge.outstanding, currency),
        "state": charge.payment_state,
        "state_label": str(PaymentState.LABELS[charge.payment_state]),
        "due": booking.starts_at <= now or booking.status == BookingStatus.CANCELLED,
    }


class ChargeDetailOut(ChargeOut):
    methods_accepted: list[MethodOut] = Field(description="What its location accepts.")
    local_today: date = Field(description="Today at its location (a payment's latest date).")


class BalanceOut(Schema):
    """One professional's money in one currency: charged (due so far), paid (net of
    reversals) and the balance, what they owe (negative: the clinic holds a credit)."""

    professional: ProfessionalRef
    currency: Currency
    charged: AmountOut
    paid: AmountOut
    balance: AmountOut


class BalanceFilters(Schema):
    professional: list[Id] | None = None
    currency: Currency | None = None
    owing: bool | None = Field(None, description="true: only balances above zero.")


class AccountOut(Schema):
    currency: Currency
    charged: AmountOut
    paid: AmountOut
    balance: AmountOut
    ahead: AmountOut = Field(description="What bookings still ahead will charge.")


class ProfessionalAccountsOut(Schema):
    professional: ProfessionalRef
    accounts: list[AccountOut]


class IncomeQuery(Schema):
    month: MonthText


class IncomeRowOut(Schema):
    location: str
    room: str = Field(description="Empty on a location's total row.")
    currency: Currency
    charged: AmountOut
    paid: AmountOut
    bookings: int


class IncomeOut(Schema):
    month: MonthText
    rooms: list[IncomeRowOut]
    totals: list[IncomeRowOut] = Field(description="One row per location and currency.")


def income_row(row) -> dict:
    return {
        "location": row.location,
        "room": row.room,
        "currency": row.currency,
        "charged": amount(row.charged, row.currency),
        "paid": amount(row.paid, row.currency),
        "bookings": row.bookings,
    }


class ActivityQuery(Schema):
    month: MonthText | None = Field(
        None, description="Default: this month; at most twelve months ahead (later: that)."
    )


class SpendOut(Schema):
    currency: Currency
    amount: AmountOut


class PeriodOut(Schema):
    """A week or a month of a professional's own bookings, by their local days."""

    first_day: date
    last_day: date
    hours: str = Field(pattern=r"^[0-9]+\.[0-9]{2}$", description='Booked hours, e.g. "12.50".')
    executed: int
    no_show: int
    booked: int = Field(description="Booked or requested, not marked yet.")
    late_cancelled: int
    spend: list[SpendOut] = Field(description="What these bookings charge, per currency.")


def period_out(period) -> dict:
    return {
        "first_day": period.first_day,
        "last_day": period.last_day,
        "hours": str(period.hours),
        "executed": period.executed,
        "no_show": period.no_show,
        "booked": period.booked,
        "late_cancelled": period.late_cancelled,
        "spend": [
            {"currency": currency, "amount": amount(total, currency)}
            for currency, total in period.spend_list
        ],
    }


class ActivityOut(Schema):
    """The portal's "My month": the month's totals, its weeks (starting on the reader's
    first day of the week, Accept-Language) and the six months up to it."""

    month: MonthText
    totals: PeriodOut
    weeks: list[PeriodOut]
    months: list[PeriodOut]


# ---------------------------------------------------------------- statements


class StatementOut(Schema):
    """An issued statement (immutable; issuing again makes a new version that replaces it)."""

    id: int
    number: str
    professional: ProfessionalRef
    month: MonthText
    currency: Currency
    version: int
    replaces: int | None
    replaced_by: int | None = Field(description="A later version, if one was issued.")
    opening_balance: AmountOut
    charges_total: AmountOut
    payments_total: AmountOut
    closing_balance: AmountOut
    line_count: int
    issued_at: datetime
    issued_by: str | None
    source: str
    pdf: str = Field(description="Where to download its PDF (this API).")

    @staticmethod
    def resolve_month(obj):
        return obj.period

    @staticmethod
    def resolve_replaces(obj):
        return obj.replaces_id

    @staticmethod
    def resolve_replaced_by(obj):
        return getattr(obj, "successor_id", None)

    @staticmethod
    def resolve_opening_balance(obj):
        return amount(obj.opening_balance, obj.currency)

    @staticmethod
    def resolve_charges_total(obj):
        return amount(obj.charges_total, obj.currency)

    @staticmethod
    def resolve_payments_total(obj):
        return amount(obj.payments_total, obj.currency)

    @staticmethod
    def resolve_closing_balance(obj):
        return amount(obj.closing_balance, obj.currency)

    @staticmethod
    def resolve_issued_by(obj):
        return obj.issued_by.get_username() if obj.issued_by else None

    @staticmethod
    def resolve_pdf(obj):
        return f"/api/v1/statements/{obj.pk}/pdf"


class StatementFilters(Page):
    month: MonthText | None = None
    professional: list[Id] | None = None
    currency: Currency | None = None
    all_versions: bool = Field(False, description="Also the versions later ones replaced.")


class StatementIn(In):
    professional_id: BodyId
    month: MonthText
    currency: CurrencyIn | None = Field(
        None, description="Default: the first currency they booked or paid in."
    )


class BatchIn(In):
    month: MonthText
    send_email: BodyBool = Field(False, description="Email each statement to its professional.")


class BatchOut(Schema):
    """ "Issue all statements for a month": every professional and currency with a booking
    or a payment up to its end and no statement yet. Advance it until `finished_at`."""

    id: int
    month: MonthText
    total: int
    done: int
    send_email: bool
    created_at: datetime
    created_by: str | None
    finished_at: datetime | None


def batch_out(batch, done: int) -> dict:
    return {
        "id": batch.pk,
        "month": f"{batch.year}-{batch.month:02d}",
        "total": batch.total,
        "done": done,
        "send_email": batch.send_email,
        "created_at": batch.created_at,
        "created_by": batch.created_by.get_username() if batch.created_by else None,
        "finished_at": batch.finished_at,
    }


# ---------------------------------------------------------------- exports

ExportKind = Literal["bookings", "payments", "professionals"]
ExportStatus = Literal[
    "requested", "booked", "executed", "no_show", "cancelled", "active", "inactive"
]
assert set(BookingStatus.values) <= set(ExportStatus.__args__)  # noqa: S101


class ExportFilters(Schema):
    date_from: Day | None = Field(None, description="First local day.")
    date_to: Day | None = Field(None, description="Last local day (inclusive).")
    location: Id | None = None
    professional: Id | None = None
    status: ExportStatus | None = Field(
        None, description="A booking status (bookings) or active/inactive (professionals)."
    )

    @model_validator(mode="after")
    def in_order(self):
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError(_("The end date is before the start date."))
        return self


# ---------------------------------------------------------------- agreements and policies


class AgreementOut(Schema):
    """A professional's own hourly price or discount, from one day to another (inclusive),
    for every room, one location or one room."""

    id: int
    professional: ProfessionalRef
    location: LocationRef | None
    room: RoomRef | None
    valid_from: date
    valid_until: date | None
    hourly_price: AmountOut | None = Field(description="In the currency of the room's location.")
    discount_percent: PercentOut | None
    note: str

    @staticmethod
    def resolve_hourly_price(obj):
        return None if obj.hourly_price is None else str(obj.hourly_price)

    @staticmethod
    def resolve_discount_percent(obj):
        return None if obj.discount_percent is None else str(obj.discount_percent)


def _one_of_price_or_discount(price, discount) -> None:
    if (price is None) == (discount is None):
        raise ValueError(_("Give either an hourly price or a discount, not both."))


class AgreementFilters(Schema):
    professional: list[Id] | None = None
    current: bool | None = Field(None, description="true: only those in force or ahead.")


class AgreementIn(In):
    professional_id: BodyId
    location_id: BodyId | None = Field(None, description="Omitted with room_id: every room.")
    room_id: BodyId | None = None
    valid_from: Day
    valid_until: Day | None = Field(None, description="Its last day; omitted: open-ended.")
    hourly_price: PriceIn | None = None
    discount_percent: PercentIn | None = None
    note: text(200) = ""

    @model_validator(mode="after")
    def consistent(self):
        _one_of_price_or_discount(self.hourly_price, self.discount_percent)
        return self


class AgreementPatch(In):
    """Only the fields given change. null empties location_id, room_id, valid_until and
    one of hourly_price / discount_percent (give the other); it is refused for the rest."""

    location_id: BodyId | None = None
    room_id: BodyId | None = None
    valid_from: Day = None
    valid_until: Day | None = None
    hourly_price: PriceIn | None = None
    discount_percent: PercentIn | None = None
    note: text(200) = None


class EndIn(In):
    on: Day = Field(description="The agreement's last day (inclusive).")


class BillingPolicyOut(Schema):
    """What a late cancellation and a no-show cost at a location, and how it takes money."""

    location: LocationRef
    late_cancel_percent: PercentOut
    no_show_percent: PercentOut
    payment_methods: list[Method] = Field(
        description="As set; empty means the defaults of the location's currency."
    )
    methods_accepted: list[Method] = Field(description="What the location accepts in effect.")


class BillingPolicyPatch(In):
    """Only the fields given change; a new percentage applies from now on (what was
    charged keeps the percentage in force then)."""

    late_cancel_percent: PercentIn = None
    no_show_percent: PercentIn = None
    payment_methods: list[Method] = Field(None, max_length=4)


# ---------------------------------------------------------------- the month table

MonthTableSort = Annotated[
    str,
    Field(
        pattern=r"^-?(name|currency|sessions|hours|gross|commission|rent|balance)$",
        description="A column; a leading '-' sorts the other way.",
    ),
]


class MonthTableQuery(Schema):
    month: MonthText
    location: int | None = Field(None, ge=1, le=2**31 - 1, description="Only this location.")
    sort: MonthTableSort = "name"


class MonthTableRowOut(Schema):
    """One professional's month in one currency: the figures of their statement."""

    professional: ProfessionalRef
    currency: str = Field(description="Empty for a professional with nothing in the month.")
    sessions: int
    hours: str = Field(description="Booked hours, a decimal string (1.50 is 1 h 30).")
    gross: AmountOut
    commission: AmountOut
    rent: AmountOut
    balance: AmountOut = Field(description="What the professional owes (negative: is owed).")


class MonthTableOut(Schema):
    month: str
    location: int | None
    sort: str
    rows: list[MonthTableRowOut]
