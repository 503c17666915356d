"""Two receptionists record payments for one professional at the same moment: each must
settle different charges. Real threads and connections on PostgreSQL, with a control that
shows the race does happen when the per-professional lock is switched off."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum

from billing.models import Allocation
from billing.services import payments
from scheduling.models import Source

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def pay_twice_at_once(professional, staff, monkeypatch):
    """Both threads plan their allocation, then wait for each other (up to a second) before
    writing: without a lock both plan on the same unpaid charge."""
    barrier = threading.Barrier(2, timeout=1)
    plan = payments._plan

    def slow_plan(*args, **kwargs):
        result = plan(*args, **kwargs)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # the other thread is held by the lock: carry on alone
        return result

    monkeypatch.setattr(payments, "_plan", slow_plan)
    errors = []

    def pay():
        try:
            payments.record_payment(
                professional=professional,
                amount="40.00",
                currency="EUR",
                method="cash",
                received_on=date(2026, 10, 20),
                by=staff,
                source=Source.BACKOFFICE,
            )
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
    return dict(
        Allocation.objects.values_list("booking_id").annotate(total=Sum("amount")).order_by()
    )


def test_concurrent_payments_settle_different_charges(past, pro_a, staff, monkeypatch):
    first = past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    second = past("2026-10-06", "09:00", "10:00", pro_a, state="executed")
    allocated = pay_twice_at_once(pro_a, staff, monkeypatch)
    assert allocated == {first.pk: Decimal("40.00"), second.pk: Decimal("40.00")}


def test_control_without_the_lock_both_payments_settle_the_same_charge(
    past, pro_a, staff, monkeypatch
):
    first = past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    past("2026-10-06", "09:00", "10:00", pro_a, state="executed")
    monkeypatch.setattr(payments, "_lock", lambda professional: None)
    allocated = pay_twice_at_once(pro_a, staff, monkeypatch)
    assert allocated == {first.pk: Decimal("80.00")}  # the race the lock prevents
