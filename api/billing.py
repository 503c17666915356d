"""API handlers for payments and reversals, charges (the paid state of bookings),
balances and the month's income.

The same rules and permissions as the billing page, the calendar's payment popover and
the portal's money page, by calling the same services and queries: reception records
payments and reads charges, balances and income; a manager also reverses payments; a
professional reads their own payments, charges and balance and nothing of anyone else's
(404, as for an unknown id). Every write goes through `billing.services` with
source=API, the user and their IP address. Statements and exports are in api/statements.py,
agreements and billing policies in api/prices.py."""

from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router, Status
from ninja.errors import AuthorizationError

from accounts import roles
from accounts.audit import actor_from_request
from api.billing_schemas import (
    AccountOut,
    ActivityOut,
    ActivityQuery,
    BalanceFilters,
    BalanceOut,
    ChargeDetailOut,
    ChargeFilters,
    ChargeOut,
    IncomeOut,
    IncomeQuery,
    PaymentFilters,
    PaymentIn,
    PaymentOut,
    PaymentSetupOut,
    PaymentSetupQuery,
    ProfessionalAccountsOut,
    ReversalIn,
    amount,
    charge_out,
    income_row,
    period_out,
    year_month,
)
from api.scheduling import _fingerprint, manager_only, staff_only
from api.schemas import MAX_ID
from billing import activity, ledger, payment_methods, reports, services
from billing.access import (
    payment_for,
    payments_visible_to,
)
from professionals.access import professional_for, professionals_visible_to
from scheduling import access
from scheduling.models import Location, Source

payments_router = Router(tags=["payments"])
charges_router = Router(tags=["payments"])
balances_router = Router(tags=["balances"])
income_router = Router(tags=["balances"])
activity_router = Router(tags=["balances"])

RowId = Path(..., ge=1, le=MAX_ID)


def audit_of(request) -> dict:
    return actor_from_request(request, Source.API, by=request.auth).as_kwargs()


def staff_or_professional(user) -> None:
    if not roles.is_staff(user) and roles.professional_of(user) is None:
        raise AuthorizationError(message=_("Only staff may do this."))


# ---------------------------------------------------------------- payments


def _payment(user, pk: int):
    payment = payment_for(user, pk)
    prefetch_related_objects([payment], "allocations")
    return payment


@payments_router.get("/setup", response=PaymentSetupOut)
def payment_setup(request, query: Query[PaymentSetupQuery]):
    """Staff: what a payment for the professional (and currency) would start from — the
    billing page's form fields."""
    staff_only(request.auth)
    professional = (
        professional_for(request.auth, query.professional) if query.professional else None
    )
    currencies = sorted(set(Location.objects.values_list("currency", flat=True)))
    # As the form: a currency no location bills in is not offered, so it is not kept.
    currency = query.currency if query.currency in currencies else None
    setup = payment_methods.setup_for(professional, currency)
    return {
        "currencies": currencies,
        "currency": setup.currency,
        "location": setup.location,
        "methods": [{"value": value, "label": label} for value, label in setup.methods],
        "today": setup.today,
    }


@payments_router.get("", response=list[PaymentOut])
def list_payments(request, filters: Query[PaymentFilters]):
    """Staff: every payment and reversal, latest first. A professional: their own."""
    staff_or_professional(request.auth)
    payments = payments_visible_to(request.auth).prefetch_related("allocations")
    if filters.professional:
        payments = payments.filter(professional_id__in=filters.professional)
    if filters.currency:
        payments = payments.filter(currency=filters.currency)
    if filters.from_:
        payments = payments.filter(received_on__gte=filters.from_)
    if filters.to:
        payments = payments.filter(received_on__lte=filters.to)
    payments = payments.order_by("-created_at", "-pk")
    return payments[filters.offset : filters.offset + filters.limit]


@payments_router.get("/{payment_id}", response=PaymentOut)
def get_payment(request, payment_id: int = RowId):
    return _payment(request.auth, payment_id)


@payments_router.post("", response={201: PaymentOut})
def record_payment(
    request,
    payload: PaymentIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Staff: record money received from a professional; it settles their oldest
    outstanding charges in that currency (or only `booking_ids`), the rest stays as credit.
    With an Idempotency-Key a retry returns the first payment (header
    `Idempotent-Replayed: true`) and records nothing; the same key with a different body
    is refused."""
    staff_only(request.auth)
    professional = professional_for(request.auth, payload.professional_id)
    payment = services.record_payment(
        professional=professional,
        amount=payload.amount,
        currency=payload.currency,
        method=payload.method,
        received_on=payload.received_on,
        note=payload.note,
        bookings=payload.booking_ids,
        idempotency_key=idempotency_key or None,
        fingerprint=_fingerprint(request) if idempotency_key else "",
        **audit_of(request),
    )
    if payment.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, _payment(request.auth, payment.pk))


@payments_router.post("/{payment_id}/reverse", response={201: PaymentOut})
def reverse_payment(request, payload: ReversalIn, payment_id: int = RowId):
    """A manager: reverse a mistaken payment with a reason. A new row with the opposite
    amount and allocations answers it (the original stays); a payment is reversed once."""
    payment = payment_for(request.auth, payment_id)
    manager_only(request.auth, "billing.reverse_payment")
    reversal = services.reverse_payment(payment, reason=payload.reason, **audit_of(request))
    return Status(201, _payment(request.auth, reversal.pk))


# ---------------------------------------------------------------- charges


@charges_router.get("", response=list[ChargeOut])
def list_charges(request, filters: Query[ChargeFilters]):
    """What bookings charge and their paid state (paid, partially paid, unpaid, no charge),
    oldest first. Staff: every booking; a professional: their own."""
    staff_or_professional(request.auth)
    bookings = access.bookings_visible_to(request.auth).select_related("professional")
    if filters.from_:
        bookings = bookings.filter(starts_at__gte=filters.from_)
    if filters.to:
        bookings = bookings.filter(starts_at__lt=filters.to)
    if filters.professional:
        bookings = bookings.filter(professional_id__in=filters.professional)
    if filters.location:
        bookings = bookings.filter(room__location_id__in=filters.location)
    if filters.currency:
        bookings = bookings.filter(currency=filters.currency)
    now = timezone.now()
    found = []
    for charge in ledger.charges(bookings):
        if filters.state and charge.payment_state not in filters.state:
            continue
        if filters.outstanding is not None and (charge.outstanding > 0) != filters.outstanding:
            continue
        if filters.due is not None and ledger.is_due(charge.booking, now) != filters.due:
            continue
        found.append(charge)
    return [charge_out(c, now) for c in found[filters.offset : filters.offset + filters.limit]]


@charges_router.get("/{booking_id}", response=ChargeDetailOut)
def get_charge(request, booking_id: int = RowId):
    """One booking's charge, what was paid against it and what is left, with the payment
    methods its location accepts — the calendar's "Record payment…" popover."""
    booking = access.booking_for(request.auth, booking_id)
    location = booking.room.location
    methods = payment_methods.accepted_at(location)
    return {
        **charge_out(ledger.booking_charge(booking), timezone.now()),
        "methods_accepted": [{"value": m, "label": payment_methods.label(m)} for m in methods],
        "local_today": payment_methods.today_at(location),
    }


# ---------------------------------------------------------------- balances and income


@balances_router.get("", response=list[BalanceOut])
def list_balances(request, filters: Query[BalanceFilters]):
    """What each professional owes per currency (charges due − payments; negative is a
    credit), largest first. Staff: everyone; a professional: their own rows."""
    staff_or_professional(request.auth)
    visible = professionals_visible_to(request.auth)
    if filters.professional:
        visible = visible.filter(pk__in=filters.professional)
    professionals = visible.in_bulk()
    rows = [
        row
        for row in ledger.all_balances(list(professionals)).values()
        if (filters.currency is None or row.currency == filters.currency)
        and (filters.owing is None or (row.balance > 0) == filters.owing)
    ]
    rows.sort(key=lambda r: (-r.balance, professionals[r.professional_id].name, r.currency))
    return [
        {
            "professional": professionals[row.professional_id],
            "currency": row.currency,
            "charged": amount(row.charged, row.currency),
            "paid": amount(row.paid, row.currency),
            "balance": amount(row.balance, row.currency),
        }
        for row in rows
    ]


@balances_router.get("/{professional_id}", response=ProfessionalAccountsOut)
def get_balance(request, professional_id: int = RowId):
    """One professional's accounts per currency — charged, paid, balance and what is
    booked ahead (the portal's "My money"). Staff: anyone's; a professional: their own."""
    professional = professional_for(request.auth, professional_id)
    theirs = access.bookings_visible_to(request.auth).filter(professional=professional)
    accounts = ledger.accounts_of(professional, ledger.charges(theirs), timezone.now())
    return {
        "professional": professional,
        "accounts": [
            AccountOut(
                currency=a.currency,
                charged=amount(a.charged, a.currency),
                paid=amount(a.paid, a.currency),
                balance=amount(a.balance, a.currency),
                ahead=amount(a.ahead, a.currency),
            )
            for a in accounts
        ],
    }


@activity_router.get("", response=ActivityOut)
def my_activity(request, query: Query[ActivityQuery]):
    """A professional: their own month — booked hours, spend, executed and no-shows per
    week and per month (the portal's "My month")."""
    own = roles.professional_of(request.auth)
    if own is None or roles.is_staff(request.auth):
        raise AuthorizationError(message=_("Only professionals may do this."))
    location = Location.objects.first()
    zone = location.zone if location else ZoneInfo("UTC")
    this_month = timezone.now().astimezone(zone).date().replace(day=1)
    shown = date(*year_month(query.month), 1) if query.month else this_month
    shown = min(shown, activity.add_months(this_month, 12))
    found = activity.build(own, shown)
    return {
        "month": f"{shown.year}-{shown.month:02d}",
        "totals": period_out(found.month),
        "weeks": [period_out(p) for p in found.weeks],
        "months": [period_out(p) for p in found.months],
    }


@income_router.get("", response=IncomeOut)
def month_income(request, query: Query[IncomeQuery]):
    """Staff: what the month's bookings (by their local start date) charged and what was
    paid against them, per room and per location."""
    staff_only(request.auth)
    rows = reports.month_income(*year_month(query.month))
    return {
        "month": query.month,
        "rooms": [income_row(r) for r in rows],
        "totals": [income_row(r) for r in reports.income_totals(rows)],
    }
