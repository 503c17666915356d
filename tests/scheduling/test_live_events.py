"""Every booking-service action announces itself once, to the location's group, after its
transaction commits — and a refused or rolled-back change announces nothing. Runs on the
in-memory channel layer, and on Redis when REDIS_URL is set."""

import asyncio
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import channel_layers, get_channel_layer
from django.db import transaction

from scheduling import events, services
from scheduling.errors import IllegalTransition, SlotTaken
from scheduling.models import Booking, Source

from ..factories import LocationFactory, RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_layer(settings):
    """A channel layer of our own per test; on a shared Redis, a prefix nobody else uses."""
    if settings.REDIS_URL:
        layer = dict(settings.CHANNEL_LAYERS["default"])
        layer["CONFIG"] = {**layer["CONFIG"], "prefix": f"test-{uuid.uuid4().hex[:8]}"}
        settings.CHANNEL_LAYERS = {"default": layer}
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


async def drain(layer, channel: str, wait: float = 0.3) -> list[dict]:
    received = []
    while True:
        try:
            received.append(await asyncio.wait_for(layer.receive(channel), wait))
        except TimeoutError:
            return received


def heard_by(location_ids, *steps) -> list[dict[int, list[dict]]]:
    """Listen to the groups of `location_ids`, run each step in turn (sync, on this test's
    database connection) and return, per step, what each location's group heard meanwhile."""

    async def scenario():
        layer = get_channel_layer()
        channels = {}
        for location_id in location_ids:
            channels[location_id] = await layer.new_channel()
            await layer.group_add(events.location_group(location_id), channels[location_id])
        per_step = []
        for step in steps:
            await sync_to_async(step)()
            per_step.append({lid: await drain(layer, ch) for lid, ch in channels.items()})
        return per_step

    return async_to_sync(scenario)()


def heard(location, *steps) -> list[list[dict]]:
    """What the group of `location` heard during each step."""
    return [step[location.pk] for step in heard_by([location.pk], *steps)]


def by_staff(staff, **kwargs):
    return {"by": staff, "source": Source.BACKOFFICE, **kwargs}


@pytest.fixture
def future(book, room, pro_a, at):
    return book(room, pro_a, at("09:00"), at("10:00"))


@pytest.fixture
def past(book, room, pro_a, at, day):
    on = day - timedelta(days=21)
    return book(room, pro_a, at("09:00", on=on), at("10:00", on=on), allow_past=True)


def assert_one(messages, action, booking, location) -> None:
    assert len(messages) == 1, messages
    message = messages[0]
    assert message["type"] == "booking.changed"
    assert (message["action"], message["booking_id"]) == (action, booking.pk)
    assert message["location_id"] == location.pk


def test_booking_sends_one_message_to_the_location(book, room, pro_a, at, location):
    made = []
    [messages] = heard(location, lambda: made.append(book(room, pro_a, at("09:00"), at("10:00"))))
    assert_one(messages, "booked", made[0], location)


@pytest.mark.parametrize(
    "action, change",
    [
        ("moved", lambda b, s, at: services.move(b, starts_at=at("12:00"), **by_staff(s))),
        ("resized", lambda b, s, at: services.resize(b, ends_at=at("11:00"), **by_staff(s))),
        ("cancelled", lambda b, s, at: services.cancel(b, **by_staff(s))),
        ("edited", lambda b, s, at: services.update_notes(b, notes="x", **by_staff(s))),
    ],
)
def test_each_change_of_a_booking_sends_one_message(future, staff, at, location, action, change):
    [messages] = heard(location, lambda: change(future, staff, at))
    assert_one(messages, action, future, location)


@pytest.mark.parametrize(
    "mark, action",
    [(services.mark_executed, "executed"), (services.mark_no_show, "no_show")],
)
def test_marking_and_undoing_each_send_one_message(past, staff, location, mark, action):
    marked, restored = heard(
        location,
        lambda: mark(past, **by_staff(staff)),
        lambda: services.restore(past, **by_staff(staff)),
    )
    assert_one(marked, action, past, location)
    assert_one(restored, "restored", past, location)


def test_undoing_a_cancellation_sends_one_message(future, staff, location):
    services.cancel(future, **by_staff(staff))
    [messages] = heard(location, lambda: services.restore(future, **by_staff(staff)))
    assert_one(messages, "restored", future, location)


def test_a_move_to_another_location_reaches_both_locations_once(future, staff, location):
    elsewhere = RoomFactory(location=LocationFactory())
    [groups] = heard_by(
        [location.pk, elsewhere.location_id],
        lambda: services.move(future, room=elsewhere, **by_staff(staff)),
    )
    assert_one(groups[location.pk], "moved", future, elsewhere.location)
    assert_one(groups[elsewhere.location_id], "moved", future, elsewhere.location)


def test_a_taken_slot_sends_nothing(future, book, room, pro_b, at, location):
    def clash():
        with pytest.raises(SlotTaken):
            book(room, pro_b, at("09:30"), at("10:30"))

    assert heard(location, clash) == [[]]


def test_a_refused_move_sends_nothing(future, book, room, pro_b, staff, at, location):
    book(room, pro_b, at("11:00"), at("12:00"))

    def clash():
        with pytest.raises(SlotTaken):
            services.move(future, starts_at=at("11:00"), **by_staff(staff))

    assert heard(location, clash) == [[]]


def test_an_illegal_transition_sends_nothing(future, staff, location):
    def too_early():
        with pytest.raises(IllegalTransition):
            services.mark_executed(future, **by_staff(staff))

    assert heard(location, too_early) == [[]]


def test_an_undo_that_lost_its_slot_sends_nothing(future, book, room, pro_b, staff, at, location):
    services.cancel(future, **by_staff(staff))
    book(room, pro_b, at("09:00"), at("10:00"))

    def lost():
        with pytest.raises(SlotTaken):
            services.restore(future, **by_staff(staff))

    assert heard(location, lost) == [[]]


@pytest.mark.django_db
def test_the_message_waits_for_the_commit(
    book, room, pro_a, at, location, django_capture_on_commit_callbacks
):
    pending = []

    def book_without_committing_yet():
        with django_capture_on_commit_callbacks() as callbacks:
            book(room, pro_a, at("11:00"), at("12:00"))
        pending.extend(callbacks)

    def commit():
        for callback in pending:
            callback()

    before_commit, after_commit = heard(location, book_without_committing_yet, commit)
    assert before_commit == []
    assert len(pending) == 1
    assert_one(after_commit, "booked", Booking.objects.get(), location)


def test_a_service_refuses_to_run_inside_an_outer_transaction_so_no_rollback_strands_a_message(
    book, room, pro_a, at, location
):
    """Services are durable transactions: an enclosing transaction that could roll back
    after the service "succeeded" is refused up front, writing and sending nothing."""

    def nested():
        with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
            book(room, pro_a, at("09:00"), at("10:00"))

    assert heard(location, nested) == [[]]
    assert not Booking.objects.exists()
