"""Staff pages for professionals: list and search, create (with its login), edit,
deactivate, and the detail page with upcoming and past bookings."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from professionals.models import Professional

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, staff):
    client.force_login(staff)
    return client


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


def test_the_detail_page_lists_upcoming_and_past_bookings_in_local_time(
    desk, book, room, pro_a, at, day
):
    past_day = day - timedelta(days=14)
    book(room, pro_a, at("08:00", on=past_day), at("09:00", on=past_day), allow_past=True)
    book(room, pro_a, at("10:00"), at("11:30"))
    page = desk.get(reverse("professionals:detail", args=[pro_a.pk])).content.decode()
    upcoming, past = page.split("Past bookings")
    assert "10:00–11:30" in upcoming and "08:00–09:00" in past
