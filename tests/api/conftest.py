"""API fixtures: a client per actor, signed in with the session (CSRF enforced, token sent)
or with a personal API token (no cookies at all), and a few bookings made through the
booking service."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken

PREFIX = "/api/v1"
CSRF = "a" * 32  # a valid CSRF secret; sent as cookie and header, as a browser page would


class Api:
    """Speaks JSON to /api/v1/ through a Django test client."""

    def __init__(self, client: Client, headers: dict | None = None):
        self.client = client
        self.headers = headers or {}

    def call(self, method: str, path: str, body=None, *, raw=None, params=None, headers=None):
        url = path if path.startswith("/api/") else PREFIX + path
        all_headers = {**self.headers, **(headers or {})}
        if method == "GET":
            return self.client.get(url, params or {}, headers=all_headers)
        if raw is None:
            raw = b"" if body is None else json.dumps(body, default=str)
        return self.client.generic(
            method, url, raw, content_type="application/json", headers=all_headers
        )

    def get(self, path, **params):
        return self.call("GET", path, params=params)

    def post(self, path, body=None, **kwargs):
        return self.call("POST", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.call("PATCH", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.call("PUT", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


def session_api(user) -> Api:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
        client.cookies["csrftoken"] = CSRF
        return Api(client, {"X-CSRFToken": CSRF})
    return Api(client)


def token_api(user) -> Api:
    _, raw = ApiToken.issue(user, "tests")
    return Api(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {raw}"})


@pytest.fixture
def anonymous(db):
    return session_api(None)


@pytest.fixture
def as_staff(staff):
    return session_api(staff)


@pytest.fixture
def as_manager(manager):
    """Places, prices and other people's tokens are a manager's."""
    return session_api(manager)


@pytest.fixture
def as_a(pro_a):
    return session_api(pro_a.user)


@pytest.fixture
def as_b(pro_b):
    return session_api(pro_b.user)


@pytest.fixture
def past_day(location):
    """A local day a week ago: always in the past, always open."""
    return timezone.now().astimezone(location.zone).date() - timedelta(days=7)


def problem_of(response, status: int) -> dict:
    """The problem details of a refusal, after checking it is one."""
    assert response.status_code == status, response.content[:2000]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body
