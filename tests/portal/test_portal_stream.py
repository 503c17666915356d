"""The portal's live stream over the real ASGI stack: professionals only; their own
changes in full, everyone else's as "busy" (room and times, never who); nothing on
rollback; closed on logout. In-memory layer, or Redis when REDIS_URL is set."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from integra.asgi import application
from scheduling import services
from scheduling.errors import SlotTaken
from scheduling.models import Source
from tests.scheduling.test_consumers import cookie_of, fresh_layer  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def portal_stream(cookie: bytes | None = None, path: str = "/ws/portal/"):
    headers = [(b"origin", b"http://testserver")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


async def open_portal(cookie, location, day):
    communicator = portal_stream(cookie)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to(
        {
            "type": "subscribe",
            "locations": [location.pk],
            "first_day": day.isoformat(),
            "last_day": day.isoformat(),
        }
    )
    assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
    return communicator


def test_only_professionals_connect(staff, pro_a, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", "n@example.test", "x")
    refused = [None, cookie_of(staff), cookie_of(nobody)]
    professional = cookie_of(pro_a.user)

    async def scenario():
        for cookie in refused:
            connected, _ = await portal_stream(cookie).connect()
            assert not connected
        communicator = portal_stream(professional)
        assert (await communicator.connect())[0]
        await communicator.disconnect()
        # And a professional never gets the staff stream.
        connected, _ = await portal_stream(professional, "/ws/calendar/").connect()
        assert not connected

    async_to_sync(scenario)()


def test_others_bookings_arrive_as_busy_without_who_and_mine_in_full(
    pro_a, pro_b, staff, room, other_room, book, at, day
):
    cookie = cookie_of(pro_a.user)

    async def scenario():
        communicator = await open_portal(cookie, room.location, day)
        theirs = await database_sync_to_async(book)(
            room, pro_b, at("09:00"), at("10:00"), notes="B's patient"
        )
        raw = await communicator.receive_from(timeout=5)
        message = json.loads(raw)
        assert message == {
            "type": "busy",
            "location_id": room.location_id,
            "room_id": room.pk,
            "starts_at": theirs.starts_at.isoformat(),
            "ends_at": theirs.ends_at.isoformat(),
            "active": True,
        }
        # The message equals the dict above, so it carries no id of B's; B's words:
        for secret in (pro_b.name, pro_b.email, pro_b.phone, "B's patient"):
            assert secret not in raw
        await database_sync_to_async(services.cancel)(theirs, by=staff, source=Source.BACKOFFICE)
        freed = await communicator.receive_json_from(timeout=5)
        assert (freed["type"], freed["active"]) == ("busy", False)
        mine = await database_sync_to_async(book)(room, pro_a, at("11:00"), at("12:00"))
        message = await communicator.receive_json_from(timeout=5)
        assert message == {
            "type": "mine",
            "booking_id": mine.pk,
            "action": "booked",
            "status": "booked",
        }
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_refused_booking_sends_nothing(pro_a, pro_b, room, book, at, day):
    cookie = cookie_of(pro_a.user)

    def clash():
        with pytest.raises(SlotTaken):
            book(room, pro_b, at("09:30"), at("10:30"))

    async def scenario():
        await database_sync_to_async(book)(room, pro_a, at("09:00"), at("10:00"))
        communicator = await open_portal(cookie, room.location, day)
        await database_sync_to_async(clash)()
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_logging_out_closes_the_portal_stream(pro_a, location, day):
    client = Client()
    client.force_login(pro_a.user)
    cookie = f"sessionid={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()

    async def scenario():
        communicator = await open_portal(cookie, location, day)
        await database_sync_to_async(client.logout)()
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}

    async_to_sync(scenario)()
