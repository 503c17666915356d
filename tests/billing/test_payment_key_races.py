"""A client retries a payment while the first attempt is still being recorded: the same
Idempotency-Key arrives twice at once. The money must be recorded once and both answers
name that payment. Real threads and connections on PostgreSQL, with a control that shows
two payments are recorded when the key row is not written."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from billing.models import Payment
from billing.services import payments
from scheduling.models import Source

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def record_twice_at_once(professional, staff, monkeypatch) -> list[int]:
    """Both threads look for the key (neither finds it), then wait for each other (up to a
    second) before recording: each believes it is the first."""
    barrier = threading.Barrier(2, timeout=1)
    replay = payments._replay

    def slow_replay(*args, **kwargs):
        found = replay(*args, **kwargs)
        if found is None:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return found

    monkeypatch.setattr(payments, "_replay", slow_replay)
    answers, errors = [], []

    def pay():
        try:
            payment = payments.record_payment(
                professional=professional,
                amount="40.00",
                currency="EUR",
                method="cash",
                received_on=date(2026, 10, 20),
                by=staff,
                source=Source.API,
                idempotency_key="retry-1",
                fingerprint="same request",
            )
            answers.append(payment.pk)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    return answers


def test_a_retry_racing_its_original_records_the_payment_once(past, pro_a, staff, monkeypatch):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")

    answers = record_twice_at_once(pro_a, staff, monkeypatch)

    assert Payment.objects.count() == 1
    assert answers == [Payment.objects.get().pk] * 2


def test_control_without_the_key_row_the_retry_records_the_money_twice(
    past, pro_a, staff, monkeypatch
):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    monkeypatch.setattr(payments, "_store_key", lambda *args: None)

    record_twice_at_once(pro_a, staff, monkeypatch)

    assert Payment.objects.count() == 2  # the race the key row prevents
