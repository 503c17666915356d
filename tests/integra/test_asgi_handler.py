"""Requests through the project's ASGI application, the one daphne serves: HTTP goes
through BoundedThreads and OneTripHandler (integra/workers.py) before any view.

These call the real application with httpx's ASGI transport; the database is real (the
handler's threads open their own connections, hence transaction=True)."""

import json
import threading
from datetime import datetime, time, timedelta

import httpx
import pytest
from asgiref.sync import async_to_sync
from django.core import signals
from django.utils import timezone

from accounts.models import ApiToken
from integra.asgi import application
from scheduling.models import Booking

from ..conftest import snapshot
from . import streaming_urls

pytestmark = pytest.mark.django_db(transaction=True)


def send(method: str, path: str, *, token: str | None = None, body=None, raw: bytes = b""):
    """One request through the ASGI application; returns the httpx response."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    content = json.dumps(body).encode() if body is not None else raw

    async def call():
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.request(
                method,
                path,
                content=content,
                headers={**headers, "Content-Type": "application/json"},
            )

    return async_to_sync(call)()


@pytest.fixture(autouse=True)
def request_threads_let_go_of_the_database():
    """The request threads keep their connections (that is the point); after each test they
    close them, or the test database could not be dropped."""
    yield
    application.application_mapping["http"].close_connections()


@pytest.fixture
def token(staff):
    _, raw = ApiToken.issue(staff, "asgi test")
    return raw


@pytest.fixture
def body(room, pro_a, location):
    day = timezone.now().astimezone(location.zone).date() + timedelta(days=7)
    start = datetime.combine(day, time(9), tzinfo=location.zone)
    return {
        "room_id": room.pk,
        "professional_id": pro_a.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
    }


def test_a_booking_made_through_the_asgi_application_is_stored_once(token, body):
    first = send("POST", "/api/v1/bookings", token=token, body=body)
    second = send("POST", "/api/v1/bookings", token=token, body=body)

    assert first.status_code == 201, first.text
    assert second.status_code == 409
    assert second.headers["content-type"] == "application/problem+json"
    assert second.json()["alternatives"], "a conflict offers the nearest free times"
    assert Booking.objects.count() == 1


def test_refusals_before_any_view_are_problems_and_change_nothing(token, body):
    before = snapshot()
    too_large = send(
        "POST", "/api/v1/bookings", token=token, raw=json.dumps({**body, "notes": "x" * 10**7})
    )
    wrong_method = send("DELETE", "/api/v1/bookings", token=token)

    assert too_large.status_code == 413
    assert too_large.json()["code"] == "too_large"
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET, POST"
    assert snapshot() == before


def test_each_request_starts_and_finishes_once_on_the_thread_that_ran_its_view(settings):
    """close_old_connections runs on request_started and request_finished: on any other
    thread than the view's it would close nobody's connection, and the request thread's
    connection would never be handed back."""
    settings.ROOT_URLCONF = "tests.integra.streaming_urls"
    streaming_urls.VIEW_THREADS.clear()
    seen: list[tuple[str, int]] = []

    def started(**kwargs):
        seen.append(("started", threading.get_ident()))

    def finished(**kwargs):
        seen.append(("finished", threading.get_ident()))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        responses = [send("GET", "/where/") for _ in range(3)]
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)

    assert [r.text for r in responses] == ["here"] * 3
    assert [kind for kind, _ in seen] == ["started", "finished"] * 3
    for index, view_thread in enumerate(streaming_urls.VIEW_THREADS):
        assert seen[2 * index][1] == view_thread == seen[2 * index + 1][1]
    assert threading.get_ident() not in streaming_urls.VIEW_THREADS


def test_a_streaming_response_arrives_whole_and_is_closed_after_it_was_sent(settings):
    settings.ROOT_URLCONF = "tests.integra.streaming_urls"
    streaming_urls.CLOSED.clear()

    response = send("GET", "/streamed/")

    assert response.status_code == 200
    assert response.text == "first,second,third"
    assert streaming_urls.CLOSED == [True]
