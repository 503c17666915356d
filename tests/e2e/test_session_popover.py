"""Reception books a session with one of the professional's recent patients in three clicks
from the grid: the cell, the patient, Book (the professional's name is typed)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_receptionist_books_a_session_with_a_recent_patient_in_three_clicks(receptionist, site):
    path = f"/calendar/?view=day&date={site['future']}&loc={site['location']}"
    sara = receptionist("sara", path, width=1440, height=900)
    clicks = 0

    # 19:00: an hour no other browser test books in this room (they share one site).
    cell = sara.locator(f"#col-{site['rooms'][2]} .cell[data-label='19:00']")
    cell.click()
    clicks += 1
    form = sara.locator("#new-booking")
    expect(form).to_be_visible()
    form.get_by_label("Professional").press_sequentially("Duarte")
    recent = form.locator("[data-choices] .patient-chip", has_text="Marina Souza")
    expect(recent).to_be_visible()
    expect(form.locator("[data-choices-title]")).to_have_text(
        "Recent patients of this professional"
    )
    expect(form.get_by_label("Session price")).to_have_value("55.00")
    sara.screenshot(path="/work/shots/desk-new-session-popover.png")
    recent.click()
    clicks += 1
    expect(form.locator("[data-chosen] .patient-chip")).to_contain_text("Marina Souza")
    form.get_by_role("button", name="Book").click()
    clicks += 1

    expect(form).to_be_hidden()
    card = sara.locator(f"#col-{site['rooms'][2]} .booking", has_text="Duarte Dias")
    expect(card).to_contain_text("Marina Souza")
    assert clicks <= 3


def test_two_letters_find_a_patient_and_a_discreet_one_reads_first_name_and_initial(
    receptionist, site
):
    path = f"/calendar/?view=day&date={site['future']}&loc={site['location']}"
    sara = receptionist("sara", path, width=1440, height=900)
    sara.locator(f"#col-{site['rooms'][2]} .cell[data-label='16:00']").click()
    form = sara.locator("#new-booking")
    form.get_by_label("Professional").press_sequentially("Duarte")
    expect(form.locator("[data-choices] .patient-chip").first).to_be_visible()
    form.get_by_label("Search patients").press_sequentially("to")
    found = form.locator("[data-choices] .patient-chip", has_text="Tomás T.")
    expect(found).to_be_visible()
    found.click()
    form.get_by_label("Virtual").check()
    expect(form.get_by_label("Video link")).to_be_visible()
    form.get_by_label("Video link").fill("https://meet.example.test/duarte")
    form.get_by_role("button", name="Book").click()
    expect(form).to_be_hidden()
    card = sara.locator(".booking[data-session=virtual]", has_text="Duarte Dias")
    expect(card).to_contain_text("Tomás T.")
    expect(card).not_to_contain_text("Teixeira")
