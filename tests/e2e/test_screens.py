"""Screenshots of the calendar (day, week, menu, conflict).

Written to var/screens/ on every run; with UPDATE_SCREENSHOTS=1 to docs/screens/, the
copies kept in the repository."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .test_calendar_live import cell, day_path, drag

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") else "var") / "screens"


def test_screenshots_of_day_week_menu_and_conflict(receptionist, site):
    SCREENS.mkdir(parents=True, exist_ok=True)
    all_locations = f"/calendar/?view=day&date={site['past']}"
    page = receptionist("rita", all_locations, width=1280, height=800)
    page.keyboard.press("c")  # show cancelled bookings as ghosts
    expect(page.locator(".booking.is-cancelled")).to_be_visible()
    page.locator('.cell[data-label="08:00"]').first.scroll_into_view_if_needed()
    page.screenshot(path=SCREENS / "calendar-day.png")

    page.locator(f"#booking-{site['to_execute']}").click(button="right")
    expect(page.locator("#booking-menu")).to_be_visible()
    page.screenshot(path=SCREENS / "calendar-menu.png")
    page.keyboard.press("Escape")

    gone = page.locator(".booking.is-cancelled").first
    gone.scroll_into_view_if_needed()
    column = gone.locator("xpath=ancestor::*[contains(@class,'room-col')][1]")
    column.screenshot(path=SCREENS / "calendar-cancelled-card.png")

    page.keyboard.press("w")
    expect(page.locator("table.week")).to_be_visible()
    page.screenshot(path=SCREENS / "calendar-week.png")

    page.goto(page.url.split("/calendar/")[0] + day_path(site, "future"))
    page.wait_for_selector("body[data-live=live][data-synced]")
    first_room, second_room = site["rooms"][:2]
    drag(page, page.locator(f"#booking-{site['to_move']}"), cell(page, second_room, "11:15"))
    expect(page.locator("#toast .alt").first).to_be_visible()
    page.screenshot(path=SCREENS / "calendar-conflict.png")


def test_screenshots_of_a_tablet_and_the_professionals_page(browser, receptionist, site):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page = receptionist("sara", day_path(site, "future"), width=1024, height=768)
    page.screenshot(path=SCREENS / "calendar-tablet.png")
    page.goto(page.url.split("/calendar/")[0] + "/professionals/")
    expect(page.get_by_role("link", name="Ana Alves")).to_be_visible()
    page.screenshot(path=SCREENS / "professionals.png")


def test_screenshot_of_a_professionals_page(receptionist, site):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page = receptionist("rita", day_path(site, "future"), width=1440, height=900)
    base = page.url.split("/calendar/")[0]
    page.goto(base + "/professionals/")
    page.get_by_role("link", name="Ana Alves").click()
    expect(page.locator("table.bookings-of-professional").first).to_be_visible()
    page.screenshot(path=SCREENS / "professional-page.png", full_page=True)


def test_screenshot_of_a_booking_in_the_admin_as_reception(receptionist, site):
    """Sara (reception, not a superuser) reads a cancelled booking's page and its history
    in words, at Lisbon's hours; the admin offers her no internal tables."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page = receptionist("sara", day_path(site, "future"), width=1440, height=900)
    base = page.url.split("/calendar/")[0]
    page.goto(base + "/admin/")
    expect(page.get_by_role("link", name="Bookings", exact=True)).to_be_visible()
    expect(page.get_by_text("Slot claims")).to_have_count(0)
    page.goto(base + f"/admin/scheduling/booking/{site['cancelled']}/change/")
    history = page.locator(".inline-group")
    expect(history).to_contain_text("Cancelled: booked → cancelled, reason: Patient ill")
    expect(history).to_contain_text("13:00–14:00")
    page.screenshot(path=SCREENS / "admin-booking.png", full_page=True)
