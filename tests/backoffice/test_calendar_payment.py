"""The calendar's "Record payment…" through HTTP: what a booking still owes, recording a
payment for that booking only, and every refusal answering a sentence and writing nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import ledger
from billing.models import Allocation, BillingPolicy, Payment
from billing.services import record_payment
from scheduling import services
from scheduling.models import Source
from tests.billing.conftest import billing_snapshot
from tests.factories import LocationFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(book, room, pro_a, at, day, staff):
    """An executed hour two weeks ago at 40.00 EUR, nothing paid yet."""
    on = day - timedelta(days=21)
    booking = book(room, pro_a, at("09:00", on=on), at("10:00", on=on), allow_past=True)
    return services.mark_executed(booking, by=staff, source=Source.BACKOFFICE)


def url(booking_or_pk) -> str:
    pk = getattr(booking_or_pk, "pk", booking_or_pk)
    return reverse("calendar:booking-payment", args=[pk])


def local_today(location) -> date:
    return timezone.now().astimezone(location.zone).date()


def pay_elsewhere(booking, amount: str, staff):
    """A part payment made on the billing page, for the same booking."""
    return record_payment(
        professional=booking.professional,
        amount=amount,
        currency="EUR",
        method="cash",
        received_on=local_today(booking.room.location),
        bookings=[booking.pk],
        by=staff,
        source=Source.BACKOFFICE,
    )


def good(**changes) -> dict:
    fields = {"amount": "40.00", "method": "card", "received_on": "", "note": "at the desk"}
    return {**fields, **changes}


def test_what_is_owed_is_the_whole_charge_before_any_payment(desk, done, location):
    body = desk.get(url(done)).json()
    assert (body["owed"], body["charged"], body["paid"]) == ("40.00", "40.00", "0.00")
    assert (body["currency"], body["places"], body["state"]) == ("EUR", 2, "unpaid")
    assert body["summary"] == "Still owed €40.00 of €40.00."
    assert body["today"] == local_today(location).isoformat()
    assert "Ana Alves" in body["when"] and "Sala 1" in body["when"]


def test_after_a_part_payment_the_default_amount_is_what_is_left(desk, done, staff):
    pay_elsewhere(done, "15.50", staff)
    body = desk.get(url(done)).json()
    assert (body["owed"], body["paid"], body["state"]) == ("24.50", "15.50", "partially_paid")


def test_recording_pays_that_booking_and_answers_its_fragment_marked_paid(
    desk, done, book, room, pro_a, at, day, staff
):
    # An older unpaid booking of the same professional: without the pick it would be paid
    # first; the calendar's payment must go to the booking it was opened on.
    on = day - timedelta(days=28)
    older = book(room, pro_a, at("09:00", on=on), at("10:00", on=on), allow_past=True)
    pay_elsewhere(done, "15.50", staff)
    owed = desk.get(url(done)).json()["owed"]

    response = desk.post(
        url(done), good(amount=owed, method="bank_transfer", note="rest, by transfer")
    )

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "Payment of €24.50 recorded."
    assert 'data-pay="paid"' in body["html"] and 'data-payment="paid"' in body["html"]
    payment = Payment.objects.latest("pk")
    assert (payment.amount, payment.currency, payment.method) == (
        Decimal("24.50"),
        "EUR",
        "bank_transfer",
    )
    assert (payment.note, payment.source, payment.created_by) == (
        "rest, by transfer",
        Source.BACKOFFICE,
        staff,
    )
    assert payment.received_on == local_today(room.location)
    assert list(payment.allocations.values_list("booking_id", "amount")) == [
        (done.pk, Decimal("24.50"))
    ]
    assert ledger.booking_charge(done).payment_state == ledger.PaymentState.PAID
    assert ledger.booking_charge(older).payment_state == ledger.PaymentState.UNPAID


def test_a_part_payment_leaves_the_card_part_paid(desk, done):
    response = desk.post(url(done), good(amount="10", received_on="2025-01-02"))
    assert response.status_code == 201
    assert 'data-pay="partially_paid"' in response.json()["html"]
    assert Payment.objects.get().received_on == date(2025, 1, 2)
    assert desk.get(url(done)).json()["owed"] == "30.00"


def test_paying_more_than_is_owed_says_what_stays_as_credit(desk, done):
    response = desk.post(url(done), good(amount="50.00"))
    assert response.status_code == 201
    assert response.json()["message"] == (
        "Payment of €50.00 recorded; €10.00 stays as credit for Ana Alves."
    )
    assert Allocation.objects.get().amount == Decimal("40.00")


def test_a_no_show_owes_the_percentage_the_policy_fixed(
    desk, book, room, pro_a, at, day, staff, location
):
    BillingPolicy.objects.create(location=location, no_show_percent=Decimal("50"))
    on = day - timedelta(days=21)
    booking = book(room, pro_a, at("09:00", on=on), at("11:00", on=on), allow_past=True)
    services.mark_no_show(booking, by=staff, source=Source.BACKOFFICE)
    assert desk.get(url(booking)).json()["owed"] == "40.00"


def test_the_popover_offers_only_the_methods_of_the_bookings_location(
    desk, done, book, pro_a, at, day, staff
):
    assert [m["value"] for m in desk.get(url(done)).json()["methods"]] == [
        "cash",
        "card",
        "bank_transfer",
    ]
    paulista = LocationFactory(name="Integra Paulista", tz="America/Sao_Paulo", currency="BRL")
    sala = RoomFactory(location=paulista, name="Sala Pitanga")
    on = day - timedelta(days=14)
    there = book(
        sala,
        pro_a,
        at("09:00", on=on, loc=paulista),
        at("10:00", on=on, loc=paulista),
        allow_past=True,
    )
    body = desk.get(url(there)).json()
    assert body["methods"][-1] == {"value": "pix", "label": "Pix"}
    assert (body["currency"], body["today"]) == ("BRL", local_today(paulista).isoformat())
    response = desk.post(url(there), good(method="pix"))
    assert response.status_code == 201
    assert Payment.objects.get().currency == "BRL"


def test_pix_for_a_lisbon_booking_is_refused_with_a_sentence_and_writes_nothing(desk, done):
    before = (billing_snapshot(), Payment.objects.count(), Allocation.objects.count())
    response = desk.post(url(done), good(method="pix"))
    assert response.status_code == 422
    assert response.json()["field"] == "method"
    assert response.json()["message"] == (
        "Pix is not accepted at Lisboa Centro; it accepts cash, card, bank transfer."
    )
    assert (billing_snapshot(), Payment.objects.count(), Allocation.objects.count()) == before


BAD = {
    "a negative amount": (good(amount="-5"), "amount", "more than zero"),
    "a zero amount": (good(amount="0"), "amount", "more than zero"),
    "an absurd amount": (good(amount="5000000"), "amount", "more than any payment"),
    "a too fine amount": (good(amount="10.005"), "amount", "at most 2 decimal places"),
    "not a number": (good(amount="forty"), "amount", "is not an amount"),
    "an unknown method": (good(method="cheque"), "method", "Choose how the payment was made"),
    "no method": (good(method=""), "method", "Choose how the payment was made"),
    "a date that is not a date": (good(received_on="31/12"), "received_on", "like 2030-01-31"),
    "a date long ago": (good(received_on="1999-12-31"), "received_on", "too far in the past"),
    "a long note": (good(note="x" * 301), "note", "under 300 characters"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_with_a_sentence_and_writes_nothing(case, desk, done):
    fields, field, sentence = BAD[case]
    before = (billing_snapshot(), Payment.objects.count(), Allocation.objects.count())
    response = desk.post(url(done), fields)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert sentence in response.json()["message"]
    assert (billing_snapshot(), Payment.objects.count(), Allocation.objects.count()) == before


def test_a_date_after_today_at_the_location_is_refused_and_writes_nothing(desk, done, location):
    tomorrow = local_today(location) + timedelta(days=1)
    response = desk.post(url(done), good(received_on=tomorrow.isoformat()))
    assert response.status_code == 422
    assert response.json()["message"] == (
        f"A payment cannot be received in the future ({tomorrow})."
    )
    assert (Payment.objects.count(), Allocation.objects.count()) == (0, 0)


def test_a_booking_already_paid_is_refused_and_writes_nothing(desk, done, staff):
    pay_elsewhere(done, "40.00", staff)
    assert desk.get(url(done)).json()["summary"] == "Nothing is left to pay on this booking."
    before = (Payment.objects.count(), Allocation.objects.count())
    response = desk.post(url(done), good(amount="5"))
    assert response.status_code == 422
    assert response.json()["message"] == f"Booking #{done.pk} has nothing left to pay."
    assert (Payment.objects.count(), Allocation.objects.count()) == before


def test_a_booking_cancelled_in_time_charges_nothing_and_is_refused(
    desk, book, room, pro_a, at, staff
):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    services.cancel(booking, by=staff, source=Source.BACKOFFICE)
    body = desk.get(url(booking)).json()
    assert (body["owed"], body["state"]) == ("0.00", "no_charge")
    response = desk.post(url(booking), good())
    assert response.status_code == 422
    assert (Payment.objects.count(), Allocation.objects.count()) == (0, 0)


def test_an_unknown_booking_is_a_404_with_a_sentence(desk, done):
    for response in (desk.get(url(999999)), desk.post(url(999999), good())):
        assert response.status_code == 404
        assert response.json()["message"] == "There is no booking #999999."
    assert (Payment.objects.count(), Allocation.objects.count()) == (0, 0)


def test_a_professional_and_an_anonymous_visitor_get_403_and_nothing_is_written(
    client, done, pro_a
):
    for who in (None, pro_a.user):
        if who is not None:
            client.force_login(who)
        assert client.get(url(done)).status_code == 403
        response = client.post(url(done), good())
        assert response.status_code == 403
        assert response.json()["message"] == "Staff only."
    assert (Payment.objects.count(), Allocation.objects.count()) == (0, 0)


def test_the_menu_offers_record_payment_and_each_card_says_what_is_left_to_pay(desk, done):
    page = desk.get(
        reverse("calendar:calendar") + f"?view=day&date={done.starts_at.date()}"
    ).content.decode()
    assert 'data-action="payment"' in page and "Record payment…" in page
    assert 'id="record-payment"' in page and '<option value="pix">Pix</option>' in page
    assert f'data-booking="{done.pk}"' in page and 'data-payment="unpaid"' in page
