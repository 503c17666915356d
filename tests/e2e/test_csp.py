"""The Content-Security-Policy in Chromium: reception, a manager, the admin's superuser, a
professional and someone not signed in load every page of the site (every UI URL pattern is
accounted for, the admin's every model), and the browser reports no violation — no refused
script, style, style attribute, event handler, image, font or connection. Where pages run
JavaScript the test uses it a little (the calendar grid, its menus and websocket; the
portal's sheet and live stream; htmx polling a statement batch; the API reference).

Violations are collected in the page itself (a `securitypolicyviolation` listener added
before any script of the page runs) and from the console ("... violates the following
Content Security Policy directive ..."); a control shows the listener does catch them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from playwright.sync_api import expect

from .test_calendar_live import cell
from .test_portal_screens import find_path

pytestmark = pytest.mark.e2e

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  + (e.sample ? ` (${e.sample})` : "")));
"""

# UI routes that are not pages a browser shows: the test reaches them through the pages
# that use them (forms post to them, scripts fetch them) or they answer with a file.
NOT_PAGES = {
    "favicon.ico": "a redirect to the icon",
    "health": "plain text or JSON for monitoring (tests/integra/test_health.py)",
    "health-live": "plain text for a load balancer",
    "choose-language": "POST from the language switch",
    "accounts:choose-language": "POST from the language switch",
    "calendar:booking-create": "POST from the calendar's new-booking form",
    "calendar:booking-fragment": "fetched by calendar.js into the page",
    "calendar:booking-move": "POST by dragging",
    "calendar:booking-payment": "fetched into the calendar's payment dialog",
    "calendar:booking-cancel": "fetched into the calendar's cancel dialog",
    "calendar:booking-action": "POST from the booking menu",
    "calendar:professional-search": "JSON for the booking form's type-ahead",
    "calendar:patient-choices": "JSON for the session popover's patient picker",
    "calendar:booking-session": "POST from the booking menu's Patients and price…",
    "calendar:booking-session-details": "JSON for the booking menu's Patients and price…",
    "professionals:set-active": "POST from the professional's page",
    "professionals:invite": "POST from the professional's page",
    "patients:export-new": "a CSV file",
    "patients:guardian-search": "htmx fragment inside the patient's page",
    "patients:guardian-add": "POST from the patient's page",
    "patients:guardian-remove": "POST from the patient's page",
    "patients:care-team-add": "POST from the patient's page",
    "patients:care-team-remove": "POST from the patient's page",
    "patients:export-json": "a JSON file",
    "patients:export-pdf": "a PDF",
    "billing:payment-record": "POST from the billing page",
    "billing:payment-fields": "htmx fragment inside the billing page",
    "billing:payment-reverse": "POST from the billing page",
    "billing:statement-issue": "POST from the billing page",
    "billing:statement-download": "a PDF",
    "billing:batch-start": "POST from the billing page",
    "billing:export-csv": "a CSV file",
    "billing:month-table-csv": "a CSV file",
    "portal:book": "POST from the slot sheet",
    "portal:booking-rebook": "POST from a booking's page",
    "portal:feed-issue": "POST from the calendar-feed page",
    "portal:feed-revoke": "POST from the calendar-feed page",
    "portal:feed-ics": "an iCalendar file",
    "portal:manifest": "the web app manifest (JSON)",
    "account_set_password": "redirects to the password change (everyone has one)",
    "account_reauthenticate": "redirects when the sign-in is recent",
}


def ui_url_names() -> set[str]:
    """Every named route outside the admin and the API, from the URL patterns."""
    names = set()

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in {"admin", "api"} or entry.app_name in {"admin", "api"}:
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                names.add(f"{namespace}{entry.name}" if entry.name else str(entry.pattern))

    walk(get_resolver().url_patterns)
    return names


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("content-security-policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@dataclass
class Walk:
    """Pages loaded in one browser context and what the browser refused on each."""

    base: str
    password: str = field(repr=False)
    problems: list[str] = field(default_factory=list, repr=False)
    console: list[str] = field(default_factory=list, repr=False)
    names: set[str] = field(default_factory=set, repr=False)

    def watch(self, context):
        context.add_init_script(WATCH)
        context.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and self.console.append(
                    f"{message.page.url if message.page else ''}: {message.text}"
                )
            ),
        )

    def visit(self, page, path: str, *, ready: str | None = None, nonce: bool = True):
        response = page.goto(self.base + path)
        assert response is not None, path
        self.names.add(resolve(urlsplit(path).path).view_name)
        self.check_header(page, path, response, nonce=nonce)
        self.settle(page, ready)
        self.collect(page, path)
        return response

    def check_header(self, page, path, response, *, nonce: bool):
        policy = policy_of(response)
        header = response.headers.get("content-security-policy", "")
        if not policy:
            self.problems.append(f"{path}: no Content-Security-Policy header")
            return
        if "unsafe-inline" in header or "unsafe-eval" in header:
            self.problems.append(f"{path}: {header}")
        for directive, sources in (
            ("default-src", ["'self'"]),
            ("object-src", ["'none'"]),
            ("frame-ancestors", ["'none'"]),
            ("base-uri", ["'self'"]),
            ("form-action", ["'self'"]),
        ):
            if policy.get(directive) != sources:
                self.problems.append(f"{path}: {directive} is {policy.get(directive)}")
        nonces = {s for s in policy.get("script-src", []) if s.startswith("'nonce-")}
        if nonce and not nonces:
            self.problems.append(f"{path}: script-src has no nonce ({header})")
        # Every script element of ours carries this response's nonce (the admin's and
        # the vendored ones run as 'self').
        ours = page.evaluate(
            """() => [...document.scripts]
                 .filter((s) => !s.src || /\\/static\\/(js|portal)\\//.test(s.src))
                 .filter((s) => !s.type || s.type === "module" || s.type === "text/javascript")
                 .map((s) => [s.src || "inline", s.nonce])"""
        )
        for src, script_nonce in ours:
            if nonce and f"'nonce-{script_nonce}'" not in nonces:
                self.problems.append(f"{path}: {src} has nonce {script_nonce!r}, not the header's")
        self.names.add(resolve(urlsplit(response.url).path).view_name)

    def settle(self, page, ready: str | None):
        if ready:
            page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")

    def collect(self, page, path: str):
        for violation in page.evaluate("window.__csp || []"):
            self.problems.append(f"{path}: {violation}")
        page.evaluate("window.__csp = []")

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)
        assert not self.console, "\n".join(self.console)


def signed_in(browser, walk: Walk, username: str, path: str):
    """A page of `username` (staff sign in through the admin's form, like the other
    browser tests), the login page itself checked too."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    walk.watch(context)
    page = context.new_page()
    walk.visit(page, f"/admin/login/?next={path}", nonce=False)
    page.fill("#id_username", username)
    page.fill("#id_password", walk.password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path.split('?')[0]}*")
    return context, page


def new_walk(site) -> Walk:
    return Walk(site["urls"][0], site["password"])


LIVE = "body[data-live=live][data-synced]"


def reception_pages(browser, walk: Walk, site):
    day = f"/calendar/?view=day&date={site['past']}&loc={site['location']}"
    context, page = signed_in(browser, walk, "sara", day)
    walk.visit(page, day, ready=LIVE)
    # The grid draws, its menus open and the websocket is live under the policy.
    booking = page.locator(f"#booking-{site['to_execute']}")
    expect(booking).to_be_visible()
    box = booking.bounding_box()
    assert box and box["height"] > 30, "the booking lost its height (its len- class)"
    booking.click(button="right")
    expect(page.locator("#booking-menu")).to_be_visible()
    page.keyboard.press("Escape")
    future = f"/calendar/?view=day&date={site['future']}&loc={site['location']}"
    walk.visit(page, future, ready=LIVE)
    cell(page, site["rooms"][2], "18:00").click()
    expect(page.locator("#new-booking")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("w")
    expect(page.locator("table.week")).to_be_visible()
    walk.collect(page, future + " (menus, new-booking form, week)")
    walk.visit(page, f"/calendar/?view=week&date={site['past']}", ready=LIVE)
    walk.visit(page, f"/calendar/?view=day&date={site['past']}", ready=LIVE)
    walk.visit(page, "/calendar/locations/")
    walk.visit(page, "/professionals/")
    page.fill("input[type=search]", "Ana")
    expect(page.locator("#professional-rows")).to_contain_text("Ana Alves")
    walk.collect(page, "/professionals/ (htmx search)")
    detail = page.get_by_role("link", name="Ana Alves").first.get_attribute("href")
    walk.visit(page, detail)
    walk.visit(page, f"{detail}edit/")
    walk.visit(page, "/professionals/new/")
    walk.visit(page, "/billing/")
    walk.visit(page, "/calendar/", ready=LIVE)  # the 403 or the page: both under the policy
    context.close()


def manager_pages(browser, walk: Walk, site):
    context, page = signed_in(browser, walk, "rita", "/billing/")
    walk.visit(page, "/billing/")
    page.select_option("#id_professional", index=1)  # htmx fetches the payment fields
    page.wait_for_load_state("networkidle")
    walk.collect(page, "/billing/ (payment fields)")
    walk.visit(page, "/billing/exports/")
    walk.visit(page, "/billing/month-table/")
    patient = f"/patients/{site['minor_patient']}/"
    walk.visit(page, "/patients/")
    page.fill("#id_q", "Souza")
    expect(page.locator("#patient-rows")).to_contain_text("Beatriz Souza")
    walk.collect(page, "/patients/ (htmx search)")
    walk.visit(page, patient)
    page.fill("#guardian-q", "Jo")
    expect(page.locator("#guardian-choices")).to_contain_text("Joana Souza")
    walk.collect(page, patient + " (guardian type-ahead)")
    walk.visit(page, f"{patient}edit/")
    walk.visit(page, f"{patient}erase/")
    walk.visit(page, "/patients/new/")
    walk.visit(page, f"/patients/reads/?patient={site['minor_patient']}")
    walk.visit(page, f"/calendar/locations/{site['location']}/policy/")
    # A statement batch's page (for a month nobody worked: it changes nothing).
    walk.visit(page, "/billing/?month=2001-01")
    page.get_by_role("button", name="Issue all statements for this month").click()
    page.wait_for_url("**/billing/statements/batches/*/")
    walk.check_header(page, page.url, page.reload(), nonce=True)
    page.wait_for_load_state("networkidle")
    walk.collect(page, "/billing/statements/batches/")
    context.close()


def admin_pages(browser, walk: Walk, site):
    """The admin index, then each model's list, add form and first object's change form
    and history, found by following the index's links."""
    context, page = signed_in(browser, walk, "olga", "/admin/")
    walk.visit(page, "/admin/", nonce=False)
    lists = page.eval_on_selector_all(
        "#content-main tr[class^=model-] th a", "links => links.map((a) => a.pathname)"
    )
    assert len(lists) >= 10, lists
    for changelist in lists:
        walk.visit(page, changelist, nonce=False)
        add = page.locator("a.addlink")
        first = page.locator("#result_list tbody tr th a, #result_list tbody tr td.field-__str__ a")
        first_href = first.first.get_attribute("href") if first.count() else None
        if add.count():
            walk.visit(page, urlsplit(add.first.get_attribute("href")).path, nonce=False)
        if first_href:
            walk.visit(page, urlsplit(first_href).path, nonce=False)
            walk.visit(page, urlsplit(first_href).path + "history/", nonce=False)
    walk.visit(page, "/admin/password_change/", nonce=False)
    # The API reference (Stoplight Elements): an operation, its code samples and "Try it",
    # which calls the API from the page.
    walk.visit(page, "/api/docs", ready="elements-api h1")
    page.get_by_text("locations", exact=True).first.click()
    page.locator("a[href*='#/operations/']").first.click()
    page.get_by_role("button", name="Send API Request").click()
    # (the page sends no cookies: without a token the API answers 401, as a problem)
    expect(page.get_by_text("401 Unauthorized")).to_be_visible()
    walk.collect(page, "/api/docs (an operation, tried)")
    context.close()


def professional_pages(browser, walk: Walk, site):
    context = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True)
    walk.watch(context)
    page = context.new_page()
    walk.visit(page, "/accounts/login/?next=/portal/")
    # Bruno: the other browser tests count on Ana having no calendar feed yet.
    page.fill("[name=login]", "bruno@pro.test")
    page.fill("[name=password]", site["password"])
    page.click("main form [type=submit]")
    page.wait_for_url("**/portal/")
    walk.visit(page, "/portal/", ready="body[data-live=live]")
    walk.visit(page, find_path(site), ready=LIVE)
    chip = page.locator("a.chip").first
    slot = chip.get_attribute("href")
    chip.click()  # the slot sheet, fetched into the page
    expect(page.locator("dialog#sheet [data-book]")).to_be_visible()
    walk.collect(page, find_path(site) + " (sheet)")
    walk.visit(page, urlsplit(slot).path + "?" + urlsplit(slot).query)
    walk.visit(page, f"/portal/bookings/{site['blocker']}/")
    page.get_by_role("link", name="Move to another time").click()  # find, to move it
    page.wait_for_selector("a.chip")
    walk.check_header(page, page.url, page.reload(), nonce=True)
    page.wait_for_load_state("networkidle")
    walk.collect(page, "/portal/find/ (moving a booking)")
    walk.visit(page, f"/portal/bookings/{site['blocker']}/cancel/")
    walk.visit(page, "/portal/money/")
    walk.visit(page, "/portal/month/")
    walk.visit(page, "/portal/settings/")
    walk.visit(page, "/portal/calendar-feed/")
    create = page.get_by_role("button", name="Create my calendar address")
    if create.count():
        create.click()
        page.wait_for_selector("#feed-url")
    walk.visit(page, "/portal/calendar-feed/")
    # Focusing the address selects it whole (portal.js; it was an onfocus attribute).
    page.focus("#feed-url")
    assert page.evaluate(
        "(() => { const f = document.getElementById('feed-url');"
        " return f.selectionStart === 0 && f.selectionEnd === f.value.length"
        " && f.value.length > 0; })()"
    )
    walk.visit(page, "/accounts/password/change/")
    walk.visit(page, "/calendar/")  # a professional's 403 page
    walk.visit(page, "/accounts/logout/")
    context.close()
    patient_pages(browser, walk, site)


def patient_pages(browser, walk: Walk, site):
    """Duarte keeps patients: My patients and its search, a patient's page, the forms, the
    discreet choice (saved as it is), the slot sheet's picker, a booking's session page."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True)
    walk.watch(context)
    page = context.new_page()
    walk.visit(page, "/accounts/login/?next=/portal/")
    page.fill("[name=login]", "duarte@pro.test")
    page.fill("[name=password]", site["password"])
    page.click("main form [type=submit]")
    page.wait_for_url("**/portal/")
    walk.visit(page, "/portal/patients/")
    page.fill("#patient-q", "iv")  # the list's rows, fetched as one types
    expect(page.locator(".patient-list li")).to_have_count(1)
    walk.collect(page, "/portal/patients/ (search)")
    marina = site["duarte_patients"][0]
    walk.visit(page, f"/portal/patients/{marina}/")
    page.locator(".choices button[type=submit]").click()  # the discreet choice, unchanged
    page.wait_for_url(f"**/portal/patients/{marina}/")
    walk.names.add("portal:patient-discreet")
    walk.collect(page, f"/portal/patients/{marina}/discreet/ (saved)")
    walk.visit(page, f"/portal/patients/{marina}/edit/")
    walk.visit(page, "/portal/patients/new/")
    walk.visit(page, f"/portal/find/?patient={marina}", ready=LIVE)
    page.locator("a.chip").first.click()
    sheet = page.locator("dialog#sheet[open]")
    sheet.locator("[data-patient-search]").fill("iv")  # the picker's fragment
    expect(sheet.locator("#patient-found .patient-chip")).to_have_count(1)
    walk.names.add("portal:patient-choices")
    walk.collect(page, "/portal/find/ (sheet, patient search)")
    page.keyboard.press("Escape")
    walk.visit(page, f"/portal/patients/{marina}/")
    page.locator(".plain-list.sessions a").first.click()
    page.wait_for_url("**/portal/bookings/*/")
    walk.collect(page, page.url)
    page.get_by_role("link", name="Change the session").click()
    page.wait_for_url("**/portal/bookings/*/session/")
    walk.check_header(page, page.url, page.reload(), nonce=True)
    walk.names.add("portal:booking-session")
    walk.collect(page, "/portal/bookings/…/session/")
    context.close()


def anonymous_pages(browser, walk: Walk):
    context = browser.new_context()
    walk.watch(context)
    page = context.new_page()
    for path in (
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-not-a-key/",
        "/accounts/password/reset/key/done/",
        "/accounts/signup/",
        "/accounts/inactive/",
        "/accounts/invitation/1/not-a-token/",
    ):
        walk.visit(page, path)
    walk.visit(page, "/", nonce=False)  # redirects to the login page
    context.close()


def test_every_page_runs_under_the_policy_with_no_violation(browser, site):
    walk = new_walk(site)
    anonymous_pages(browser, walk)
    reception_pages(browser, walk, site)
    manager_pages(browser, walk, site)
    professional_pages(browser, walk, site)
    admin_pages(browser, walk, site)
    walk.assert_clean()
    unvisited = ui_url_names() - walk.names - set(NOT_PAGES)
    assert not unvisited, f"pages no one loaded under the policy: {sorted(unvisited)}"


def test_the_listener_catches_what_the_policy_refuses(browser, site):
    """The control: an inline script, an event handler and a style attribute put into a
    page are refused, and the test sees each refusal."""
    walk = new_walk(site)
    context = browser.new_context()
    walk.watch(context)
    page = context.new_page()
    walk.visit(page, "/accounts/login/")
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.ran = true";
          document.body.append(s);
          document.body.insertAdjacentHTML("beforeend",
            '<p style="color: red">x</p><img src="/static/favicon.svg" onload="window.ran = 1">');
        }"""
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => window.__csp.length >= 3")  # (an expression would be eval'd)
    walk.collect(page, "control")
    assert page.evaluate("window.ran === undefined")
    refused = "\n".join(walk.problems)
    assert re.search(r"script-src-elem refused inline", refused), refused
    assert re.search(r"script-src-attr refused inline", refused), refused
    assert re.search(r"style-src-attr refused inline", refused), refused
    assert walk.console  # Chromium says so in the console too
    context.close()
