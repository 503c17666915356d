"""Admin tests act as a receptionist (the demo's `reception`: the reception group, not a
superuser)."""

import pytest

from tests.factories import ManagerFactory, StaffFactory


@pytest.fixture
def reception(db):
    return StaffFactory(username="reception")


@pytest.fixture
def admin_browser(client, reception):
    client.force_login(reception)
    return client


@pytest.fixture
def superuser_browser(client, db):
    """The demo's `admin`: every page of the admin, for checking that each renders."""
    client.force_login(StaffFactory(username="admin", is_superuser=True))
    return client


@pytest.fixture
def manager_browser(client, db):
    client.force_login(ManagerFactory(username="manager"))
    return client
