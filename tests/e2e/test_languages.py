"""Languages in the browser: a receptionist in São Paulo switches her calendar to
Portuguese from the menu, reloads, and the calendar, its menus, the new-booking form and a
refusal toast are in Portuguese; a professional in Lima, on a 375 × 812 phone, switches the
portal to Spanish in Settings and books a slot, all in Spanish.

Screenshots go to var/screens/ on every run; with UPDATE_SCREENSHOTS=1 to docs/screens/."""

import os
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .test_calendar_live import cell, drag
from .test_portal_screens import PHONE, phone  # noqa: F401 - a fixture

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") else "var") / "screens"
LIMA = ZoneInfo("America/Lima")


def test_a_receptionist_switches_to_portuguese_and_the_calendar_speaks_it(receptionist, site):
    day = site["paulista_day"]
    lucia = receptionist(
        "lucia", f"/calendar/?view=day&date={day}&loc={site['paulista']}", width=1440, height=900
    )
    nav = lucia.locator("header.topbar nav")
    expect(nav).to_contain_text("Calendar")
    lucia.select_option("#language-choice", "pt-br")  # applies at once (language.js)
    lucia.wait_for_selector("html[lang=pt-br]")
    lucia.reload()
    lucia.wait_for_selector("body[data-live=live][data-synced]")
    assert lucia.locator("html").get_attribute("lang") == "pt-br"
    for word in ("Agenda", "Profissionais", "Políticas", "Financeiro"):
        expect(nav).to_contain_text(word)
    expect(lucia.locator(".toggle-cancelled")).to_have_text("Mostrar canceladas")
    expect(lucia.locator(".live[role=status]")).to_have_text("Ao vivo")

    # The new-booking form: Diego in Sala Pitanga, 15:00–16:00.
    pitanga, ipe = site["paulista_rooms"]
    drag(lucia, cell(lucia, pitanga, "15:00"), cell(lucia, pitanga, "15:45"))
    form = lucia.locator("#new-booking")
    expect(form).to_be_visible()
    expect(form).to_contain_text("Profissional")
    expect(form.locator("button[type=submit]")).to_contain_text("Reservar")
    form.locator("[name=professional_name]").fill("Diego Dias")
    form.locator("button[type=submit]").click()
    card = lucia.locator(f"#col-{pitanga} .booking", has_text="15:00–16:00")
    expect(card).to_contain_text("Diego Dias")
    expect(card).to_contain_text("Reservada")

    # Its menu.
    card.click(button="right")
    menu = lucia.locator("#booking-menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Cancelar…")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Editar observações…")).to_be_visible()
    lucia.keyboard.press("Escape")

    # A refusal toast: Diego in Sala Ipê at 15:30 clashes with the booking just made.
    drag(lucia, cell(lucia, ipe, "15:30"), cell(lucia, ipe, "16:15"))
    expect(form).to_be_visible()
    form.locator("[name=professional_name]").fill("Diego Dias")
    form.locator("button[type=submit]").click()
    toast = lucia.locator("#toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Diego Dias já tem uma reserva")
    expect(toast).to_contain_text("Livres em vez disso:")
    SCREENS.mkdir(parents=True, exist_ok=True)
    lucia.screenshot(path=str(SCREENS / "calendar-pt-br.png"))
    lucia.keyboard.press("Escape")


def test_a_professional_switches_the_portal_to_spanish_and_books_in_spanish(
    phone,  # noqa: F811
    site,
):
    elena = phone("elena@pro.test")
    elena.locator("header .who a").click()  # her name opens Settings
    elena.wait_for_url("**/portal/settings/")
    elena.get_by_label("Español").check()
    elena.locator("form.choices [type=submit]").click()
    elena.wait_for_selector("html[lang=es]")
    expect(elena.locator("h1")).to_have_text("Configuración")
    expect(elena.locator(".bottom-nav")).to_contain_text("Buscar")

    local_day = site["miraflores_day"]
    elena.goto(
        f"{site['urls'][0]}/portal/find/?day={local_day}&until={local_day}"
        f"&location={site['miraflores']}"
    )
    elena.wait_for_selector("body[data-live=live][data-synced]")
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre"]  # fmt: skip
    day_head = elena.locator(".day-head").first
    expect(day_head).to_contain_text(f"de {months[date.fromisoformat(local_day).month - 1]}")
    ten = datetime.combine(date.fromisoformat(local_day), time(10), LIMA)
    chip = elena.locator(f'a.chip[data-starts-at="{ten.isoformat()}"]')
    expect(chip).to_contain_text("10:00")
    SCREENS.mkdir(parents=True, exist_ok=True)
    elena.screenshot(path=str(SCREENS / "portal-find-es-375.png"))
    chip.click()
    sheet = elena.locator("dialog#sheet[open]")
    expect(sheet.locator("#sheet-title")).to_contain_text("10:00–11:00")
    expect(sheet).to_contain_text("S/ 60.00")
    expect(sheet.locator("[data-book]")).to_contain_text("Reservar")
    elena.screenshot(path=str(SCREENS / "portal-slot-es-375.png"))
    sheet.locator("[data-book]").click()

    elena.wait_for_url("**/portal/bookings/*/")
    expect(elena.locator(".page-messages")).to_contain_text("¡Nos vemos!")
    detail = elena.locator(".booking-detail")
    expect(detail).to_contain_text("10:00–11:00")
    expect(detail).to_contain_text("Consultorio 1")
    assert elena.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    elena.screenshot(path=str(SCREENS / "portal-booking-es-375.png"), full_page=True)
