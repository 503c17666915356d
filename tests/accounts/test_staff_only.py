"""A professional signed in through the login page reaches no staff page (a friendly 403,
not a login loop), no staff API call and not the staff calendar stream. Anonymous
visitors are sent to the login page."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.api.conftest import CSRF, Api
from tests.factories import PASSWORD
from tests.scheduling.test_consumers import stream

pytestmark = pytest.mark.django_db

PK = 1  # staff doors refuse before any lookup, so any id shows the door
STAFF_PAGES = [
    ("GET", "calendar:calendar", []),
    ("GET", "calendar:location-policies", []),
    ("POST", "calendar:location-policy", [PK]),
    ("GET", "professionals:list", []),
    ("GET", "professionals:create", []),
    ("GET", "professionals:detail", [PK]),
    ("GET", "professionals:edit", [PK]),
    ("POST", "professionals:set-active", [PK]),
    ("POST", "professionals:invite", [PK]),
    ("GET", "billing:overview", []),
    ("POST", "billing:payment-record", []),
    ("POST", "billing:payment-reverse", [PK]),
    ("POST", "billing:statement-issue", []),
    ("POST", "billing:batch-start", []),
    ("GET", "billing:batch-detail", [PK]),
    ("GET", "billing:export-page", []),
    ("GET", "billing:export-csv", ["bookings"]),
    ("GET", "admin:index", []),
]


def admin_pages():
    for model in admin.site._registry:
        meta = model._meta
        yield ("GET", f"admin:{meta.app_label}_{meta.model_name}_changelist", [])


def logged_in_through_the_form(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


@pytest.mark.parametrize(("method", "name", "args"), STAFF_PAGES + list(admin_pages()))
def test_a_professional_gets_a_friendly_403_from_every_staff_page(pro_a, method, name, args):
    client = logged_in_through_the_form(pro_a.email)
    response = client.generic(method, reverse(name, args=args))
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is not available to you" in page
    assert reverse("home") in page  # a way back to their own start page


@pytest.mark.parametrize(("method", "name", "args"), STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, method, name, args):
    """The admin keeps its own (username) login form; every other page uses ours."""
    response = client.generic(method, reverse(name, args=args))
    assert response.status_code == 302
    login = reverse("admin:login") if name.startswith("admin:") else reverse("account_login")
    assert response["Location"].startswith(login)


def test_a_professional_logged_in_by_the_form_cannot_call_staff_api_endpoints(pro_a, location):
    client = logged_in_through_the_form(pro_a.email)
    client.cookies["csrftoken"] = CSRF
    api = Api(client, {"X-CSRFToken": CSRF})
    assert api.post("/locations", {"name": "Porto"}).status_code == 403
    assert api.patch(f"/locations/{location.pk}", {"address": "x"}).status_code == 403
    assert api.post("/professionals", {"name": "X", "email": "x@example.test"}).status_code == 403


def test_a_professional_logged_in_by_the_form_cannot_open_the_staff_stream(pro_a):
    client = logged_in_through_the_form(pro_a.email)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def scenario():
        connected, _ = await stream(cookie).connect()
        assert not connected

    async_to_sync(scenario)()
