"""The staff calendar stream over a real ASGI stack (auth middleware, origin check, channel
layer). Runs on the in-memory layer, and on Redis when REDIS_URL is set."""

import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from integra.asgi import application
from scheduling import services
from scheduling.models import Source

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_layer(settings):
    """A channel layer of our own per test: nothing left over from another test, and on a
    shared Redis nobody else's messages (a random prefix)."""
    if settings.REDIS_URL:
        layer = dict(settings.CHANNEL_LAYERS["default"])
        layer["CONFIG"] = {**layer["CONFIG"], "prefix": f"test-{uuid.uuid4().hex[:8]}"}
        settings.CHANNEL_LAYERS = {"default": layer}
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def cookie_of(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def stream(cookie: bytes | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/calendar/", headers=headers)


def subscription(location_ids, first_day, last_day=None, **extra) -> dict:
    """The message a calendar page sends to say what it shows."""
    return {
        "type": "subscribe",
        "locations": list(location_ids),
        "first_day": str(first_day),
        "last_day": str(last_day or first_day),
        **extra,
    }


async def open_stream(cookie, location, first_day, last_day=None):
    communicator = stream(cookie)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to(subscription([location.pk], first_day, last_day))
    reply = await communicator.receive_json_from(timeout=5)
    assert reply["type"] == "subscribed"
    return communicator


def as_staff(staff, **kwargs):
    return {"by": staff, "source": Source.BACKOFFICE, **kwargs}


def test_anonymous_connections_to_the_staff_stream_are_refused(location):
    async def scenario():
        connected, code = await stream().connect()
        assert not connected

    async_to_sync(scenario)()


def test_a_professional_cannot_connect_to_the_staff_stream(pro_a):
    cookie = cookie_of(pro_a.user)

    async def scenario():
        connected, code = await stream(cookie).connect()
        assert not connected

    async_to_sync(scenario)()


def test_a_foreign_origin_is_refused(staff):
    cookie = cookie_of(staff)

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            "/ws/calendar/",
            headers=[(b"origin", b"http://evil.example"), (b"cookie", cookie)],
        )
        connected, _ = await communicator.connect()
        assert not connected

    async_to_sync(scenario)()


def test_subscribing_acknowledges_the_locations_and_days_watched(staff, location, day):
    cookie = cookie_of(staff)

    async def scenario():
        communicator = stream(cookie)
        assert (await communicator.connect())[0]
        await communicator.send_json_to(subscription([location.pk, 999999], day))
        reply = await communicator.receive_json_from(timeout=5)
        assert reply == {
            "type": "subscribed",
            "locations": [location.pk],
            "first_day": str(day),
            "last_day": str(day),
            "changed": True,  # no `since`: the client cannot know, so it resyncs
            "paused": False,  # the layer is there: updates are live
        }
        await communicator.disconnect()

    async_to_sync(scenario)()


CHANGES = {
    "booked": lambda b, staff, at, room: None,
    "moved": lambda b, staff, at, room: services.move(
        b, starts_at=at("12:00"), room=room, **as_staff(staff)
    ),
    "resized": lambda b, staff, at, room: services.resize(
        b, ends_at=at("11:00"), **as_staff(staff)
    ),
    "cancelled": lambda b, staff, at, room: services.cancel(b, reason="ill", **as_staff(staff)),
    "edited": lambda b, staff, at, room: services.update_notes(b, notes="x", **as_staff(staff)),
}


@pytest.mark.parametrize("action", list(CHANGES))
def test_every_staff_screen_on_that_location_and_day_gets_each_change(
    action, staff, book, room, other_room, pro_a, at, day
):
    cookie = cookie_of(staff)

    async def scenario():
        communicator = await open_stream(cookie, room.location, day)
        booking = await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        message = await communicator.receive_json_from(timeout=5)
        assert (message["type"], message["action"]) == ("booking", "booked")
        if action != "booked":
            await database_sync_to_async(CHANGES[action])(booking, staff, at, other_room)
            message = await communicator.receive_json_from(timeout=5)
        assert message["action"] == action
        assert message["booking_id"] == booking.pk
        assert message["local_day"] == day.isoformat()
        assert f'id="booking-{booking.pk}"' in message["html"]
        assert "Ana Alves" in message["html"]
        await communicator.receive_nothing(timeout=0.2)
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize("action", ["executed", "no_show", "restored"])
def test_marking_and_undoing_reach_the_screens_with_the_new_state(
    action, staff, book, room, pro_a, at, day
):
    past_day = day - timedelta(days=14)

    cookie = cookie_of(staff)

    async def scenario():
        booking = await database_sync_to_async(book)(
            room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True
        )
        communicator = await open_stream(cookie, room.location, past_day)
        mark = services.mark_no_show if action == "no_show" else services.mark_executed
        await database_sync_to_async(mark)(booking, **as_staff(staff))
        message = await communicator.receive_json_from(timeout=5)
        if action == "restored":
            await database_sync_to_async(services.restore)(booking, **as_staff(staff))
            message = await communicator.receive_json_from(timeout=5)
        expected = {"executed": "executed", "no_show": "no_show", "restored": "booked"}[action]
        assert (message["action"], message["status"]) == (action, expected)
        assert f"is-{expected}" in message["html"]
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_booking_moved_to_another_day_is_announced_as_gone(staff, book, room, pro_a, at, day):
    cookie = cookie_of(staff)

    async def scenario():
        booking = await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        communicator = await open_stream(cookie, room.location, day)
        later = day + timedelta(days=1)
        await database_sync_to_async(services.move)(
            booking, starts_at=at("09:00", on=later), **as_staff(staff)
        )
        message = await communicator.receive_json_from(timeout=5)
        assert message == {"type": "booking.gone", "booking_id": booking.pk}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_screens_of_another_location_hear_nothing(staff, book, room, pro_a, at, day):
    from tests.factories import LocationFactory

    elsewhere = LocationFactory(name="Porto")

    cookie = cookie_of(staff)

    async def scenario():
        communicator = await open_stream(cookie, elsewhere, day)
        await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_refused_change_sends_nothing(staff, book, room, pro_a, pro_b, at, day):
    from scheduling.errors import SlotTaken

    def clash():
        with pytest.raises(SlotTaken):
            book(room, pro_b, at("09:30"), at("10:30"))

    cookie = cookie_of(staff)

    async def scenario():
        await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        communicator = await open_stream(cookie, room.location, day)
        await database_sync_to_async(clash)()
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_reconnecting_screen_resyncs_and_sees_what_changed_while_it_was_away(
    staff, book, room, pro_a, at, day
):
    """Messages are at most once: a client that was away re-fetches its grid after the
    stream acknowledges its subscription, and the grid has what it missed."""

    cookie = cookie_of(staff)

    async def scenario():
        first = await open_stream(cookie, room.location, day)
        await first.disconnect()
        missed = await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        again = await open_stream(cookie, room.location, day)  # waits for "subscribed"
        await again.receive_nothing(timeout=0.2)  # nothing replayed: resync is the client's
        await again.disconnect()
        return missed

    missed = async_to_sync(scenario)()
    client = Client()
    client.force_login(staff)
    grid = client.get(
        reverse("calendar:calendar") + f"?date={day}&loc={room.location_id}",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f'id="booking-{missed.pk}"' in grid


def test_an_idle_stream_on_redis_outlives_the_blocking_pop_timeout(
    staff, book, room, pro_a, at, day
):
    """redis-py 8's default 5 s socket timeout used to kill every idle consumer."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    cookie = cookie_of(staff)

    async def scenario():
        communicator = await open_stream(cookie, room.location, day)
        assert await communicator.receive_nothing(timeout=6.5)
        await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        assert (await communicator.receive_json_from(timeout=5))["action"] == "booked"
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_logging_out_closes_the_users_open_calendar_streams(staff, location, day):
    client = Client()
    client.force_login(staff)
    cookie = f"sessionid={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()

    async def scenario():
        communicator = await open_stream(cookie, location, day)
        await database_sync_to_async(client.logout)()
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}
        connected, _ = await stream(cookie).connect()
        assert not connected

    async_to_sync(scenario)()


@pytest.mark.parametrize("since", ["yesterday", "2026-12-01T10:00:00", 12, None])
def test_a_subscription_that_cannot_say_when_its_grid_was_drawn_is_told_to_resync(
    since, staff, location, day
):
    cookie = cookie_of(staff)

    async def scenario():
        communicator = stream(cookie)
        assert (await communicator.connect())[0]
        await communicator.send_json_to(subscription([location.pk], day, since=since))
        assert (await communicator.receive_json_from(timeout=5))["changed"] is True
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_grid_drawn_after_the_last_change_is_not_fetched_again_but_one_drawn_before_is(
    staff, book, room, pro_a, at, day
):
    """The page sends when its grid was drawn; the first subscription after drawing only
    asks for a resync when a booking or a payment changed since (minus a safety margin)."""
    from django.utils import timezone

    from billing.services import payments
    from scheduling.models import BookingChange

    booking = book(room, pro_a, at("09:00"), at("10:00"))
    BookingChange.objects.update(at=timezone.now() - timedelta(minutes=5))
    cookie = cookie_of(staff)

    async def changed(since) -> bool:
        communicator = stream(cookie)
        assert (await communicator.connect())[0]
        await communicator.send_json_to(
            subscription([room.location_id], day, since=since.isoformat())
        )
        reply = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return reply["changed"]

    drawn = timezone.now()
    assert async_to_sync(changed)(drawn) is False
    services.update_notes(booking, notes="moved desk", **as_staff(staff))
    assert async_to_sync(changed)(drawn) is True  # a change since the grid was drawn
    BookingChange.objects.update(at=timezone.now() - timedelta(minutes=5))
    assert async_to_sync(changed)(timezone.now()) is False
    payments.record_payment(
        professional=pro_a,
        amount="10",
        currency="EUR",
        method="cash",
        received_on=timezone.now().astimezone(booking.room.location.zone).date(),
        by=staff,
        source=Source.BACKOFFICE,
    )
    assert async_to_sync(changed)(drawn) is True  # a payment changes paid marks
