"""Record a payment and allocate it; reverse a mistaken one.

Guarantees: each call is one durable transaction; a refusal raises BillingError and
writes nothing; a payment is never edited or deleted, a reversal row answers it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import locks
from accounts.audit import user_or_none
from professionals.models import Professional
from scheduling.events import send_booking_event_on_commit
from scheduling.models import Location

from .. import ledger, money, payment_methods
from ..errors import AlreadyReversed, BillingError, Busy, IdempotencyKeyReused
from ..models import Allocation, Payment, PaymentKey, PaymentMethod

EARLIEST_PAYMENT = date(2000, 1, 1)


def _professional(professional: Professional | int | str) -> Professional:
    pk = professional.pk if isinstance(professional, Professional) else professional
    try:
        return Professional.objects.get(pk=int(pk))
    except (Professional.DoesNotExist, TypeError, ValueError):
        raise BillingError(_("There is no such professional."), field="professional") from None


def check_currency(currency: str) -> str:
    """`currency` (upper-cased) if some location bills in it or prices sessions in it
    (Location.other_currencies: a Lima session in USD gets a USD statement and may be
    settled in USD); BillingError otherwise."""
    currency = (currency or "").strip().upper()
    try:
        money.places(currency)
    except money.MoneyError as error:
        raise BillingError(error.message, field="currency") from None
    if not Location.objects.filter(currency=currency).exists() and not any(
        currency in (others or [])
        for others in Location.objects.values_list("other_currencies", flat=True)
    ):
        raise BillingError(
            _("No location bills in %(currency)s; use the currency of the location.")
            % {"currency": currency},
            field="currency",
        )
    return currency


def _check_date(received_on, locations: list[Location]) -> date:
    """A date, not after today at the payment's locations (today in their zones; a day
    ahead of UTC when no location is known), nor absurdly far in the past."""
    if not isinstance(received_on, date):
        raise BillingError(_("Give the date the payment was received."), field="received_on")
    latest = payment_methods.latest_today(locations) or timezone.now().date() + timedelta(days=1)
    if received_on > latest:
        raise BillingError(
            _("A payment cannot be received in the future (%(day)s).") % {"day": received_on},
            field="received_on",
        )
    if received_on < EARLIEST_PAYMENT:
        raise BillingError(
            _("%(day)s is too far in the past; check the date.") % {"day": received_on},
            field="received_on",
        )
    return received_on


def _lock(professional: Professional) -> None:
    """Serialise allocations per professional: two payments recorded at once must not
    both settle the same oldest charge."""
    with locks.waiting(_busy):
        locks.for_update(Professional.objects.filter(pk=professional.pk)).first()


def _busy() -> Busy:
    return Busy(
        _(
            "Someone else is recording or reversing this professional's payments right now; "
            "nothing was recorded. Try again in a moment."
        )
    )


def _plan(professional, currency: str, amount: Decimal, picked: list[int] | None):
    """Which outstanding charges the payment settles, oldest first (or only the picked
    bookings, oldest first). What is left over stays with the professional as credit."""
    bookings = ledger.bookings_of(professional, currency)
    if picked is not None:
        found = {b.pk: b for b in bookings.filter(pk__in=picked)}
        missing = [pk for pk in picked if pk not in found]
        if missing:
            raise BillingError(
                _("Booking #%(id)s is not a %(currency)s booking of %(name)s.")
                % {"id": missing[0], "currency": currency, "name": professional.name},
                field="bookings",
            )
        bookings = list(found.values())
    plan, left = [], amount
    for charge in ledger.charges(bookings):
        if picked is not None and charge.outstanding <= 0:
            raise BillingError(
                _("Booking #%(id)s has nothing left to pay.") % {"id": charge.booking.pk},
                field="bookings",
            )
        if left <= 0 or charge.outstanding <= 0:
            continue
        part = min(left, charge.outstanding)
        plan.append((charge.booking, part))
        left -= part
    return plan


class _KeyTaken(Exception):
    """Another transaction stored this user's Idempotency-Key first."""


def _replay(by, key: str, fingerprint: str) -> Payment | None:
    """The payment an earlier request with this key recorded (marked `replayed`), or None;
    IdempotencyKeyReused when that request was a different one."""
    row = (
        PaymentKey.objects.filter(user=user_or_none(by), key=key)
        .select_related("payment__professional")
        .first()
    )
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was already used for a different request.")
        )
    row.payment.replayed = True
    return row.payment


def _check_key(by, key: str) -> None:
    if user_or_none(by) is None:
        raise BillingError(_("An Idempotency-Key needs a signed-in user."), field="idempotency_key")
    if len(key) > 200:
        raise BillingError(
            _("The Idempotency-Key is longer than 200 characters."), field="idempotency_key"
        )


def _store_key(by, key: str, fingerprint: str, payment: Payment) -> None:
    try:
        with transaction.atomic():
            PaymentKey.objects.create(user=by, key=key, fingerprint=fingerprint, payment=payment)
    except IntegrityError:
        raise _KeyTaken from None


# The action of the live update a payment (or its reversal) sends for each booking it pays.
PAID = "paid"
PAYMENT_REVERSED = "payment-reversed"


def _announce(bookings, payment: Payment, action: str) -> None:
    """Every open calendar showing these bookings redraws their paid mark after commit.
    The booking rows did not change, so the message's version names the payment: a
    consumer's cached card of the unpaid booking must not stand for the paid one."""
    for booking in bookings:
        version = f"{booking.updated_at.isoformat()}|pay{payment.pk}"
        send_booking_event_on_commit(booking, action, version=version)


def record_payment(
    *,
    professional: Professional | int,
    amount: str | Decimal,
    currency: str,
    method: str,
    received_on: date | None,
    note: str = "",
    bookings: list[int] | None = None,
    by,
    source: str,
    ip: str | None = None,
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> Payment:
    """Record money received from `professional` and allocate it to their oldest unpaid
    charges in that currency (or only to `bookings`, when the receptionist picks them).

    Raises BillingError for an unknown professional, a currency no location uses, an
    amount that is not positive, finer than the currency or absurd, an unknown method or
    one that the locations concerned do not accept (see billing.payment_methods), a date
    after today there, or a picked booking that is not theirs or has nothing left to pay.

    With an `idempotency_key` (and the request's `fingerprint`), a repeat of the same
    request returns the first payment (its `replayed` attribute is True) and never records
    the money twice; the key with a different request raises IdempotencyKeyReused.

    After commit, each booking it pays is announced to the live calendars (action "paid").
    `ip` (the client's address) is taken like every service's, but no billing row has a
    field for it yet, so it is not stored."""
    if idempotency_key:
        _check_key(by, idempotency_key)
        replayed = _replay(by, idempotency_key, fingerprint)
        if replayed is not None:
            return replayed
    professional = _professional(professional)
    currency = check_currency(currency)
    try:
        amount = money.parse_amount(amount, currency)
    except money.MoneyError as error:
        raise BillingError(error.message, field="amount") from None
    if method not in PaymentMethod.values:
        raise BillingError(_("Choose how the payment was made."), field="method")
    picked = None if not bookings else sorted({int(pk) for pk in bookings})
    locations = payment_methods.locations_for(professional, currency, picked)
    accepted = payment_methods.accepted_for(locations)
    if method not in accepted:
        raise BillingError(payment_methods.refusal(method, locations, accepted), field="method")
    # Left out: today where the money was received, not the server's or UTC's date.
    today = payment_methods.latest_today(locations) or timezone.now().date()
    received_on = _check_date(received_on or today, locations)
    note = (note or "").strip()
    if len(note) > 300:
        raise BillingError(_("Keep the note under 300 characters."), field="note")
    try:
        with transaction.atomic(durable=True):
            _lock(professional)
            plan = _plan(professional, currency, amount, picked)
            payment = Payment.objects.create(
                professional=professional,
                amount=amount,
                currency=currency,
                method=method,
                received_on=received_on,
                note=note,
                source=source,
                created_by=user_or_none(by),
            )
            Allocation.objects.bulk_create(
                Allocation(payment=payment, booking=booking, amount=part) for booking, part in plan
            )
            if idempotency_key:
                _store_key(by, idempotency_key, fingerprint, payment)
            _announce([booking for booking, _part in plan], payment, PAID)
    except _KeyTaken:
        # The same key committed first (a retry racing its original): answer with theirs.
        replayed = _replay(by, idempotency_key, fingerprint)
        if replayed is None:  # pragma: no cover - the key row is never deleted
            raise _busy() from None
        return replayed
    payment.replayed = False
    return payment


def reverse_payment(
    payment: Payment | int | str,
    *,
    reason: str,
    by,
    source: str,
    ip: str | None = None,
    on: date | None = None,
) -> Payment:
    """Reverse a mistaken payment: a new row with the opposite amount and opposite
    allocations, dated `on` (by default today at the payment's locations, in their
    zones). The original stays as it was.

    Raises BillingError for an unknown payment, a reversal, a missing reason, and
    AlreadyReversed when it was reversed before (the database refuses a second one even
    when two people click at once). After commit, the bookings it unpays are announced to
    the live calendars (action "payment-reversed"). `ip` (the client's address) is taken
    like every service's, but no billing row has a field for it yet, so it is not stored."""
    pk = payment.pk if isinstance(payment, Payment) else payment
    reason = (reason or "").strip()
    if not reason:
        raise BillingError(_("Say why the payment is reversed."), field="reason")
    if len(reason) > 300:
        raise BillingError(_("Keep the reason under 300 characters."), field="reason")
    try:
        with transaction.atomic(durable=True):
            try:
                with locks.waiting(_busy):
                    original = locks.for_update(Payment.objects.all()).get(pk=int(pk))
            except (Payment.DoesNotExist, TypeError, ValueError):
                raise BillingError(_("There is no such payment."), field="payment") from None
            if original.is_reversal:
                raise BillingError(
                    _("This is a reversal; it cannot be reversed. Record a new payment instead.")
                )
            if Payment.objects.filter(reverses=original).exists():
                raise AlreadyReversed(_("This payment was already reversed."))
            locations = payment_methods.locations_for(original.professional_id, original.currency)
            today = payment_methods.latest_today(locations) or timezone.now().date()
            on = _check_date(on or today, locations)
            reversal = Payment.objects.create(
                professional_id=original.professional_id,
                amount=-original.amount,
                currency=original.currency,
                method=original.method,
                received_on=on,
                note=reason,
                reverses=original,
                source=source,
                created_by=user_or_none(by),
            )
            allocations = list(original.allocations.select_related("booking__room"))
            Allocation.objects.bulk_create(
                Allocation(payment=reversal, booking_id=a.booking_id, amount=-a.amount)
                for a in allocations
            )
            _announce([a.booking for a in allocations], reversal, PAYMENT_REVERSED)
    except IntegrityError:
        raise AlreadyReversed(_("This payment was already reversed.")) from None
    return reversal
