"""Portal fixtures: professional A signed in through the login page (a real session), and
bookings made through the booking service."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from scheduling.models import Source
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts logins per address in the cache; these tests log in many times."""
    cache.clear()
    yield
    cache.clear()


def signed_in(professional) -> Client:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": professional.email, "password": PASSWORD}
    )
    assert response.status_code == 302, "login failed"
    return client


@pytest.fixture
def as_a(pro_a):
    return signed_in(pro_a)


@pytest.fixture
def as_b(pro_b):
    return signed_in(pro_b)


@pytest.fixture
def portal_book(book):
    """Book as the professional themselves, from the portal."""

    def make(room, professional, starts_at, ends_at, **kwargs):
        return book(
            room,
            professional,
            starts_at,
            ends_at,
            by=professional.user,
            source=Source.PORTAL,
            **kwargs,
        )

    return make
