"""The Content-Security-Policy header (django-csp) and the markup it lets through: every
page says the browser may load only our own scripts, styles, images, fonts and
connections, plus an inline script or style carrying that response's nonce; nothing
inline is allowed otherwise, so our pages have no style attributes and no event-handler
attributes (tests/e2e/test_csp.py loads them all in Chromium)."""

import re

import pytest
from django.urls import reverse

from portal.models import CalendarFeed

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"^'nonce-([A-Za-z0-9+/]+={0,2})'$")
# Anything CSP refuses without 'unsafe-inline': a style or on...= attribute in a tag, a
# javascript: URL, an inline <script>/<style> without a nonce (a JSON data block is not run).
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)
HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
INLINE_WITHOUT_NONCE = re.compile(
    r'<(script|style)(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type="application/json")[^>]*>',
    re.S,
)


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def nonce_of(response) -> str:
    (nonce,) = [m[1] for s in policy(response)["script-src"] if (m := NONCE.match(s))]
    return nonce


def test_a_page_allows_only_its_own_origin_and_this_responses_nonce(client):
    response = client.get(reverse("account_login"))
    nonce = nonce_of(response)
    assert policy(response) == {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", f"'nonce-{nonce}'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    page = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_each_response_has_a_nonce_of_its_own(client):
    nonces = {nonce_of(client.get(reverse("account_login"))) for _ in range(3)}
    assert len(nonces) == 3
    assert all(len(n) >= 22 for n in nonces)  # 16 random bytes, base64


def test_the_api_reference_runs_its_bundle_and_style_with_the_nonce(client):
    response = client.get(reverse("api-docs"))
    nonce = nonce_of(response)
    page = response.content.decode()
    assert f'<style nonce="{nonce}">' in page
    assert re.search(
        rf'<script src="[^"]*web-components.min.js"[^>]*nonce="{re.escape(nonce)}"', page
    )
    # Font Awesome inside the bundle would insert its stylesheet inline; it is a file here.
    assert 'data-auto-add-css="false"' in page and "fontawesome.css" in page


def test_the_admin_and_the_api_answer_under_the_policy_too(admin_client):
    for url in (reverse("admin:index"), "/api/v1/locations"):
        header = admin_client.get(url).headers["Content-Security-Policy"]
        assert "default-src 'self'" in header and "frame-ancestors 'none'" in header
        assert "unsafe" not in header


def markup_problems(page: str) -> list[str]:
    found = []
    for name, pattern in (
        ("style attribute", STYLE_ATTRIBUTE),
        ("event handler", HANDLER_ATTRIBUTE),
        ("javascript: URL", JAVASCRIPT_URL),
        ("inline block without nonce", INLINE_WITHOUT_NONCE),
    ):
        found += [f"{name}: {m.group(0)[:120]}" for m in pattern.finditer(page)]
    return found


def test_the_markup_checks_do_see_what_csp_would_refuse():
    """The control for the next test: each kind of inline code is found."""
    page = (
        '<p style="color: red">a</p><input onfocus="this.select()"><a href="javascript:x()">'
        '<script>x()</script><style>p{}</style><script src="/s.js"></script>'
        '<script nonce="abc">ok()</script><script type="application/json">{}</script>'
    )
    assert [p.split(":")[0] for p in markup_problems(page)] == [
        "style attribute",
        "event handler",
        "javascript",
        "inline block without nonce",
        "inline block without nonce",
    ]


def test_staff_and_portal_pages_carry_nothing_the_policy_refuses(
    client, staff, manager, pro_a, room, other_room, location, book, at, day, admin_client
):
    """Every kind of staff and portal page, with bookings on them (the calendar draws them
    with classes, the room colours are SVG fills), and the admin's room list (its swatch)."""
    booking = book(room, pro_a, at("09:00"), at("10:30"), notes="First session")
    book(other_room, pro_a, at("21:00"), at("22:00"))
    CalendarFeed.issue(pro_a, by=pro_a.user)  # its page then shows the address field
    query = f"date={day.isoformat()}&loc={location.pk}"
    client.force_login(manager)
    staff_pages = [
        f"{reverse('calendar:calendar')}?view=day&{query}",
        f"{reverse('calendar:calendar')}?view=week&{query}",
        reverse("calendar:location-policies"),
        reverse("calendar:location-policy", args=[location.pk]),
        reverse("professionals:list"),
        reverse("professionals:create"),
        reverse("professionals:detail", args=[pro_a.pk]),
        reverse("professionals:edit", args=[pro_a.pk]),
        reverse("billing:overview"),
        reverse("billing:export-page"),
        reverse("calendar:booking-fragment", args=[booking.pk]),
    ]
    problems = []
    for url in staff_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        problems += [f"{url}: {p}" for p in markup_problems(response.content.decode())]
    client.force_login(pro_a.user)
    portal_pages = [
        reverse("portal:home"),
        f"{reverse('portal:find')}?day={day.isoformat()}&until={day.isoformat()}",
        reverse("portal:booking", args=[booking.pk]),
        reverse("portal:booking-cancel", args=[booking.pk]),
        reverse("portal:money"),
        reverse("portal:month"),
        reverse("portal:settings"),
        reverse("portal:feed"),
        reverse("account_change_password"),
    ]
    for url in portal_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        problems += [f"{url}: {p}" for p in markup_problems(response.content.decode())]
    room_list = admin_client.get(reverse("admin:scheduling_room_changelist")).content.decode()
    assert f'fill="{room.colour}"' in room_list
    problems += [f"admin rooms: {p}" for p in markup_problems(room_list)]
    assert not problems, "\n".join(problems)
