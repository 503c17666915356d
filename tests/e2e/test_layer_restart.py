"""Redis restarts under two daphne processes with a calendar open on each: while it is down
every page keeps answering (no 5xx) and the calendars say live updates are paused; once it
is back, what was booked during the outage and after it appears on both screens without a
reload, within 5 s of the restart.

The daphne processes are the test's own, on a redis-server of its own (its own port), so
stopping it disturbs nothing else; they serve the browser tests' database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, _wait_for
from tests.redis_server import REDIS_SERVER, OwnRedis, free_port

pytestmark = pytest.mark.e2e

SCREENS = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") else "var") / "screens"


@pytest.fixture
def two_processes(site):
    if REDIS_SERVER is None:
        pytest.skip("needs redis-server (Debian's redis-server package)")
    redis = OwnRedis()
    redis.start()
    env = {
        **os.environ,
        "DATABASE_URL": site["database_url"],
        "REDIS_URL": redis.url,
        "DJANGO_SETTINGS_MODULE": "integra.settings",
        "PYTHONPATH": str(ROOT),
        "CONN_MAX_AGE": "0",
    }
    ports = [free_port(), free_port()]
    log = open(ROOT / "var" / f"e2e-restart-{ports[0]}.log", "w")  # noqa: SIM115
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
            + ["tests.e2e.asgi_static:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, servers, strict=True):
            _wait_for(port, process)
        yield redis, [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        if redis.running():
            redis.stop()


def _open(browser, base, username, password, path):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/admin/login/?next={quote(path)}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path.split('?')[0]}*")
    page.wait_for_selector("body[data-live=live][data-synced]")
    return context, page


def _phone(browser, base, email, password):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("[name=login]", email)
    page.fill("[name=password]", password)
    page.click("main form [type=submit]")
    page.wait_for_url("**/portal/")
    page.wait_for_selector("body[data-live=live]")
    return context, page


def _book(base, site, room, day, start, end) -> dict:
    zone = ZoneInfo("Europe/Lisbon")
    body = {
        "room_id": room,
        "professional_id": site["carla"],
        "starts_at": f"{day}T{start}:00" + _offset(zone, day),
        "ends_at": f"{day}T{end}:00" + _offset(zone, day),
    }
    request = urllib.request.Request(
        f"{base}/api/v1/bookings",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {site['rita_token']}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our server
        assert response.status == 201
        return json.loads(response.read())


def _offset(zone, day: str) -> str:
    from datetime import datetime

    offset = datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=zone).strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def _status(page, url) -> int:
    return page.request.get(url, max_redirects=0).status


def test_live_updates_pause_during_a_redis_outage_and_catch_up_after_it(
    browser, site, two_processes
):
    redis, (first, second) = two_processes
    day = (date.fromisoformat(site["future"]) + timedelta(days=2)).isoformat()
    room = site["porto_rooms"][0]
    path = f"/calendar/?view=day&date={day}&loc={site['porto']}"
    rita_context, rita = _open(browser, first, "rita", site["password"], path)
    sara_context, sara = _open(browser, second, "sara", site["password"], path)
    carla_context, carla = _phone(browser, second, "carla@pro.test", site["password"])
    pages = (rita, sara)
    for page in (*pages, carla):  # gone if the page is ever reloaded
        page.evaluate("window.drawnOnce = true")

    def card(page, times):
        return page.locator(f"#col-{room} .booking", has_text=times)

    try:
        _book(first, site, room, day, "08:00", "09:00")
        for page in pages:
            expect(card(page, "08:00–09:00")).to_be_visible(timeout=5000)

        redis.stop()
        for page in pages:
            expect(page.locator(".live")).to_have_attribute(
                "data-live-state", "paused", timeout=10000
            )
        expect(carla.locator(".live-paused")).to_be_visible(timeout=10000)
        # Everything answers while Redis is down: bookings, the API, the pages, the logins.
        during = _book(second, site, room, day, "10:00", "11:00")
        for base, page in ((first, rita), (second, sara)):
            for url in (
                path,
                f"/calendar/?view=week&date={day}&loc={site['porto']}",
                f"/calendar/bookings/{during['id']}/",
                "/professionals/",
                "/calendar/locations/",
                "/billing/",
                "/billing/exports/",
                "/admin/",
                "/admin/scheduling/booking/",
                f"/api/v1/bookings?location_id={site['porto']}",
                "/accounts/login/",
            ):
                assert _status(page, base + url) < 500, url
            anonymous = urllib.request.urlopen(f"{base}/accounts/login/", timeout=10)  # noqa: S310
            assert anonymous.status == 200
            try:
                urllib.request.urlopen(f"{base}/admin/login/", timeout=10)  # noqa: S310
            except urllib.error.HTTPError as error:  # pragma: no cover - shown if it happens
                pytest.fail(f"/admin/login/ answered {error.code} with Redis down")
        for page in pages:  # still paused, not reloaded, the booking not shown yet
            expect(page.locator(".live")).to_have_attribute("data-live-state", "paused")
        SCREENS.mkdir(parents=True, exist_ok=True)
        rita.screenshot(path=SCREENS / "calendar-live-paused.png")
        carla.screenshot(path=SCREENS / "portal-live-paused-375.png")
        mine = carla.locator(f'a[href$="/portal/bookings/{during["id"]}/"]')
        expect(mine).to_have_count(0)

        redis.start()
        restarted = time.monotonic()
        for page in pages:
            expect(card(page, "10:00–11:00")).to_be_visible(timeout=5000)
            expect(page.locator(".live")).to_have_attribute("data-live-state", "live")
        expect(mine).to_be_visible(timeout=5000)  # Carla's list caught up too
        expect(carla.locator(".live-paused")).to_be_hidden()
        caught_up = time.monotonic() - restarted
        after = time.monotonic()
        _book(first, site, room, day, "12:00", "13:00")
        for page in pages:
            expect(card(page, "12:00–13:00")).to_be_visible(timeout=5000)
        print(
            f"\ncaught up {caught_up:.2f} s after the restart; "
            f"a booking after it on both screens in {time.monotonic() - after:.2f} s"
        )
        assert caught_up < 5
        # No page was reloaded: the document the pages loaded first is still there.
        for page in (*pages, carla):
            assert page.evaluate("window.drawnOnce") is True
    finally:
        carla_context.close()
        rita_context.close()
        sara_context.close()
        Path(ROOT / "var" / f"e2e-restart-{first.rsplit(':', 1)[1]}.log").unlink(missing_ok=True)
