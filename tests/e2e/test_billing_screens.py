"""Billing in the browser: a receptionist records a part payment on the billing page and
the calendar card of that booking says "part paid", the no-show beside it "unpaid"; the
professionals' list shows balances; a statement is issued and downloaded as a PDF.

Screenshots go to var/screens/ on every run; with UPDATE_SCREENSHOTS=1 to docs/screens/."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") else "var") / "screens"


def test_a_part_payment_marks_the_card_and_the_balances(receptionist, site):
    SCREENS.mkdir(parents=True, exist_ok=True)
    day, month = site["past"], site["past"][:7]
    page = receptionist("rita", f"/calendar/?view=day&date={day}&loc={site['location']}")
    base = page.url.split("/calendar/")[0]
    done = page.locator(".booking.is-executed", has_text="Bruno Brito").first
    missed = page.locator(".booking.is-no_show", has_text="Carla Costa").first
    expect(done.locator(".b-pay")).to_have_text("unpaid")
    expect(missed.locator(".b-pay")).to_have_text("unpaid")
    booking_id = done.get_attribute("data-booking")

    page.goto(f"{base}/billing/?month={month}")
    page.select_option("#id_professional", label="Bruno Brito")
    # htmx asks for Bruno's location's currency, methods and today (Lisbon: no Pix).
    expect(page.locator("#payment-fields")).not_to_have_attribute("data-professional", "")
    expect(page.locator("#id_currency")).to_have_value("EUR")
    expect(page.locator("#id_method option")).to_have_text(["Cash", "Card", "Bank transfer"])
    today = date.fromisoformat(day) + timedelta(days=7)  # the seed's past is a week ago
    expect(page.locator("#id_received_on")).to_have_value(today.isoformat())
    page.fill("#id_amount", "50.00")
    page.select_option("#id_method", "card")
    page.fill("#id_received_on", day)
    page.fill("#id_bookings", booking_id)
    page.fill("#id_note", "Card, part of the session of the day")
    page.click("text=Record payment")
    expect(page.locator(".billing-messages")).to_contain_text("recorded")
    owes = page.locator("section[aria-labelledby=owing-title] tr", has_text="Bruno Brito")
    expect(owes).to_contain_text("€50.00")
    page.screenshot(path=SCREENS / "billing.png", full_page=True)

    page.goto(f"{base}/calendar/?view=day&date={day}&loc={site['location']}")
    page.wait_for_selector("body[data-live=live][data-synced]")
    card = page.locator(f"#booking-{booking_id}")
    expect(card.locator(".b-pay")).to_have_text("part paid")
    expect(card.locator(".b-pay")).to_have_attribute("title", "Partially paid")
    expect(missed.locator(".b-pay")).to_have_text("unpaid")
    card.scroll_into_view_if_needed()
    page.screenshot(path=SCREENS / "calendar-payment-marks.png")

    page.goto(f"{base}/professionals/")
    row = page.locator("tr", has_text="Bruno Brito")
    expect(row.locator(".balance")).to_contain_text("owes")
    page.screenshot(path=SCREENS / "professionals-balances.png")

    page.goto(f"{base}/billing/?month={month}")
    page.select_option("#issue-professional", label="Bruno Brito")
    page.click("text=Issue (or re-issue) one")
    link = page.locator("#statements tr", has_text="Bruno Brito").get_by_role("link", name="PDF")
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename.startswith(f"statement-{month}-")

    page.goto(f"{base}/professionals/")
    page.get_by_role("link", name="Bruno Brito").click()
    expect(page.locator(".statements")).to_contain_text(f"{month}")
    expect(page.locator(".pay-state.is-partially_paid").first).to_have_text("Partially paid")
    page.screenshot(path=SCREENS / "professional-balance-statements.png", full_page=True)
