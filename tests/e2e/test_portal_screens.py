"""The portal on a phone (375 × 812): a professional logs in through the login form, finds
a slot, books it in three taps and sees it in "my bookings", while a receptionist's
calendar in a second browser shows it appear live; a slot the receptionist takes
disappears from the professional's open page. Then a screenshot of every portal page.

Screenshots go to var/screens/ on every run; with UPDATE_SCREENSHOTS=1 to docs/screens/,
the copies kept in the repository."""

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .test_calendar_live import cell, drag

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") else "var") / "screens"
PHONE = {"width": 375, "height": 812}
LISBON = ZoneInfo("Europe/Lisbon")


@pytest.fixture
def phone(browser, site):
    """A professional's phone, logged in through the login form."""
    contexts = []

    def log_in(email: str):
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{site['urls'][0]}/accounts/login/")
        page.fill("[name=login]", email)
        page.fill("[name=password]", site["password"])
        page.click("main form [type=submit]")
        page.wait_for_url("**/portal/")
        return page

    yield log_in
    for context in contexts:
        context.close()


def find_path(site, day_key="future") -> str:
    return f"/portal/find/?day={site[day_key]}&until={site[day_key]}&location={site['location']}"


def tomorrow() -> date:
    return datetime.now(LISBON).date() + timedelta(days=1)


def chip_at(page, site, clock: str, on: date | None = None):
    """The start-time button at Lisboa Centro (`on` a local day, `future` by default)."""
    hours, minutes = (int(x) for x in clock.split(":"))
    local_day = on or date.fromisoformat(site["future"])
    moment = datetime.combine(local_day, time(hours, minutes), LISBON)
    return page.locator(
        f'a.chip[data-location="{site["location"]}"][data-starts-at="{moment.isoformat()}"]'
    )


def calendar_of(site, local_day: date) -> str:
    return f"/calendar/?view=day&date={local_day}&loc={site['location']}"


def test_a_professional_books_on_a_phone_and_reception_sees_it_live(phone, receptionist, site):
    rita = receptionist("rita", calendar_of(site, tomorrow()))
    ana = phone("ana@pro.test")
    assert "Bruno Brito" not in ana.content()

    # Three taps: "Find" (the week ahead, everywhere, one hour), a start time, "Book".
    ana.locator(".bottom-nav").get_by_role("link", name="Find").click()
    ana.wait_for_selector("body[data-live=live][data-synced]")
    chip = chip_at(ana, site, "19:00", tomorrow())
    expect(chip).to_be_visible()
    chip.click()
    sheet = ana.locator("dialog#sheet[open]")
    expect(sheet).to_contain_text("19:00–20:00")
    expect(sheet.locator(".room-option:not(.online)")).to_have_count(3)
    expect(sheet.locator(".room-option", has_text="Sala 1").locator("input")).to_be_checked()
    sheet.locator("[data-book]").click()
    ana.wait_for_url("**/portal/bookings/*/")
    expect(ana.locator(".page-messages")).to_contain_text("Booked.")
    expect(ana.locator(".booking-detail")).to_contain_text("19:00–20:00")

    # On the receptionist's calendar, without reloading.
    room = site["rooms"][0]
    booked = rita.locator(f"#col-{room} .booking", has_text="19:00–20:00")
    expect(booked).to_contain_text("Ana Alves")

    ana.locator(".bottom-nav").get_by_role("link", name="Bookings").click()
    card = ana.locator(".booking-card", has_text="19:00–20:00")
    expect(card).to_contain_text("Sala 1")
    expect(card).to_contain_text("Booked")
    box = ana.locator(".bottom-nav a").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    # Nothing sticks out sideways at 375 px.
    assert ana.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_slot_reception_takes_disappears_from_the_open_find_page(phone, receptionist, site):
    carla = phone("carla@pro.test")
    carla.locator(".bottom-nav").get_by_role("link", name="Find").click()
    carla.wait_for_selector("body[data-live=live][data-synced]")
    chip = chip_at(carla, site, "17:00", tomorrow())
    expect(chip).to_contain_text("3 rooms")
    chip.click()
    sheet = carla.locator("dialog#sheet[open]")
    expect(sheet.locator(".room-option:not(.online)")).to_have_count(3)

    rita = receptionist("rita", calendar_of(site, tomorrow()))
    third = site["rooms"][2]
    drag(rita, cell(rita, third, "17:00"), cell(rita, third, "17:45"))
    form = rita.locator("#new-booking")
    form.locator("[name=professional_name]").fill("Bruno Brito")
    form.locator("button[type=submit]").click()
    expect(rita.locator(f"#col-{third} .booking", has_text="17:00–18:00")).to_be_visible()

    # The open sheet strikes the room out at once, and the list follows.
    taken = sheet.locator(f'.room-option[data-room="{third}"]')
    expect(taken).to_have_class("room-option is-gone")
    expect(taken.locator("input")).to_be_disabled()
    expect(sheet.locator(".taken-note")).to_be_visible()
    carla.keyboard.press("Escape")
    after = chip_at(carla, site, "17:00", tomorrow())
    expect(after).to_contain_text("2 rooms")
    assert str(third) not in after.get_attribute("data-rooms").split()
    assert "Bruno Brito" not in carla.content()


def test_screenshots_of_every_portal_page_at_phone_size(phone, site):
    SCREENS.mkdir(parents=True, exist_ok=True)
    ana = phone("ana@pro.test")
    base = ana.url.split("/portal/")[0]

    def shot(name: str, *, full: bool = False):
        ana.wait_for_timeout(200)  # let the live refresh settle
        ana.screenshot(path=SCREENS / f"portal-{name}-375.png", full_page=full)

    shot("my-bookings")
    ana.goto(base + find_path(site))
    ana.wait_for_selector("body[data-live=live][data-synced]")
    shot("find")
    chip_at(ana, site, "09:00").click()
    expect(ana.locator("dialog#sheet[open] [data-book]")).to_be_visible()
    shot("slot-sheet")
    ana.locator("dialog#sheet [data-book]").click()
    ana.wait_for_url("**/portal/bookings/*/")
    shot("booking", full=True)
    detail = ana.url
    ana.goto(detail + "cancel/")
    shot("cancel")
    ana.goto(detail)
    ana.get_by_role("link", name="Move to another time").click()
    ana.wait_for_selector("a.chip")
    shot("move")
    ana.goto(f"{base}/portal/bookings/{site['to_execute']}/")
    shot("past-booking", full=True)
    ana.locator(".bottom-nav").get_by_role("link", name="Money").click()
    shot("money", full=True)
    ana.locator(".bottom-nav").get_by_role("link", name="Month").click()
    shot("month", full=True)
    ana.goto(f"{base}/portal/calendar-feed/")
    shot("feed-none")
    ana.get_by_role("button", name="Create my calendar address").click()
    expect(ana.locator("#feed-url")).to_be_visible()
    shot("feed")
    ana.goto(f"{base}/portal/find/?day=2000-01-01")
    shot("find-error")
    ana.context.clear_cookies()
    ana.goto(f"{base}/accounts/login/?next=/portal/")
    shot("login")


def test_a_session_with_a_recent_patient_takes_three_taps_on_a_phone(phone, site):
    """Duarte (issue 15): a start time, his recent patient (no typing), Book. The booking
    then says who it is for, and his patients list holds them."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    duarte = phone("duarte@pro.test")
    duarte.goto(f"{site['urls'][0]}/portal/find/?day={site['future']}&until={site['future']}")
    duarte.wait_for_selector("body[data-live=live][data-synced]")
    chip = duarte.locator("a.chip:not(.is-gone)").nth(5)
    chip.click()  # 1
    sheet = duarte.locator("dialog#sheet[open]")
    recent = sheet.locator(".patient-chip", has_text="Marina Souza")
    expect(recent).to_be_visible()
    expect(sheet.locator("[name=session_price]")).to_have_value("55.00")
    recent.click()  # 2
    expect(recent.locator("input")).to_be_checked()
    sheet.screenshot(path=SCREENS / "portal-session-sheet.png")
    sheet.locator("[data-book]").click()  # 3
    duarte.wait_for_url("**/portal/bookings/*/")
    expect(duarte.locator(".session-facts")).to_contain_text("Marina Souza")
    duarte.screenshot(path=SCREENS / "portal-session-booked.png", full_page=True)

    # Two letters find one not among the recent ones.
    duarte.locator(".bottom-nav").get_by_role("link", name="Patients").click()
    expect(duarte.locator(".patient-list li")).to_have_count(3)
    duarte.locator("#patient-q").fill("iv")
    expect(duarte.locator(".patient-list li")).to_have_count(1)
    expect(duarte.locator(".patient-list")).to_contain_text("Inês Ivo")
    duarte.screenshot(path=SCREENS / "portal-my-patients.png")
    assert duarte.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
