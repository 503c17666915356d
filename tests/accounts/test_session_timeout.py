"""Session timeouts: idle (staff 30 minutes, professionals 12 hours) and absolute (staff 12
hours, professionals 30 days after login). An ended session is logged out on its next
request: pages go to the login page with a sentence saying why, the API answers 401
problem+json, a page's own fetch gets a 401 it can read. Live sockets close (4401) when their
session ends, by timeout or logout. Time is moved by ageing the session's stamps."""

from datetime import timedelta
from importlib import import_module

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import sessions
from tests.portal.test_portal_stream import portal_stream
from tests.scheduling.test_consumers import fresh_layer, stream  # noqa: F401


def store(key):
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


def age(session_key, *, idle=timedelta(0), since_login=None):
    """Moves the session's clocks back: last activity `idle` ago, login `since_login` ago."""
    session = store(session_key)
    now = timezone.now()
    session[sessions.ACTIVE_AT] = (now - idle).timestamp()
    session[sessions.LOGIN_AT] = (now - (since_login or idle)).timestamp()
    session.save()


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def key_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def still_signed_in(client) -> bool:
    return SESSION_KEY in client.session


# ---------------------------------------------------------------- pages and the API


@pytest.mark.django_db
def test_staff_idle_for_thirty_minutes_are_logged_out_and_told_why(staff):
    client = client_of(staff)
    age(key_of(client), idle=timedelta(minutes=30, seconds=1))

    response = client.get(reverse("calendar:calendar"))

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fcalendar%2F"
    assert not still_signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "Your session ended after 30 minutes without activity. Please log in again." in page


@pytest.mark.django_db
def test_a_request_inside_the_idle_limit_works_and_counts_as_activity(staff):
    client = client_of(staff)
    age(key_of(client), idle=timedelta(minutes=29))

    assert client.get(reverse("calendar:calendar")).status_code == 200

    active_at = store(key_of(client))[sessions.ACTIVE_AT]
    assert timezone.now().timestamp() - active_at < 60
    # So thirty minutes later it has not ended: the clock restarted.
    assert client.get(reverse("calendar:calendar")).status_code == 200


@pytest.mark.django_db
def test_a_pages_background_refresh_is_not_activity(staff):
    client = client_of(staff)
    age(key_of(client), idle=timedelta(minutes=20))
    before = store(key_of(client))[sessions.ACTIVE_AT]

    response = client.get(
        reverse("calendar:calendar"), headers={"HX-Request": "true", "X-Integra-Background": "1"}
    )

    assert response.status_code == 200
    assert store(key_of(client))[sessions.ACTIVE_AT] == before
    # Ten minutes on, the same refresh finds the session ended.
    age(key_of(client), idle=timedelta(minutes=30, seconds=1))
    ended = client.get(
        reverse("calendar:calendar"), headers={"HX-Request": "true", "X-Integra-Background": "1"}
    )
    assert ended.status_code == 401
    assert ended["HX-Redirect"].startswith(reverse("account_login"))
    assert "30 minutes without activity" in ended.json()["message"]


@pytest.mark.django_db
def test_professionals_stay_signed_in_longer_when_idle(pro_a):
    client = client_of(pro_a.user)
    age(key_of(client), idle=timedelta(hours=11, minutes=59))
    assert client.get(reverse("portal:home")).status_code == 200

    age(key_of(client), idle=timedelta(hours=12))
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert not still_signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "Your session ended after 720 minutes without activity." in page


@pytest.mark.django_db
def test_the_absolute_limit_ends_a_busy_session(staff, pro_a):
    desk = client_of(staff)
    age(key_of(desk), idle=timedelta(minutes=1), since_login=timedelta(hours=12))
    response = desk.get(reverse("calendar:calendar"))
    assert response.status_code == 302
    assert not still_signed_in(desk)
    page = desk.get(response["Location"]).content.decode()
    assert "Your session ended 12 hours after you logged in. Please log in again." in page

    phone = client_of(pro_a.user)
    age(key_of(phone), idle=timedelta(minutes=1), since_login=timedelta(days=29))
    assert phone.get(reverse("portal:home")).status_code == 200
    age(key_of(phone), idle=timedelta(minutes=1), since_login=timedelta(days=30))
    assert phone.get(reverse("portal:home")).status_code == 302
    assert not still_signed_in(phone)


@pytest.mark.django_db
def test_the_limits_come_from_settings(staff, settings):
    settings.SESSION_IDLE_MINUTES_STAFF = 5
    client = client_of(staff)
    age(key_of(client), idle=timedelta(minutes=5))
    response = client.get(reverse("calendar:calendar"), follow=True)
    assert "Your session ended after 5 minutes without activity." in response.content.decode()


@pytest.mark.django_db
def test_the_api_answers_an_ended_session_with_a_401_problem(staff):
    client = client_of(staff)
    age(key_of(client), idle=timedelta(minutes=31))

    response = client.get("/api/v1/locations", headers={"Accept-Language": "es"})

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 401 and problem["code"] == "session-ended"
    assert problem["detail"] == (
        "Su sesión terminó tras 30 minutos sin actividad. Vuelva a iniciar sesión."
    )
    assert not still_signed_in(client)


@pytest.mark.django_db
def test_the_sentence_is_in_the_readers_language(staff):
    client = client_of(staff)
    age(key_of(client), idle=timedelta(minutes=31))
    response = client.get(
        reverse("calendar:calendar"), headers={"Accept-Language": "pt-BR"}, follow=True
    )
    assert "Sua sessão terminou após 30 minutos sem atividade." in response.content.decode()


# ---------------------------------------------------------------- live sockets


def cookie(client) -> bytes:
    return f"{settings.SESSION_COOKIE_NAME}={key_of(client)}".encode()


@pytest.fixture
def quick_checks(settings):
    """Sockets check their session every 50 ms here (a minute in production)."""
    settings.SESSION_SOCKET_CHECK_SECONDS = 0.05


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["staff", "professional"])
def test_a_live_socket_closes_when_its_session_passes_the_idle_limit(
    who, staff, pro_a, quick_checks
):
    user, open_socket, limit = {
        "staff": (staff, stream, timedelta(minutes=30)),
        "professional": (pro_a.user, portal_stream, timedelta(hours=12)),
    }[who]
    client = client_of(user)

    async def scenario():
        communicator = open_socket(cookie(client))
        assert (await communicator.connect())[0]
        # A few checks pass and the socket stays open: the session is fresh.
        assert await communicator.receive_nothing(timeout=0.3)
        await database_sync_to_async(age)(key_of(client), idle=limit)
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_activity_in_another_tab_keeps_the_socket_open(staff, quick_checks):
    client = client_of(staff)

    async def scenario():
        communicator = stream(cookie(client))
        assert (await communicator.connect())[0]
        await database_sync_to_async(age)(key_of(client), idle=timedelta(minutes=29))
        # The person clicks in another tab: the session's activity is now.
        response = await database_sync_to_async(client.get)(reverse("calendar:calendar"))
        assert response.status_code == 200
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_socket_of_an_ended_session_is_refused(staff):
    client = client_of(staff)
    age(key_of(client), idle=timedelta(minutes=31))

    async def scenario():
        connected, code = await stream(cookie(client)).connect()
        assert not connected and code == 4401

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["staff", "professional"])
def test_a_live_socket_closes_at_logout(who, staff, pro_a):
    user, open_socket = {"staff": (staff, stream), "professional": (pro_a.user, portal_stream)}[who]
    client = client_of(user)

    async def scenario():
        communicator = open_socket(cookie(client))
        assert (await communicator.connect())[0]
        response = await database_sync_to_async(client.post)(reverse("account_logout"))
        assert response.status_code == 302
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_socket_closes_even_when_the_logout_message_is_lost(staff, quick_checks):
    """Group messages are at most once: the session's disappearance closes it anyway."""
    client = client_of(staff)

    async def scenario():
        communicator = stream(cookie(client))
        assert (await communicator.connect())[0]
        assert await communicator.receive_nothing(timeout=0.2)
        await database_sync_to_async(Session.objects.filter(pk=key_of(client)).delete)()
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}
        await communicator.disconnect()

    async_to_sync(scenario)()
