"""Cancelling late from the calendar's menu: the dialog says it is late and what the fee is
before anything happens; charged, the toast says the fee; waived (with a reason), the
toast says so and the card reads "fee waived"."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def open_cancel(page, booking):
    booking.click(button="right")
    page.locator("#booking-menu").get_by_role("menuitem", name="Cancel…").click()
    form = page.locator("#cancel-booking")
    expect(form).to_be_visible()
    return form


def test_a_late_cancellation_is_charged_or_waived_as_reception_chooses(receptionist, site):
    path = f"/calendar/?view=day&date={site['paulista_day']}&loc={site['paulista']}"
    rita = receptionist("rita", path)
    fee = re.compile(r"75[.,]00")

    charged = rita.locator(f"#booking-{site['to_charge']}")
    form = open_cancel(rita, charged)
    expect(form.locator("[data-terms]")).to_contain_text("Late: free cancellation ended")
    expect(form.locator("[data-terms]")).to_contain_text(fee)
    expect(form.get_by_label(fee)).to_be_checked()  # "Charge the late fee (…)" by default
    expect(form.get_by_label("Why is the fee waived?")).to_be_hidden()
    form.get_by_label("Reason for cancelling").fill("Client called in sick")
    form.get_by_role("button", name="Cancel booking").click()
    expect(form).to_be_hidden()
    expect(rita.locator("#toast")).to_contain_text("Cancelled late: fee")
    expect(rita.locator("#toast")).to_contain_text(fee)

    waived = rita.locator(f"#booking-{site['to_waive']}")
    form = open_cancel(rita, waived)
    form.get_by_label("Waive it").check()
    expect(form.get_by_label("Why is the fee waived?")).to_be_visible()
    form.get_by_label("Why is the fee waived?").fill("Hospitalised, sent a note")
    form.get_by_role("button", name="Cancel booking").click()
    expect(form).to_be_hidden()
    expect(rita.locator("#toast")).to_contain_text("Cancelled late: fee waived.")
    rita.locator(".toggle-cancelled").click()
    expect(rita.locator(f"#booking-{site['to_waive']} .b-pay")).to_have_text("fee waived")
    expect(rita.locator(f"#booking-{site['to_charge']} .b-pay")).to_have_text("fee unpaid")
