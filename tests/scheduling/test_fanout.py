"""The process's hub (scheduling/fanout.py): however many calendars a process holds open on a
location, it is one member of that location's group, and every screen still hears each
change once, in the shape its viewer may see. In-memory layer, and Redis when REDIS_URL is
set (the layer the hub exists for)."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings

from integra.asgi import application
from scheduling import events, fanout
from tests.scheduling.test_consumers import (  # noqa: F401 - fresh_layer is a fixture
    cookie_of,
    fresh_layer,
    open_stream,
    subscription,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def members(group: str) -> int:
    """How many channels the layer delivers `group`'s messages to."""
    layer = get_channel_layer()
    if settings.REDIS_URL:
        connection = layer.connection(layer.consistent_hash(group))
        return await connection.zcard(layer._group_key(group))
    return len(layer.groups.get(group, {}))


async def portal_stream(cookie, location, day):
    communicator = WebsocketCommunicator(
        application, "/ws/portal/", headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)]
    )
    assert (await communicator.connect())[0]
    await communicator.send_json_to(subscription([location.pk], day))
    assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
    return communicator


def test_many_screens_in_one_process_are_one_group_member_and_each_hears_every_change_once(
    staff, book, room, pro_a, at, day
):
    cookie = cookie_of(staff)
    group = events.location_group(room.location_id)

    async def scenario():
        screens = [await open_stream(cookie, room.location, day) for _ in range(5)]
        assert await members(group) == 1
        booking = await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        for screen in screens:
            message = await screen.receive_json_from(timeout=5)
            assert (message["action"], message["booking_id"]) == ("booked", booking.pk)
            assert "Ana Alves" in message["html"]
            assert await screen.receive_nothing(timeout=0.1)

        # Screens leave one by one; the rest still hear, and the last one out takes the
        # process out of the group.
        for screen in screens[:4]:
            await screen.disconnect()
        assert await members(group) == 1
        await database_sync_to_async(book)(room, pro_a, at("11:00"), at("12:00"))
        assert (await screens[4].receive_json_from(timeout=5))["action"] == "booked"
        await screens[4].disconnect()
        assert await members(group) == 0
        assert not [hub for hub in fanout._HUBS.values() if hub.layer is get_channel_layer()]

    async_to_sync(scenario)()


def test_a_screen_that_switches_location_hears_only_the_new_one(staff, book, room, pro_a, at, day):
    from tests.factories import LocationFactory, RoomFactory

    porto = LocationFactory(name="Porto", tz=room.location.tz)
    porto_room = RoomFactory(location=porto, name="P1")
    cookie = cookie_of(staff)

    async def scenario():
        screen = await open_stream(cookie, room.location, day)
        stays = await open_stream(cookie, room.location, day)
        await screen.send_json_to(subscription([porto.pk], day))
        assert (await screen.receive_json_from(timeout=5))["locations"] == [porto.pk]
        await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        assert (await stays.receive_json_from(timeout=5))["action"] == "booked"
        assert await screen.receive_nothing(timeout=0.3)
        moved = await database_sync_to_async(book)(porto_room, pro_a, at("11:00"), at("12:00"))
        message = await screen.receive_json_from(timeout=5)
        assert (message["booking_id"], message["location_id"]) == (moved.pk, porto.pk)
        assert await stays.receive_nothing(timeout=0.3)
        await screen.disconnect()
        await stays.disconnect()
        assert await members(events.location_group(porto.pk)) == 0

    async_to_sync(scenario)()


def test_staff_and_portal_screens_sharing_a_process_each_get_their_own_shape(
    staff, book, room, pro_a, pro_b, at, day
):
    """The hub reads a change once per kind of viewer: reception sees the name, professional
    B's phone sees only that the room is busy."""
    staff_cookie, b_cookie = cookie_of(staff), cookie_of(pro_b.user)

    async def scenario():
        desk = await open_stream(staff_cookie, room.location, day)
        phone = await portal_stream(b_cookie, room.location, day)
        assert await members(events.location_group(room.location_id)) == 1
        await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        assert "Ana Alves" in (await desk.receive_json_from(timeout=5))["html"]
        busy = await phone.receive_json_from(timeout=5)
        assert busy["type"] == "busy" and busy["room_id"] == room.pk and busy["active"]
        assert set(busy) == {"type", "location_id", "room_id", "starts_at", "ends_at", "active"}
        await desk.disconnect()
        await phone.disconnect()

    async_to_sync(scenario)()
