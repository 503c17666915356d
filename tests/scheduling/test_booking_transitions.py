"""The booking lifecycle through the service: move, resize, cancel, execute, no-show and
undo, legal and illegal; the history row every change writes; idempotent retries; the
price snapshot."""

from datetime import UTC, timedelta
from decimal import Decimal

import pytest

from scheduling import services
from scheduling.errors import IdempotencyKeyReused, IllegalTransition, InvalidBooking, SlotTaken
from scheduling.models import Booking, BookingChange, BookingStatus, SlotClaim, Source

from ..conftest import assert_claims_mirror_bookings
from ..factories import LocationFactory, RoomFactory
from .conftest import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def past(book, room, pro_a, at, day):
    """A booked session two weeks ago (staff may book the past explicitly)."""
    on = day - timedelta(days=21)
    return book(room, pro_a, at("09:00", on=on), at("10:00", on=on), allow_past=True)


@pytest.fixture
def future(book, room, pro_a, at):
    return book(room, pro_a, at("09:00"), at("10:00"))


def as_staff(staff):
    return {"by": staff, "source": Source.BACKOFFICE}


def claimed_slots(booking) -> list:
    return sorted(
        SlotClaim.objects.filter(booking=booking, room__isnull=False).values_list(
            "slot_start", flat=True
        )
    )


# ---------------------------------------------------------------- move and resize


def test_moving_to_a_free_time_keeps_the_length_and_moves_the_claims(future, staff, at):
    moved = services.move(future, starts_at=at("14:00"), **as_staff(staff))
    assert (moved.starts_at, moved.ends_at) == (at("14:00"), at("15:00"))
    assert claimed_slots(moved)[0] == at("14:00").astimezone(UTC)
    assert_claims_mirror_bookings()


def test_moving_to_another_room_keeps_the_time(future, other_room, staff):
    moved = services.move(future, room=other_room, **as_staff(staff))
    assert moved.room_id == other_room.pk
    assert SlotClaim.objects.filter(booking=future, room=other_room).count() == 4
    assert_claims_mirror_bookings()


def test_moving_onto_a_taken_slot_is_refused_and_changes_nothing(
    future, book, room, pro_b, staff, at
):
    book(room, pro_b, at("11:00"), at("12:00"))
    with refused(SlotTaken) as caught:
        services.move(future, starts_at=at("10:30"), **as_staff(staff))
    assert caught.value.alternatives
    for window in caught.value.alternatives:
        assert window.starts_at >= at("12:00") or window.ends_at <= at("11:00")


def test_moving_a_little_onto_its_own_slots_is_allowed(future, staff, at):
    moved = services.move(future, starts_at=at("09:30"), **as_staff(staff))
    assert (moved.starts_at, moved.ends_at) == (at("09:30"), at("10:30"))
    assert_claims_mirror_bookings()


def test_moving_breaks_the_same_rules_as_booking(future, staff, at):
    with refused(InvalidBooking, match="08:10"):
        services.move(future, starts_at=at("08:10"), **as_staff(staff))
    with refused(InvalidBooking):
        services.move(future, starts_at=at("21:30"), **as_staff(staff))


def test_moving_into_an_inactive_room_is_refused(future, other_room, staff):
    other_room.active = False
    other_room.save()
    with refused(InvalidBooking) as caught:
        services.move(future, room=other_room, **as_staff(staff))
    assert caught.value.code == "inactive_room"


def test_a_finished_booking_cannot_be_moved_without_allow_past(past, staff, at):
    with refused(InvalidBooking) as caught:
        services.move(past, starts_at=at("12:00"), **as_staff(staff))
    assert caught.value.code == "in_the_past"


def test_resizing_the_end_changes_the_length_and_the_price(future, staff, at):
    longer = services.resize(future, ends_at=at("11:30"), **as_staff(staff))
    assert longer.minutes == 150
    assert longer.price == Decimal("100.00")
    assert len(claimed_slots(longer)) == 10


def test_resizing_the_start_keeps_the_end(future, staff, at):
    shorter = services.resize(future, starts_at=at("09:30"), **as_staff(staff))
    assert (shorter.starts_at, shorter.ends_at) == (at("09:30"), at("10:00"))
    assert_claims_mirror_bookings()


def test_resizing_onto_a_neighbour_is_refused(future, book, room, pro_b, staff, at):
    book(room, pro_b, at("10:30"), at("11:00"))
    with refused(SlotTaken):
        services.resize(future, ends_at=at("10:45"), **as_staff(staff))


def test_resizing_to_nothing_is_refused(future, staff, at):
    with refused(InvalidBooking):
        services.resize(future, ends_at=at("09:00"), **as_staff(staff))


def test_a_move_to_where_it_already_is_writes_nothing(future, staff, at):
    before = BookingChange.objects.count()
    services.move(future, starts_at=at("09:00"), **as_staff(staff))
    assert BookingChange.objects.count() == before


@pytest.mark.parametrize("status", ["cancelled", "executed", "no_show"])
def test_only_a_booked_booking_can_be_moved(past, staff, at, status):
    if status == "cancelled":
        services.cancel(past, **as_staff(staff))
    elif status == "executed":
        services.mark_executed(past, **as_staff(staff))
    else:
        services.mark_no_show(past, **as_staff(staff))
    with refused(IllegalTransition):
        services.move(past, starts_at=at("12:00"), allow_past=True, **as_staff(staff))


# ---------------------------------------------------------------- cancel


def test_cancelling_frees_the_slots_at_once(future, book, room, pro_b, staff, at):
    cancelled = services.cancel(future, reason="flu", **as_staff(staff))
    assert cancelled.status == BookingStatus.CANCELLED
    assert not SlotClaim.objects.filter(booking=future).exists()
    assert book(room, pro_b, at("09:00"), at("10:00")).is_active
    assert_claims_mirror_bookings()


def test_cancelling_an_executed_booking_is_refused(past, staff):
    services.mark_executed(past, **as_staff(staff))
    with refused(IllegalTransition, match="executed"):
        services.cancel(past, **as_staff(staff))


def test_cancelling_twice_is_refused(future, staff):
    services.cancel(future, **as_staff(staff))
    with refused(IllegalTransition):
        services.cancel(future, **as_staff(staff))


def test_a_cancellation_reason_over_300_characters_is_refused(future, staff):
    with refused(InvalidBooking):
        services.cancel(future, reason="x" * 301, **as_staff(staff))


# ---------------------------------------------------------------- execute and no-show


@pytest.mark.parametrize("mark", [services.mark_executed, services.mark_no_show])
def test_a_started_booking_can_be_marked_and_keeps_its_slots(past, staff, mark):
    marked = mark(past, **as_staff(staff))
    assert marked.status in (BookingStatus.EXECUTED, BookingStatus.NO_SHOW)
    assert len(claimed_slots(past)) == 4
    assert_claims_mirror_bookings()


@pytest.mark.parametrize("mark", [services.mark_executed, services.mark_no_show])
def test_a_booking_cannot_be_marked_before_it_starts(future, staff, mark):
    with refused(IllegalTransition, match="not started"):
        mark(future, **as_staff(staff))


@pytest.mark.parametrize("mark", [services.mark_executed, services.mark_no_show])
def test_a_cancelled_booking_cannot_be_marked(past, staff, mark):
    services.cancel(past, **as_staff(staff))
    with refused(IllegalTransition, match="cancelled"):
        mark(past, **as_staff(staff))


def test_an_executed_booking_cannot_be_marked_no_show(past, staff):
    services.mark_executed(past, **as_staff(staff))
    with refused(IllegalTransition):
        services.mark_no_show(past, **as_staff(staff))


# ---------------------------------------------------------------- undo


@pytest.mark.parametrize("mark", [services.mark_executed, services.mark_no_show])
def test_undoing_a_mark_puts_the_booking_back_to_booked(past, staff, mark):
    mark(past, **as_staff(staff))
    assert services.restore(past, **as_staff(staff)).status == BookingStatus.BOOKED
    assert_claims_mirror_bookings()


def test_undoing_a_cancellation_wins_the_slots_back(future, staff):
    services.cancel(future, reason="flu", **as_staff(staff))
    restored = services.restore(future, **as_staff(staff))
    assert restored.status == BookingStatus.BOOKED
    assert (restored.cancelled_at, restored.cancellation_reason) == (None, "")
    assert len(claimed_slots(restored)) == 4
    assert_claims_mirror_bookings()


def test_undoing_a_booked_booking_is_refused(future, staff):
    with refused(IllegalTransition, match="nothing to undo"):
        services.restore(future, **as_staff(staff))


def test_undoing_a_cancellation_whose_slot_was_taken_is_refused_and_stays_cancelled(
    future, book, room, pro_b, staff, at
):
    services.cancel(future, **as_staff(staff))
    book(room, pro_b, at("09:30"), at("10:30"))
    with refused(SlotTaken) as caught:
        services.restore(future, **as_staff(staff))
    assert Booking.objects.get(pk=future.pk).status == BookingStatus.CANCELLED
    assert caught.value.conflicts


def test_undoing_a_cancellation_in_a_room_no_longer_in_use_is_refused(future, room, staff):
    services.cancel(future, **as_staff(staff))
    room.active = False
    room.save()
    with refused(InvalidBooking):
        services.restore(future, **as_staff(staff))


# ---------------------------------------------------------------- history


def change_of(booking) -> BookingChange:
    return BookingChange.objects.filter(booking=booking).latest("pk")


def test_booking_writes_one_history_row_with_everything_it_set(book, room, pro_a, staff, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"), ip="10.0.0.7")
    row = BookingChange.objects.get(booking=booking)
    assert (row.action, row.by, row.source, row.ip) == ("booked", staff, "backoffice", "10.0.0.7")
    assert row.diff["starts_at"] == [None, at("09:00").astimezone(UTC).isoformat()]
    assert row.diff["status"] == [None, "booked"]
    assert row.diff["price"] == [None, "40.00"]


@pytest.mark.parametrize(
    "change, action, field, values",
    [
        (lambda b, s, at: services.move(b, starts_at=at("12:00"), **s), "moved", "starts_at", None),
        (lambda b, s, at: services.resize(b, ends_at=at("10:30"), **s), "resized", "ends_at", None),
        (lambda b, s, at: services.cancel(b, **s), "cancelled", "status", ["booked", "cancelled"]),
        (lambda b, s, at: services.update_notes(b, notes="hi", **s), "edited", "notes", ["", "hi"]),
    ],
)
def test_every_change_of_a_future_booking_writes_one_history_row(
    future, staff, at, change, action, field, values
):
    before = BookingChange.objects.count()
    change(future, {"by": staff, "source": Source.API, "ip": "2001:db8::1"}, at)
    assert BookingChange.objects.count() == before + 1
    row = change_of(future)
    assert (row.action, row.by, row.source, row.ip) == (action, staff, "api", "2001:db8::1")
    old, new = row.diff[field]
    assert old != new
    if values:
        assert [old, new] == values


def test_a_moves_history_says_from_where_to_where(future, other_room, room, staff, at):
    services.move(future, room=other_room, starts_at=at("12:00"), **as_staff(staff))
    diff = change_of(future).diff
    assert diff["room"] == [room.pk, other_room.pk]
    assert diff["starts_at"] == [
        at("09:00").astimezone(UTC).isoformat(),
        at("12:00").astimezone(UTC).isoformat(),
    ]


@pytest.mark.parametrize(
    "mark, action, status",
    [
        (services.mark_executed, "executed", "executed"),
        (services.mark_no_show, "no_show", "no_show"),
    ],
)
def test_marking_and_undoing_each_write_one_history_row(past, pro_a, mark, action, status):
    by = {"by": pro_a.user, "source": Source.PORTAL, "ip": "192.0.2.1"}
    before = BookingChange.objects.count()
    mark(past, **by)
    expected = {"status": ["booked", status]}
    if status == "no_show":  # the no-show's charge rule is fixed now (billing.charge_rules)
        expected["charge_percent"] = [None, "100.00"]
    assert change_of(past).diff == expected
    assert change_of(past).action == action
    services.restore(past, **by)
    assert BookingChange.objects.count() == before + 2
    row = change_of(past)
    assert (row.action, row.by, row.source, row.ip) == (
        "restored",
        pro_a.user,
        "portal",
        "192.0.2.1",
    )
    assert row.diff == {"status": [status, "booked"]}


# ---------------------------------------------------------------- idempotency


def test_a_retried_request_returns_the_first_booking_and_books_once(book, room, pro_a, at):
    first = book(room, pro_a, at("09:00"), at("10:00"), idempotency_key="k-1", fingerprint="f")
    again = book(room, pro_a, at("09:00"), at("10:00"), idempotency_key="k-1", fingerprint="f")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.pk == first.pk
    assert Booking.objects.count() == 1
    assert BookingChange.objects.count() == 1


def test_a_key_reused_for_another_request_is_refused(book, room, pro_a, at):
    book(room, pro_a, at("09:00"), at("10:00"), idempotency_key="k-1", fingerprint="f")
    with refused(IdempotencyKeyReused):
        book(room, pro_a, at("11:00"), at("12:00"), idempotency_key="k-1", fingerprint="g")


def test_a_key_of_a_refused_booking_can_be_used_again(book, room, pro_a, pro_b, at):
    book(room, pro_b, at("09:00"), at("10:00"))
    with refused(SlotTaken):
        book(room, pro_a, at("09:00"), at("10:00"), idempotency_key="k-1", fingerprint="f")
    assert book(room, pro_a, at("11:00"), at("12:00"), idempotency_key="k-1", fingerprint="f")


# ---------------------------------------------------------------- price


def test_the_price_is_a_snapshot_that_later_price_changes_do_not_touch(future, room):
    assert (future.price, future.currency) == (Decimal("40.00"), "EUR")
    room.hourly_price = Decimal("90.00")
    room.save()
    assert Booking.objects.get(pk=future.pk).price == Decimal("40.00")


def test_a_move_to_another_location_takes_its_price_and_currency(future, staff):
    elsewhere = RoomFactory(
        location=LocationFactory(currency="BRL"), hourly_price=Decimal("120.00")
    )
    moved = services.move(future, room=elsewhere, **as_staff(staff))
    assert (moved.price, moved.currency) == (Decimal("120.00"), "BRL")
