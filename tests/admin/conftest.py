"""Admin tests act as a receptionist with the full admin (the demo's `reception`)."""

import pytest

from tests.factories import StaffFactory


@pytest.fixture
def reception(db):
    return StaffFactory(username="reception", is_superuser=True)


@pytest.fixture
def admin_browser(client, reception):
    client.force_login(reception)
    return client
