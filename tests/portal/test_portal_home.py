"""The portal's first pages: who may enter, that a professional sees only their own
bookings (in the location's local time), and that it installs as a web app."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from scheduling import services
from scheduling.models import Source

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_are_sent_to_the_calendar(client, staff):
    client.force_login(staff)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar:calendar")


def test_professional_sees_own_bookings_in_local_time_and_nobody_elses(
    client, pro_a, pro_b, room, other_room, at, book
):
    mine = book(room, pro_a, at("09:00"), at("10:00"))
    book(other_room, pro_b, at("09:00"), at("10:00"))
    cancelled = book(room, pro_a, at("14:00"), at("15:30"))
    services.cancel(cancelled, reason="ill", by=pro_a.user, source=Source.PORTAL)
    client.force_login(pro_a.user)
    html = client.get(reverse("portal:home")).content.decode()
    # Times as the location (Europe/Lisbon) sees them.
    assert "09:00–10:00" in html and "14:00–15:30" in html
    assert f"status-{mine.status}" in html and "status-cancelled" in html
    assert str(mine.price) in html
    # Privacy: nothing of professional B, on any portal page A can open.
    for url in (reverse("portal:home"), reverse("portal:manifest")):
        body = client.get(url).content.decode()
        for secret in (pro_b.name, pro_b.email, pro_b.phone, "Sala 2"):
            assert secret not in body, (url, secret)


def test_user_without_professional_profile_gets_403(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", "nobody@example.test", "x")
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 403


def test_installable_manifest_icons_theme_and_viewport(client, pro_a):
    manifest = client.get(reverse("portal:manifest"))
    assert manifest["Content-Type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["start_url"] == reverse("portal:home") and data["display"] == "standalone"
    sizes = {icon["sizes"]: icon["src"] for icon in data["icons"]}
    assert set(sizes) == {"192x192", "512x512"}
    for size, src in sizes.items():
        path = Path(settings.BASE_DIR) / "static" / src.split("/static/", 1)[1]
        side = int(size.split("x")[0])
        assert Image.open(path).size == (side, side)
    client.force_login(pro_a.user)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'rel="manifest"' in html and 'name="theme-color"' in html
    assert 'name="viewport"' in html and "bottom-nav" in html
