"""What people see every day, in the browser: a booking in São Paulo read at the hour it was
tapped on a phone (the server runs in Asia/Kathmandu), the calendar's error toast that must
not cover the form it answers and must go, a dragged card that tells its new time, a
cancelled card drawn whole, a "No-show" on one line, and no 404 for an icon."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .test_calendar_live import cell, day_path, drag
from .test_portal_screens import PHONE, phone  # noqa: F401

pytestmark = pytest.mark.e2e

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def test_a_professional_books_eleven_in_sao_paulo_from_find_and_reads_eleven_everywhere(
    phone,  # noqa: F811
    site,
):
    ana = phone("ana@pro.test")
    local_day = site["paulista_future"]
    ana.goto(
        f"{site['urls'][0]}/portal/find/?day={local_day}&until={local_day}"
        f"&location={site['paulista']}"
    )
    ana.wait_for_selector("body[data-live=live][data-synced]")
    eleven = datetime.combine(date.fromisoformat(local_day), time(11), SAO_PAULO)
    chip = ana.locator(f'a.chip[data-starts-at="{eleven.isoformat()}"]')
    expect(chip).to_contain_text("11:00")
    chip.click()

    sheet = ana.locator("dialog#sheet[open]")
    expect(sheet.locator("#sheet-title")).to_contain_text("11:00–12:00")
    expect(sheet).to_contain_text("Integra Paulista")
    sheet.locator("[data-book]").click()

    ana.wait_for_url("**/portal/bookings/*/")
    expect(ana.locator(".page-messages")).to_contain_text("Booked")
    detail = ana.locator(".booking-detail")
    expect(detail).to_contain_text("11:00–12:00")
    expect(detail).to_contain_text("Sala Ipê")
    booking_url = ana.url

    ana.locator(".bottom-nav").get_by_role("link", name="Bookings").click()
    card = ana.locator(".booking-card", has_text="Sala Ipê")
    expect(card).to_contain_text("11:00–12:00")
    # Neither UTC (14:00) nor the server's zone (19:45) anywhere on the list or the page.
    for text in (card.inner_text(), ana.goto(booking_url) and ana.locator("main").inner_text()):
        assert "14:00" not in text and "19:45" not in text
    assert ana.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_refusal_toast_leaves_the_new_booking_form_usable_and_goes(receptionist, site):
    rita = receptionist("rita", day_path(site), width=1440, height=700)
    third = site["rooms"][2]
    # Bruno is in Sala 2 from 11:00: booking him in Sala 3 at 10:30 clashes.
    drag(rita, cell(rita, third, "10:30"), cell(rita, third, "11:15"))
    form = rita.locator("#new-booking")
    expect(form).to_be_visible()
    form.locator("[name=professional_name]").fill("Bruno Brito")
    form.locator("button[type=submit]").click()
    toast = rita.locator("#toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Bruno Brito")
    for button in (form.locator("button[type=submit]"), form.locator("[data-close]")):
        box = button.bounding_box()
        on_top = rita.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.closest('#toast') === null",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert on_top, "the toast covers the form's buttons"
    rita.keyboard.press("Escape")
    expect(toast).to_be_hidden()


def test_a_refusal_toast_closes_by_itself_after_a_while(receptionist, site):
    start = datetime.now(ZoneInfo("UTC"))
    rita = receptionist("rita", day_path(site), now=start)
    first_room, second_room = site["rooms"][:2]
    drag(rita, rita.locator(f"#booking-{site['to_move']}"), cell(rita, second_room, "11:00"))
    toast = rita.locator("#toast")
    expect(toast).to_be_visible()
    rita.clock.run_for(5_000)
    expect(toast).to_be_visible()  # long enough to read the alternatives
    rita.clock.run_for(10_000)
    expect(toast).to_be_hidden()


def test_a_dragged_card_tells_the_time_it_is_dragged_to(receptionist, site):
    rita = receptionist("rita", day_path(site))
    first_room = site["rooms"][0]
    moving = rita.locator(f"#booking-{site['to_move']}")
    expect(moving.locator(".b-time")).to_have_text("11:00–12:00")
    target = cell(rita, first_room, "15:00")
    target.scroll_into_view_if_needed()
    a, b = moving.bounding_box(), target.bounding_box()
    rita.mouse.move(a["x"] + a["width"] / 2, a["y"] + 5)
    rita.mouse.down()
    rita.mouse.move(b["x"] + b["width"] / 2, b["y"] + 5, steps=8)
    expect(moving.locator(".b-time")).to_have_text("15:00–16:00")
    # Dropped back where it was: nothing is saved and the card says its own time again
    # (and the booking stays where the other browser tests expect it).
    home = cell(rita, first_room, "11:00")
    home.scroll_into_view_if_needed()
    c = home.bounding_box()
    rita.mouse.move(c["x"] + c["width"] / 2, c["y"] + 5, steps=8)
    rita.mouse.up()
    expect(rita.locator(f"#booking-{site['to_move']} .b-time")).to_have_text("11:00–12:00")


def test_cancelled_cards_are_drawn_whole_and_no_show_stays_on_one_line(receptionist, site):
    rita = receptionist("rita", day_path(site, "past"), width=1440, height=900)
    rita.keyboard.press("c")
    cancelled = rita.locator(".booking.is-cancelled").first
    expect(cancelled).to_be_visible()
    column = rita.locator(f"#col-{site['rooms'][0]}").bounding_box()
    assert cancelled.bounding_box()["width"] >= column["width"] * 0.9
    state = rita.locator(".booking.is-no_show .b-state").first
    expect(state).to_have_text("No-show")
    line = rita.evaluate(
        "(el) => parseFloat(getComputedStyle(el).lineHeight) || el.offsetHeight",
        state.element_handle(),
    )
    assert state.bounding_box()["height"] <= line * 1.5, "No-show wraps onto two lines"


def test_staff_pages_load_without_a_single_missing_file(receptionist, site):
    failures = []
    rita = receptionist("rita", day_path(site))
    rita.on("response", lambda r: failures.append(r.url) if r.status >= 400 else None)
    for path in (day_path(site), "/professionals/", "/billing/", "/admin/"):
        rita.goto(site["urls"][0] + path)
        rita.wait_for_load_state("networkidle")
    icon = rita.evaluate("document.querySelector('link[rel=icon]')?.href || ''")
    assert rita.request.get(site["urls"][0] + "/favicon.ico").ok
    assert failures == [], failures
    assert icon.endswith("favicon.svg") or rita.url.endswith("/admin/")
