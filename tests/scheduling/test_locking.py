"""A row held by a stuck transaction becomes a sentence, not a hang (docs/locking.md): a
second connection holds the lock, the service gives up after the lock timeout with its
domain error, and nothing changed. PostgreSQL only: SQLite has no row locks."""

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connections

from billing import services as billing
from billing.errors import Busy as PaymentBusy
from billing.models import Payment
from scheduling import services
from scheduling.errors import Busy
from scheduling.models import Booking, BookingStatus, Source

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: row locks and lock_timeout",
    ),
]


class HeldRow:
    """Lock one row FOR UPDATE from another connection (another thread) until released."""

    def __init__(self, table: str, pk: int):
        self.table, self.pk = table, pk
        self.locked, self.release = threading.Event(), threading.Event()

    def _hold(self):
        connection = connections.create_connection("default")
        try:
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(f"SELECT 1 FROM {self.table} WHERE id = %s FOR UPDATE", [self.pk])
                self.locked.set()
                self.release.wait(30)
                cursor.execute("ROLLBACK")
        finally:
            connection.close()

    def __enter__(self):
        self.thread = threading.Thread(target=self._hold)
        self.thread.start()
        assert self.locked.wait(10), "the other connection did not get the lock"
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(10)


def test_cancelling_a_booking_another_transaction_holds_says_busy_and_changes_nothing(
    settings, book, room, pro_a, at, staff
):
    settings.LOCK_TIMEOUT_MS = 300
    booking = book(room, pro_a, at("09:00"), at("10:00"))

    with HeldRow(Booking._meta.db_table, booking.pk), pytest.raises(Busy) as refused:
        services.cancel(booking, reason="ill", by=staff, source=Source.BACKOFFICE)

    assert refused.value.status == 409
    assert "right now" in refused.value.message
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.changes.count() == 1  # booked, nothing more


def test_booking_into_a_room_another_transaction_holds_says_busy(
    settings, book, room, pro_a, at, staff
):
    settings.LOCK_TIMEOUT_MS = 300
    with HeldRow(room._meta.db_table, room.pk), pytest.raises(Busy):
        services.book(
            room=room,
            professional=pro_a,
            starts_at=at("11:00"),
            ends_at=at("12:00"),
            by=staff,
            source=Source.BACKOFFICE,
        )
    assert not Booking.objects.exists()


def test_a_payment_while_another_holds_the_professional_says_busy_and_records_nothing(
    settings, pro_a, location, staff
):
    settings.LOCK_TIMEOUT_MS = 300
    with HeldRow(pro_a._meta.db_table, pro_a.pk), pytest.raises(PaymentBusy) as refused:
        billing.record_payment(
            professional=pro_a,
            amount=Decimal("10.00"),
            currency="EUR",
            method="card",
            received_on=None,
            by=staff,
            source=Source.BACKOFFICE,
        )
    assert refused.value.status == 409
    assert not Payment.objects.exists()
