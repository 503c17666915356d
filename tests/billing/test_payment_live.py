"""A payment changes the paid mark of the bookings it pays, though not the booking rows:
every open staff calendar redraws them (once, after commit, never on a refusal), the
owner's portal hears of it, and no other professional hears anything. In-memory layer, or
Redis when REDIS_URL is set."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import transaction

from billing.errors import BillingError
from billing.models import Payment
from billing.services import record_payment, reverse_payment
from scheduling import services
from scheduling.models import Source
from tests.portal.test_portal_stream import open_portal
from tests.scheduling.test_consumers import cookie_of, fresh_layer, open_stream  # noqa: F401
from tests.scheduling.test_live_events import heard

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def past_day(day):
    return day - timedelta(days=21)


@pytest.fixture
def done(book, room, pro_a, at, past_day, staff):
    """An executed hour three weeks ago at 40.00 EUR, nothing paid yet."""
    booking = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    return services.mark_executed(booking, by=staff, source=Source.BACKOFFICE)


@pytest.fixture
def pay(staff, past_day):
    def make(booking, amount: str):
        return record_payment(
            professional=booking.professional_id,
            amount=amount,
            currency="EUR",
            method="cash",
            received_on=past_day,
            bookings=[booking.pk],
            by=staff,
            source=Source.BACKOFFICE,
        )

    return make


def test_a_payment_announces_each_booking_it_pays_once_with_a_version_of_its_own(
    done, book, room, pro_a, at, past_day, staff, location
):
    later = book(room, pro_a, at("11:00", on=past_day), at("12:00", on=past_day), allow_past=True)
    payments = []

    def pay_both():  # oldest first, no pick: 40.00 settles the first, 10.00 the second
        payments.append(
            record_payment(
                professional=pro_a,
                amount="50.00",
                currency="EUR",
                method="card",
                received_on=past_day,
                by=staff,
                source=Source.BACKOFFICE,
            )
        )

    [messages] = heard(location, pay_both)
    assert sorted((m["action"], m["booking_id"]) for m in messages) == [
        ("paid", done.pk),
        ("paid", later.pk),
    ]
    versions = {m["booking_id"]: m["version"] for m in messages}
    done.refresh_from_db()
    assert versions[done.pk] == f"{done.updated_at.isoformat()}|pay{payments[0].pk}"


def test_a_reversal_announces_the_bookings_it_unpays(done, pay, staff, location):
    payment = pay(done, "40.00")
    [messages] = heard(
        location,
        lambda: reverse_payment(payment, reason="typo", by=staff, source=Source.BACKOFFICE),
    )
    assert [(m["action"], m["booking_id"]) for m in messages] == [("payment-reversed", done.pk)]
    assert messages[0]["version"].endswith(f"|pay{payment.reversal.pk}")


def test_a_refused_payment_announces_nothing(done, pay, location):
    def refused():
        with pytest.raises(BillingError):
            pay(done, "-1")

    assert heard(location, refused) == [[]]


def test_a_payment_refuses_to_run_inside_an_outer_transaction_so_no_rollback_strands_a_message(
    done, pay, location
):
    """record_payment is a durable transaction and queues its message with on_commit: an
    enclosing transaction that could still roll back is refused up front."""

    def nested():
        with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
            pay(done, "40.00")

    assert heard(location, nested) == [[]]
    assert not Payment.objects.exists()


def test_every_staff_screen_redraws_the_mark_after_each_payment_and_a_reversal(
    done, pay, staff, location, past_day
):
    cookie = cookie_of(staff)

    async def scenario():
        # Two screens: each payment must reach both, and a card cached for the booking's
        # unchanged row must not be sent again for the next payment.
        screens = [await open_stream(cookie, location, past_day) for _ in range(2)]
        marks = []
        for amount in ("15.00", "25.00"):
            payment = await database_sync_to_async(pay)(done, amount)
            for screen in screens:
                message = await screen.receive_json_from(timeout=5)
                assert (message["type"], message["action"]) == ("booking", "paid")
                assert message["booking_id"] == done.pk
                marks.append(message["html"])
        await database_sync_to_async(reverse_payment)(
            payment, reason="card declined", by=staff, source=Source.BACKOFFICE
        )
        for screen in screens:
            message = await screen.receive_json_from(timeout=5)
            assert message["action"] == "payment-reversed"
            marks.append(message["html"])
            await screen.receive_nothing(timeout=0.2)
            await screen.disconnect()
        return marks

    marks = async_to_sync(scenario)()
    assert ['data-pay="partially_paid"' in html for html in marks[:2]] == [True, True]
    assert ['data-pay="paid"' in html for html in marks[2:4]] == [True, True]
    assert ">paid</span>" in marks[2]
    assert ['data-pay="partially_paid"' in html for html in marks[4:]] == [True, True]


def test_the_owner_hears_of_the_payment_and_another_professional_hears_nothing(
    done, pay, pro_a, pro_b, location, past_day
):
    owner, other = cookie_of(pro_a.user), cookie_of(pro_b.user)

    async def scenario():
        ana = await open_portal(owner, location, past_day)
        bruno = await open_portal(other, location, past_day)
        await database_sync_to_async(pay)(done, "40.00")
        assert await ana.receive_json_from(timeout=5) == {
            "type": "mine",
            "booking_id": done.pk,
            "action": "paid",
            "status": "executed",
        }
        await bruno.receive_nothing(timeout=0.5)
        await ana.disconnect()
        await bruno.disconnect()

    async_to_sync(scenario)()
