from datetime import date
from decimal import Decimal

import pytest

from billing import ledger
from billing.errors import AlreadyReversed, BillingError
from billing.models import Allocation, Payment
from billing.services import record_payment, reverse_payment
from scheduling.models import Source
from tests.factories import LocationFactory

from .conftest import billing_snapshot


@pytest.fixture
def pay(staff):
    def make(professional, amount, **kwargs):
        kwargs.setdefault("currency", "EUR")
        kwargs.setdefault("method", "card")
        kwargs.setdefault("received_on", date(2026, 10, 20))
        return record_payment(
            professional=professional, amount=amount, by=staff, source=Source.BACKOFFICE, **kwargs
        )

    return make


def state(booking):
    booking.refresh_from_db()
    return ledger.booking_charge(booking).payment_state


def test_a_payment_settles_the_oldest_unpaid_charges_first(past, pro_a, pay):
    third = past("2026-10-07", "09:00", "10:00", pro_a, state="executed")
    first = past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    second = past("2026-10-06", "09:00", "10:00", pro_a, state="executed")
    payment = pay(pro_a, "60.00")
    assert sorted(payment.allocations.values_list("booking_id", "amount")) == sorted(
        [(first.pk, Decimal("40.00")), (second.pk, Decimal("20.00"))]
    )
    assert state(first) == ledger.PaymentState.PAID
    assert state(second) == ledger.PaymentState.PARTIALLY_PAID
    assert state(third) == ledger.PaymentState.UNPAID
    assert ledger.balance(pro_a, "EUR") == Decimal("60.00")


def test_partial_payments_add_up_until_the_charge_is_paid(past, pro_a, pay):
    booking = past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    pay(pro_a, "15.50")
    assert state(booking) == ledger.PaymentState.PARTIALLY_PAID
    pay(pro_a, "24.50")
    assert state(booking) == ledger.PaymentState.PAID
    assert ledger.balance(pro_a, "EUR") == Decimal("0.00")


def test_paying_more_than_is_owed_leaves_a_credit(past, pro_a, pay):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    payment = pay(pro_a, "100.00")
    assert payment.allocations.get().amount == Decimal("40.00")
    assert ledger.balance(pro_a, "EUR") == Decimal("-60.00")


def test_the_receptionist_can_pick_which_bookings_a_payment_settles(past, pro_a, pay):
    older = past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    newer = past("2026-10-06", "09:00", "10:00", pro_a, state="executed")
    pay(pro_a, "40.00", bookings=[newer.pk])
    assert state(older) == ledger.PaymentState.UNPAID
    assert state(newer) == ledger.PaymentState.PAID


def test_a_reversal_undoes_a_payment_without_touching_it(past, pro_a, pay, staff):
    booking = past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    payment = pay(pro_a, "40.00")
    reversal = reverse_payment(
        payment, reason="Card charge bounced", by=staff, source=Source.BACKOFFICE
    )
    assert reversal.amount == Decimal("-40.00")
    assert reversal.reverses == payment
    assert reversal.created_by == staff and reversal.source == Source.BACKOFFICE
    payment.refresh_from_db()
    assert payment.amount == Decimal("40.00")  # the original stays as it was
    assert state(booking) == ledger.PaymentState.UNPAID
    assert ledger.balance(pro_a, "EUR") == Decimal("40.00")
    assert Payment.objects.count() == 2


def test_reversing_twice_is_refused_and_writes_nothing(past, pro_a, pay, staff):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    payment = pay(pro_a, "40.00")
    reversal = reverse_payment(payment, reason="mistake", by=staff, source=Source.BACKOFFICE)
    before = billing_snapshot()
    with pytest.raises(AlreadyReversed, match="already reversed"):
        reverse_payment(payment, reason="again", by=staff, source=Source.BACKOFFICE)
    with pytest.raises(BillingError, match="cannot be reversed"):
        reverse_payment(reversal, reason="undo", by=staff, source=Source.BACKOFFICE)
    assert billing_snapshot() == before


def test_a_second_reversal_is_refused_by_the_database_too(past, pro_a, pay, staff):
    payment = pay(pro_a, "40.00")
    Payment.objects.create(
        professional=pro_a,
        amount=Decimal("-40.00"),
        currency="EUR",
        method="card",
        received_on=date(2026, 10, 21),
        reverses=payment,
        source=Source.SYSTEM,
    )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            professional=pro_a,
            amount=Decimal("-40.00"),
            currency="EUR",
            method="card",
            received_on=date(2026, 10, 21),
            reverses=payment,
            source=Source.SYSTEM,
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "-10"}, "more than zero"),
        ({"amount": "0"}, "more than zero"),
        ({"amount": "ten"}, "is not an amount"),
        ({"amount": "NaN"}, "is not an amount"),
        ({"amount": "10.001"}, "at most 2 decimal places"),
        ({"amount": "5000000"}, "more than any payment"),
        ({"currency": "XYZ"}, "not a currency Integra knows"),
        ({"currency": "BRL"}, "No location bills in BRL"),
        ({"method": "cheque"}, "Choose how the payment was made"),
        ({"received_on": date(2099, 1, 1)}, "cannot be received in the future"),
        ({"note": "x" * 301}, "under 300 characters"),
    ],
)
def test_bad_payments_are_refused_with_a_sentence_and_write_nothing(
    past, pro_a, pay, changes, message
):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    before = billing_snapshot()
    arguments = {"amount": "40.00"} | changes
    with pytest.raises(BillingError, match=message):
        pay(pro_a, **arguments)
    assert billing_snapshot() == before


def test_a_payment_for_an_unknown_professional_is_refused(pay, location):
    before = billing_snapshot()
    with pytest.raises(BillingError, match="no such professional"):
        pay(987654, "10.00")
    assert billing_snapshot() == before


def test_picking_another_professionals_booking_or_a_paid_one_is_refused(past, pro_a, pro_b, pay):
    theirs = past("2026-10-05", "09:00", "10:00", pro_b, state="executed")
    mine = past("2026-10-06", "09:00", "10:00", pro_a, state="executed")
    pay(pro_a, "40.00", bookings=[mine.pk])
    before = billing_snapshot()
    with pytest.raises(BillingError, match="is not a EUR booking of Ana Alves"):
        pay(pro_a, "40.00", bookings=[theirs.pk])
    with pytest.raises(BillingError, match="nothing left to pay"):
        pay(pro_a, "40.00", bookings=[mine.pk])
    assert billing_snapshot() == before


def test_payments_only_settle_charges_in_their_own_currency(past, pro_a, pay, book, at):
    from tests.factories import RoomFactory

    brl_room = RoomFactory(
        name="SP 1", location=LocationFactory(tz="America/Sao_Paulo", currency="BRL")
    )
    real = past("2026-10-05", "09:00", "10:00", pro_a, on_room=brl_room)
    euro = past("2026-10-06", "09:00", "10:00", pro_a)
    pay(pro_a, "40.00")
    assert state(real) == ledger.PaymentState.UNPAID
    assert state(euro) == ledger.PaymentState.PAID
    assert Allocation.objects.count() == 1


def test_a_recorded_payment_can_be_neither_edited_nor_deleted(pay, pro_a, location):
    payment = pay(pro_a, "40.00")
    payment.amount = Decimal("4.00")
    with pytest.raises(ValueError, match="reverse it instead"):
        payment.save()
    with pytest.raises(ValueError, match="reverse it instead"):
        payment.delete()
    payment.refresh_from_db()
    assert payment.amount == Decimal("40.00")


def test_a_booking_still_ahead_is_not_owed_yet_and_paying_it_early_is_a_credit(
    book, room, pro_a, at, past, pay
):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")  # 40.00, due
    ahead = book(room, pro_a, at("09:00"), at("10:00"))  # next week, 40.00
    assert ledger.balance(pro_a, "EUR") == Decimal("40.00")
    assert ledger.all_balances()[(pro_a.pk, "EUR")].balance == Decimal("40.00")
    pay(pro_a, "80.00")  # settles both, oldest first
    assert state(ahead) == ledger.PaymentState.PAID
    assert ledger.balance(pro_a, "EUR") == Decimal("-40.00")  # a credit until it starts
