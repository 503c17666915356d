"""When a session ends while its page is open (logged out in another tab here; a timeout
closes the socket with the same 4401), the live page does not keep reconnecting: it reloads
into the login page. Session timeouts themselves are tested over HTTP and the socket in
tests/accounts/test_session_timeout.py."""

import pytest

from .test_portal_screens import phone  # noqa: F401

pytestmark = pytest.mark.e2e


def log_out_in_another_tab(page, site):
    other = page.context.new_page()
    other.goto(f"{site['urls'][0]}/accounts/logout/")
    other.click("main form [type=submit]")
    other.wait_for_url("**/accounts/login/")
    other.close()


def test_the_calendar_shows_the_login_page_when_its_session_ends(receptionist, site):
    calendar = receptionist(
        "sara", f"/calendar/?view=day&date={site['future']}&loc={site['location']}"
    )

    log_out_in_another_tab(calendar, site)

    calendar.wait_for_url("**/accounts/login/**", timeout=10_000)
    assert calendar.locator("[name=login]").is_visible()


def test_the_portal_shows_the_login_page_when_its_session_ends(phone, site):  # noqa: F811
    portal = phone("carla@pro.test")  # "my bookings", with its live stream
    portal.wait_for_selector("body[data-live=live]")

    log_out_in_another_tab(portal, site)

    portal.wait_for_url("**/accounts/login/**", timeout=10_000)
    assert portal.locator("[name=login]").is_visible()
