"""Live updates survive the channel layer going away and coming back (scheduling/fanout.py's
heartbeat, integra/channel_layer.py's waiting receive). A Redis server of the test's own,
on its own port, is stopped and started again (or forgets everything, as a restarted Redis
without persistence does) under open calendar streams; runs on both database backends
wherever `redis-server` is installed."""

import time
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers

from tests.redis_server import REDIS_SERVER, OwnRedis
from tests.scheduling.test_consumers import cookie_of, stream, subscription

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def own_redis(settings):
    if REDIS_SERVER is None:
        pytest.skip("needs redis-server (Debian's redis-server package)")
    redis = OwnRedis()
    redis.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "integra.channel_layer.ResilientRedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": redis.url,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 2,
                    }
                ],
                "prefix": f"restart-{uuid.uuid4().hex[:8]}",
            },
        }
    }
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    channel_layers.backends = {}
    yield redis
    channel_layers.backends = {}
    if redis.running():
        redis.stop()


async def next_of(communicator, kind: str, timeout: float = 5) -> dict:
    """The next message of `kind`, skipping others (live.paused may come twice in a row
    of outages; bookings may arrive around a resync)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no {kind!r} message within {timeout} s"
        message = await communicator.receive_json_from(timeout=left)
        if message["type"] == kind:
            return message


def test_a_stream_pauses_while_redis_is_down_and_resyncs_when_it_is_back(
    own_redis, staff, book, room, pro_a, at, day
):
    cookie = cookie_of(staff)

    async def scenario():
        screen = stream(cookie)
        assert (await screen.connect(timeout=10))[0]  # the first connect of a run is slow
        await screen.send_json_to(subscription([room.location_id], day))
        assert (await screen.receive_json_from(timeout=5))["paused"] is False
        first = await database_sync_to_async(book)(room, pro_a, at("08:00"), at("09:00"))
        assert (await next_of(screen, "booking"))["booking_id"] == first.pk

        await database_sync_to_async(own_redis.stop)()
        await next_of(screen, "live.paused")
        # The booking service still books (its live update is lost, not its booking)...
        during = await database_sync_to_async(book)(room, pro_a, at("10:00"), at("11:00"))
        assert during.pk
        # ... and a page opened now connects and is told it is not live.
        late = stream(cookie)
        assert (await late.connect(timeout=10))[0]
        await late.send_json_to(subscription([room.location_id], day))
        assert (await late.receive_json_from(timeout=5))["paused"] is True

        await database_sync_to_async(own_redis.start)()
        started = time.monotonic()
        for page in (screen, late):
            await next_of(page, "resync")  # fetch the grid: it has `during`
        assert time.monotonic() - started < 5
        after = await database_sync_to_async(book)(room, pro_a, at("12:00"), at("13:00"))
        for page in (screen, late):
            assert (await next_of(page, "booking"))["booking_id"] == after.pk
        await screen.disconnect()
        await late.disconnect()

    async_to_sync(scenario)()


def test_a_redis_that_forgot_every_group_is_noticed_and_rejoined(
    own_redis, staff, book, room, pro_a, at, day
):
    """A Redis restarted between two polls loses nothing visible to a receiver but the
    memberships: only the heartbeat notices."""
    cookie = cookie_of(staff)

    async def scenario():
        screen = stream(cookie)
        assert (await screen.connect(timeout=10))[0]  # the first connect of a run is slow
        await screen.send_json_to(subscription([room.location_id], day))
        assert (await screen.receive_json_from(timeout=5))["type"] == "subscribed"
        await database_sync_to_async(own_redis.flush)()
        await next_of(screen, "live.paused")
        await next_of(screen, "resync")
        booking = await database_sync_to_async(book)(room, pro_a, at("14:00"), at("15:00"))
        assert (await next_of(screen, "booking"))["booking_id"] == booking.pk
        await screen.disconnect()

    async_to_sync(scenario)()


def test_logging_out_after_an_outage_still_closes_the_stream(own_redis, staff, location, day):
    """The per-user group (how a logout reaches a user's sockets) is re-joined too."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(staff)
    cookie = f"sessionid={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()

    async def scenario():
        screen = stream(cookie)
        assert (await screen.connect(timeout=10))[0]  # the first connect of a run is slow
        await screen.send_json_to(subscription([location.pk], day))
        assert (await screen.receive_json_from(timeout=5))["type"] == "subscribed"
        await database_sync_to_async(own_redis.flush)()
        await next_of(screen, "resync")
        await database_sync_to_async(client.logout)()
        deadline = time.monotonic() + 5
        while True:
            output = await screen.receive_output(timeout=deadline - time.monotonic())
            if output["type"] == "websocket.close":
                break
        assert output == {"type": "websocket.close", "code": 4401}

    async_to_sync(scenario)()
