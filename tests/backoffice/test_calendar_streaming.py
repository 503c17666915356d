"""Under daphne the calendar page is sent in parts as each is ready (the page with its
toolbar, the first location's grid, the other locations), so the browser paints before the
whole page is built. Through the project's real ASGI application, on a real database."""

import re

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import Client
from django.urls import reverse

from integra.asgi import application
from tests.factories import LocationFactory, RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def request_threads_let_go_of_the_database():
    yield
    application.application_mapping["http"].close_connections()


def asgi_get(path: str, cookie: str, *extra: tuple[bytes, bytes]) -> tuple[int, list[bytes]]:
    """GET through the ASGI application; the status and every body message's bytes."""
    url, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode()), *extra],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    bodies = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    return start["status"], [b for b in bodies if b]


def booking_ids(html: str) -> list[str]:
    return sorted(re.findall(r'id="booking-(\d+)"', html))


@pytest.mark.parametrize("view", ["day", "week"])
def test_the_page_comes_in_parts_and_holds_what_one_render_holds(
    view, staff, book, room, pro_a, pro_b, at, day
):
    porto = LocationFactory(name="Porto")
    porto_room = RoomFactory(location=porto, name="P1")
    book(room, pro_a, at("09:00"), at("10:00"))
    book(porto_room, pro_b, at("09:00"), at("10:00"))
    client = Client()
    client.force_login(staff)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    path = (
        reverse("calendar:calendar") + f"?view={view}&date={day}&loc={room.location_id}"
        f"&loc={porto.pk}"
    )

    status, parts = asgi_get(path, cookie)
    assert status == 200
    texts = [p.decode() for p in parts]
    assert len(texts) >= 3
    assert 'class="toolbar"' in texts[0] and 'class="loc"' not in texts[0]
    sections = [re.findall(r'<section class="loc"[^>]*data-location="(\d+)"', t) for t in texts]
    # Locations are shown by name: "Lisboa Centro" (the fixture's) before "Porto".
    assert sections[1] == [str(room.location_id)]
    assert sections[2] == [str(porto.pk)]
    assert texts[-1].rstrip().endswith("</html>")

    whole = client.get(path)  # the test client (not ASGI) renders it in one piece
    assert not whole.streaming
    streamed = "".join(texts)
    assert booking_ids(streamed) == booking_ids(whole.content.decode())
    assert len(booking_ids(streamed)) == 2
    assert "Ana Alves" in streamed and "Bruno Brito" in streamed


def test_an_htmx_swap_is_still_one_piece(staff, room, day):
    client = Client()
    client.force_login(staff)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    path = reverse("calendar:calendar") + f"?view=day&date={day}&loc={room.location_id}"
    status, parts = asgi_get(path, cookie, (b"hx-request", b"true"))
    assert status == 200
    assert len(parts) == 1 and b"<html" not in parts[0] and b'class="cal-body"' in parts[0]
