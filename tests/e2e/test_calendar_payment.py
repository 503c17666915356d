"""Recording a payment from the calendar's menu: the amount is what the booking still
owes, and both receptionists' calendars show the new mark without reloading.

The screenshot of the open popover goes to var/screens/ on every run; with
UPDATE_SCREENSHOTS=1 to docs/screens/."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") else "var") / "screens"


def day_path(site):
    return f"/calendar/?view=day&date={site['past']}&loc={site['location']}"


def open_payment(page, booking):
    booking.click(button="right")
    page.locator("#booking-menu").get_by_role("menuitem", name="Record payment…").click()
    form = page.locator("#record-payment")
    expect(form).to_be_visible()
    return form


def test_a_payment_from_the_menu_is_prefilled_with_what_is_owed_and_marks_both_screens(
    receptionist, site
):
    SCREENS.mkdir(parents=True, exist_ok=True)
    rita = receptionist("rita", day_path(site))
    sara = receptionist("sara", day_path(site))
    selector = f"#booking-{site['to_pay']}"

    # A part payment first: 15 of the €40.00 hour.
    form = open_payment(rita, rita.locator(selector))
    amount = form.get_by_label("Amount")
    expect(amount).to_be_focused()
    expect(amount).to_have_value("40.00")
    expect(form.locator("[data-currency]")).to_have_text("EUR")
    expect(form.get_by_label("Method")).to_have_value("cash")
    # Lisbon does not take Pix: the popover offers only what the location accepts.
    expect(form.get_by_label("Method").locator("option")).to_have_text(
        ["Cash", "Card", "Bank transfer"]
    )
    amount.fill("-15")
    form.get_by_role("button", name="Record payment").click()
    expect(form.locator(".error")).to_have_text("The amount must be more than zero.")
    expect(form).to_be_visible()
    amount.fill("15")
    form.get_by_role("button", name="Record payment").click()
    expect(form).to_be_hidden()
    expect(rita.locator("#toast")).to_contain_text("Payment of €15.00 recorded.")
    for page in (rita, sara):
        expect(page.locator(f"{selector} .b-pay")).to_have_text("part paid")

    # Opened again, it offers what is left; Escape closes it and gives the card the focus.
    form = open_payment(rita, rita.locator(selector))
    expect(form.get_by_label("Amount")).to_have_value("25.00")
    rita.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(rita.locator(selector)).to_be_focused()

    # From the keyboard this time, paid by card; the screenshot is of the open popover.
    rita.keyboard.press("Shift+F10")
    rita.locator("#booking-menu").get_by_role("menuitem", name="Record payment…").click()
    expect(form.get_by_label("Amount")).to_have_value("25.00")
    expect(form.locator("[data-owed]")).to_have_text("Still owed €25.00 of €40.00.")
    form.get_by_label("Method").select_option(label="Card")
    form.get_by_label("Note").fill("Rest of the session, card")
    rita.wait_for_timeout(200)
    rita.screenshot(path=SCREENS / "calendar-payment.png")
    form.get_by_label("Note").press("Enter")
    expect(form).to_be_hidden()
    for page in (rita, sara):
        expect(page.locator(f"{selector} .b-pay")).to_have_text("paid")
    expect(rita.locator(selector)).to_be_focused()

    # Nothing is left to pay: the menu no longer offers it.
    rita.locator(selector).click(button="right")
    menu = rita.locator("#booking-menu")
    expect(menu.get_by_role("menuitem", name="Mark executed")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Record payment…")).to_be_hidden()
    rita.keyboard.press("Escape")
