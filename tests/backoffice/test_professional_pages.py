"""Staff pages for professionals: list and search, create (with its login), edit,
deactivate, and the detail page with upcoming and past bookings."""

import json
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from professionals.models import Professional

pytestmark = pytest.mark.django_db


def test_only_staff_may_open_the_professional_pages(client, pro_a):
    assert client.get(reverse("professionals:list")).status_code == 302
    client.force_login(pro_a.user)
    assert client.get(reverse("professionals:detail", args=[pro_a.pk])).status_code == 403
    before = Professional.objects.filter(active=True).count()
    client.post(reverse("professionals:set-active", args=[pro_a.pk]), {"active": "0"})
    assert Professional.objects.filter(active=True).count() == before


def test_the_list_searches_by_name_email_or_profession(desk, pro_a, pro_b):
    page = desk.get(reverse("professionals:list"), {"q": "bruno"}).content.decode()
    assert "Bruno Brito" in page and "Ana Alves" not in page
    rows = desk.get(reverse("professionals:list"), {"q": "alves"}, headers={"HX-Request": "true"})
    assert "Ana Alves" in rows.content.decode() and "<html" not in rows.content.decode()


def test_creating_a_professional_creates_the_login_account(desk):
    response = desk.post(
        reverse("professionals:create"),
        {"name": "Clara Cruz", "profession": "Nutritionist", "email": "Clara@Example.test"},
    )
    professional = Professional.objects.get(name="Clara Cruz")
    assert response["Location"] == reverse("professionals:detail", args=[professional.pk])
    user = professional.user
    assert (user.email, user.is_staff, user.has_usable_password()) == (
        "clara@example.test",
        False,
        False,
    )


def test_an_email_already_in_use_is_refused_and_nothing_is_created(desk, pro_a):
    users = get_user_model().objects.count()
    response = desk.post(
        reverse("professionals:create"), {"name": "Copy", "email": "ana.alves@example.test"}
    )
    assert response.status_code == 200
    assert "already" in response.content.decode()
    assert get_user_model().objects.count() == users
    assert not Professional.objects.filter(name="Copy").exists()


def test_editing_keeps_the_login_email_in_step(desk, pro_a):
    desk.post(
        reverse("professionals:edit", args=[pro_a.pk]),
        {"name": "Ana Alves Silva", "email": "ana.silva@example.test"},
    )
    pro_a.refresh_from_db()
    assert pro_a.name == "Ana Alves Silva"
    assert pro_a.user.email == "ana.silva@example.test"


def test_deactivating_stops_bookings_and_login_and_can_be_undone(desk, pro_a):
    desk.post(reverse("professionals:set-active", args=[pro_a.pk]), {"active": "0"})
    pro_a.refresh_from_db()
    pro_a.user.refresh_from_db()
    assert (pro_a.active, pro_a.user.is_active) == (False, False)
    desk.post(reverse("professionals:set-active", args=[pro_a.pk]), {"active": "1"})
    pro_a.refresh_from_db()
    assert pro_a.active


def test_deactivating_is_recorded_once_with_who_and_from_where(desk, staff, pro_a):
    url = reverse("professionals:set-active", args=[pro_a.pk])
    desk.post(url, {"active": "0"})
    desk.post(url, {"active": "0"})

    (entry,) = LogEntry.objects.all()
    assert (entry.user, entry.object_id, entry.get_change_message()) == (
        staff,
        str(pro_a.pk),
        "Changed Active.",
    )
    assert json.loads(entry.change_message)[0]["source"] == "backoffice"


def test_the_admin_deactivates_and_reactivates_with_the_login_account(client, manager, pro_a):
    client.force_login(manager)
    url = reverse("admin:professionals_professional_changelist")
    client.post(url, {"action": "deactivate", "_selected_action": [pro_a.pk]})
    pro_a.refresh_from_db()
    pro_a.user.refresh_from_db()
    assert (pro_a.active, pro_a.user.is_active) == (False, False)

    client.post(url, {"action": "reactivate", "_selected_action": [pro_a.pk]})
    pro_a.refresh_from_db()
    pro_a.user.refresh_from_db()
    assert (pro_a.active, pro_a.user.is_active) == (True, True)


def test_the_detail_page_lists_upcoming_and_past_bookings_in_local_time(
    desk, book, room, pro_a, at, day
):
    past_day = day - timedelta(days=14)
    book(room, pro_a, at("08:00", on=past_day), at("09:00", on=past_day), allow_past=True)
    book(room, pro_a, at("10:00"), at("11:30"))
    page = desk.get(reverse("professionals:detail", args=[pro_a.pk])).content.decode()
    upcoming, past = page.split("Past bookings")
    assert "10:00–11:30" in upcoming and "08:00–09:00" in past


def test_bookings_in_several_zones_each_say_their_location_and_zone(desk, book, pro_a, at, day):
    from tests.factories import LocationFactory, RoomFactory

    lima = LocationFactory(name="Integra Miraflores", tz="America/Lima", currency="PEN")
    paulista = LocationFactory(name="Integra Paulista", tz="America/Sao_Paulo", currency="BRL")
    book(
        RoomFactory(location=lima, name="Sala Inca"),
        pro_a,
        at("09:00", loc=lima),
        at("10:00", loc=lima),
    )
    book(
        RoomFactory(location=paulista, name="Sala Ipê"),
        pro_a,
        at("09:00", loc=paulista),
        at("10:00", loc=paulista),
    )
    html = desk.get(reverse("professionals:detail", args=[pro_a.pk])).content.decode()
    rows = [row for row in html.split("<tr") if "Sala Inca" in row or "Sala Ipê" in row]
    # In the order they happen: 09:00 in São Paulo (12:00 UTC) comes before 09:00 in Lima.
    assert ["Sala Ipê" in rows[0], "Sala Inca" in rows[1]] == [True, True]
    assert "Integra Paulista" in rows[0] and "09:00–10:00" in rows[0] and "-03" in rows[0]
    assert "Integra Miraflores" in rows[1] and "09:00–10:00" in rows[1] and "-05" in rows[1]


def test_a_long_history_is_paged_and_each_list_keeps_its_own_page(desk, book, pro_a, room, at, day):
    for offset in range(30):
        start = at("08:00", on=day + timedelta(days=offset))
        book(room, pro_a, start, start + timedelta(hours=1))
    first = desk.get(reverse("professionals:detail", args=[pro_a.pk])).content.decode()
    assert first.count('class="is-booked"') == 25
    assert "Page 1 of 2 (30 bookings)" in first
    second = desk.get(
        reverse("professionals:detail", args=[pro_a.pk]), {"upcoming": 2, "past": 1}
    ).content.decode()
    assert second.count('class="is-booked"') == 5
    last_day = day + timedelta(days=29)
    assert last_day.strftime("%-d %b %Y") in second
    assert (
        desk.get(reverse("professionals:detail", args=[pro_a.pk]), {"upcoming": "x"}).status_code
        == 200
    )


def test_the_invitation_time_is_told_in_the_professionals_location_zone(desk, book, pro_a, at):
    from datetime import UTC, datetime

    from tests.factories import LocationFactory, RoomFactory

    lima = LocationFactory(name="Integra Miraflores", tz="America/Lima", currency="PEN")
    book(RoomFactory(location=lima), pro_a, at("09:00", loc=lima), at("10:00", loc=lima))
    pro_a.user.set_unusable_password()
    pro_a.user.save()
    pro_a.user.invitations.create(
        email=pro_a.email, sent_at=datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    )
    html = desk.get(reverse("professionals:detail", args=[pro_a.pk])).content.decode()
    assert "Invited Fri, 20 Nov 2026 10:30 (America/Lima)" in html
