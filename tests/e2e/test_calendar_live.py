"""Two receptionists on the same day: what one does, the other sees without reloading."""

import os

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def day_path(site, day_key="future"):
    return f"/calendar/?view=day&date={site[day_key]}&loc={site['location']}"


def cell(page, room_id, label):
    return page.locator(f'#col-{room_id} .cell[data-label="{label}"]')


def drag(page, source, target):
    target.scroll_into_view_if_needed()
    a, b = source.bounding_box(), target.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=6)
    page.mouse.up()


def test_a_booking_dragged_by_one_receptionist_appears_on_the_others_screen(receptionist, site):
    rita = receptionist("rita", day_path(site))
    sara = receptionist("sara", day_path(site))
    room = site["rooms"][0]
    drag(rita, cell(rita, room, "16:00"), cell(rita, room, "16:45"))
    form = rita.locator("#new-booking")
    expect(form).to_be_visible()
    expect(form.locator("[data-when]")).to_contain_text("16:00–17:00")
    form.locator("[name=professional_name]").fill("Carla Costa")
    form.locator("[name=notes]").fill("drag-created")
    form.locator("button[type=submit]").click()
    mine = rita.locator(f"#col-{room} .booking", has_text="16:00–17:00")
    expect(mine).to_contain_text("Carla Costa")
    theirs = sara.locator(f"#col-{room} .booking", has_text="16:00–17:00")
    expect(theirs).to_contain_text("Carla Costa")


def test_moving_onto_an_occupied_slot_shows_the_conflict_and_both_screens_agree(receptionist, site):
    rita = receptionist("rita", day_path(site))
    sara = receptionist("sara", day_path(site))
    first_room, second_room = site["rooms"][:2]
    moving = rita.locator(f"#booking-{site['to_move']}")
    drag(rita, moving, cell(rita, second_room, "11:00"))
    toast = rita.locator("#toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Sala 2")
    expect(toast).to_contain_text("already booked")
    expect(toast.locator(".alt").first).to_be_visible()
    for page in (rita, sara):
        expect(page.locator(f"#col-{first_room} #booking-{site['to_move']}")).to_be_visible()
        expect(page.locator(f"#col-{second_room} #booking-{site['blocker']}")).to_be_visible()
        expect(page.locator(f"#col-{second_room} #booking-{site['to_move']}")).to_have_count(0)


def test_marking_executed_from_the_menu_shows_on_both_screens(receptionist, site):
    rita = receptionist("rita", day_path(site, "past"))
    sara = receptionist("sara", day_path(site, "past"))
    booking = f"#booking-{site['to_execute']}"
    rita.locator(booking).click(button="right")
    menu = rita.locator("#booking-menu")
    expect(menu).to_be_visible()
    menu.get_by_role("menuitem", name="Mark executed").click()
    for page in (rita, sara):
        expect(page.locator(booking)).to_contain_class("booking is-executed")


def test_the_menu_works_from_the_keyboard(receptionist, site):
    rita = receptionist("rita", day_path(site, "future"))
    target = rita.locator(f"#booking-{site['blocker']}")
    target.focus()
    rita.keyboard.press("Shift+F10")
    menu = rita.locator("#booking-menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Mark executed")).to_be_hidden()  # not started
    expect(rita.locator("#booking-menu [role=menuitem]:focus")).to_have_count(1)
    rita.keyboard.press("Escape")
    expect(menu).to_be_hidden()


def test_a_change_on_a_second_daphne_process_reaches_a_browser_on_the_first(receptionist, site):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL: two daphne processes share only a Redis channel layer")
    rita = receptionist("rita", day_path(site), base=0)
    sara = receptionist("sara", day_path(site), base=1)
    room = site["rooms"][1]
    drag(sara, cell(sara, room, "18:00"), cell(sara, room, "18:30"))
    form = sara.locator("#new-booking")
    form.locator("[name=professional_name]").fill("Ana Alves")
    form.locator("button[type=submit]").click()
    expect(sara.locator(f"#col-{room} .booking", has_text="18:00–18:45")).to_be_visible()
    expect(rita.locator(f"#col-{room} .booking", has_text="18:00–18:45")).to_contain_text(
        "Ana Alves"
    )


def test_a_booking_can_be_made_from_the_keyboard_alone(receptionist, site):
    rita = receptionist("rita", day_path(site))
    room = site["rooms"][2]
    start = cell(rita, room, "08:00")
    start.focus()
    rita.keyboard.press("ArrowDown")
    rita.keyboard.press("ArrowDown")
    expect(cell(rita, room, "08:30")).to_be_focused()
    rita.keyboard.press("Enter")
    name = rita.locator("#new-booking [name=professional_name]")
    expect(name).to_be_focused()
    name.fill("Bruno Brito")
    name.press("Enter")
    expect(rita.locator(f"#col-{room} .booking", has_text="08:30–09:30")).to_contain_text(
        "Bruno Brito"
    )
    expect(rita.locator("#new-booking")).to_be_hidden()


def test_a_week_view_follows_changes_made_on_a_day_view(receptionist, site):
    week = f"/calendar/?view=week&date={site['future']}&loc={site['location']}"
    rita = receptionist("rita", week)
    sara = receptionist("sara", day_path(site))
    room = site["rooms"][1]
    drag(sara, cell(sara, room, "08:00"), cell(sara, room, "08:15"))
    form = sara.locator("#new-booking")
    form.locator("[name=professional_name]").fill("Carla Costa")
    form.locator("button[type=submit]").click()
    expect(sara.locator(f"#col-{room} .booking", has_text="08:00–08:30")).to_be_visible()
    expect(rita.locator("table.week .chip", has_text="08:00–08:30")).to_contain_text("Carla Costa")


def test_the_now_line_marks_the_current_time_of_the_shown_day(receptionist, site):
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    noon = datetime.combine(
        date.fromisoformat(site["future"]), time(12, 5), ZoneInfo("Europe/Lisbon")
    )
    rita = receptionist("rita", day_path(site), now=noon)
    line = rita.locator(".loc .now-line")
    expect(line).to_be_visible()
    top = line.bounding_box()["y"]
    assert cell(rita, site["rooms"][0], "12:00").bounding_box()["y"] < top
    assert top < cell(rita, site["rooms"][0], "12:15").bounding_box()["y"]


def test_a_day_shown_is_fetched_once_not_again_when_its_stream_subscribes(receptionist, site):
    """Every navigation used to draw the grid twice: once for the swap and again when the
    stream's subscription answered (resync). Nothing changed in between, so once is enough."""
    from scheduling.stream import SINCE_MARGIN

    rita = receptionist("rita", day_path(site))
    # Changes of the tests before (and the seed) are older than the stream's look-back.
    rita.wait_for_timeout(SINCE_MARGIN.total_seconds() * 1000 + 500)
    fetched = []
    rita.on("request", lambda r: fetched.append(r.url) if "/calendar/?" in r.url else None)
    synced = int(rita.evaluate("document.body.dataset.synced"))
    rita.keyboard.press("n")  # next day
    # A function, not an expression: Playwright evals expressions, which the page's CSP refuses.
    rita.wait_for_function(f"() => Number(document.body.dataset.synced) > {synced}")
    rita.wait_for_timeout(300)  # a resync would have started by now
    assert len(fetched) == 1, fetched
    from datetime import date, timedelta

    following = date.fromisoformat(site["future"]) + timedelta(days=1)
    expect(rita.locator(".cal-body")).to_have_attribute("data-day", following.isoformat())
