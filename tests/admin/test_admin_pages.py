"""Every admin page a receptionist uses opens, with real rows in the lists."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from scheduling.models import Booking, BookingChange, Location, Room, SlotClaim

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_rows(book, room, other_room, pro_a, pro_b, at, day, reception):
    book(room, pro_a, at("09:00"), at("10:00"))
    book(other_room, pro_b, at("09:00"), at("10:30"), notes="First session")
    ApiToken.issue(reception, "Reports")


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_a_superuser_can_open_every_changelist_and_add_page(superuser_browser, some_rows):
    for model, model_admin in admin.site._registry.items():
        response = superuser_browser.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model
        if model_admin.has_add_permission(response.wsgi_request):
            assert superuser_browser.get(admin_url(model, "add")).status_code == 200, model


def test_a_superuser_can_open_every_change_page_of_the_booking_models(superuser_browser, some_rows):
    for model in (Booking, BookingChange, SlotClaim, Location, Room, ApiToken):
        row = model.objects.first()
        assert superuser_browser.get(admin_url(model, "change", row.pk)).status_code == 200, model


def test_booking_list_shows_local_time_status_professional_and_room(
    admin_browser, book, room, pro_a, at
):
    book(room, pro_a, at("09:00"), at("10:15"))

    page = admin_browser.get(admin_url(Booking, "changelist")).content.decode()

    # Lisbon local time, not UTC, whatever the season.
    assert "09:00–10:15" in page
    assert "Ana Alves" in page and "Sala 1" in page and "Booked" in page


def test_booking_list_can_be_searched_by_professional_and_drilled_down_by_date(
    admin_browser, book, room, other_room, pro_a, pro_b, at, day
):
    next_day = day + timedelta(days=1)
    book(room, pro_a, at("09:00"), at("10:00"))
    book(other_room, pro_b, at("09:00"), at("10:00"))
    book(room, pro_a, at("09:00", on=next_day), at("10:00", on=next_day))

    found = admin_browser.get(admin_url(Booking, "changelist"), {"q": "Bruno"})
    by_day = admin_browser.get(
        admin_url(Booking, "changelist"),
        {"starts_at__year": day.year, "starts_at__month": day.month, "starts_at__day": day.day},
    )

    assert [b.professional.name for b in found.context["cl"].result_list] == ["Bruno Brito"]
    # date_hierarchy drills down by UTC date; 09:00 in Lisbon is the same date in UTC.
    assert len(by_day.context["cl"].result_list) == 2


def test_bookings_cannot_be_deleted_in_the_admin(admin_browser, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))

    changelist = admin_browser.get(admin_url(Booking, "changelist"))
    delete_page = admin_browser.get(admin_url(Booking, "delete", booking.pk))
    change_page = admin_browser.get(admin_url(Booking, "change", booking.pk)).content.decode()

    actions = [name for name, _label in changelist.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"mark_executed", "mark_no_show", "cancel"} <= set(actions)
    assert delete_page.status_code == 403
    assert admin_url(Booking, "delete", booking.pk) not in change_page
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_a_new_api_token_is_shown_once_and_only_its_hash_is_stored(manager_browser, reception):
    response = manager_browser.post(
        admin_url(ApiToken, "add"), {"user": reception.pk, "name": "Zapier"}, follow=True
    )

    token = ApiToken.objects.get(name="Zapier")
    shown = [str(m) for m in response.context["messages"]]
    raw = shown[0].rsplit(" ", 1)[-1]
    assert raw.startswith("itg_") and raw not in (token.digest, token.prefix)
    assert token.prefix == raw[:10]
    again = manager_browser.get(admin_url(ApiToken, "change", token.pk)).content.decode()
    assert raw not in again


def test_the_revoke_action_revokes_only_the_selected_tokens(manager_browser, reception):
    kept, _raw = ApiToken.issue(reception, "Keep")
    leaked, _raw = ApiToken.issue(reception, "Leaked")

    manager_browser.post(
        admin_url(ApiToken, "changelist"),
        {"action": "revoke", "_selected_action": [leaked.pk]},
    )

    assert ApiToken.objects.usable().get() == kept


def test_the_booking_list_separates_upcoming_from_past_bookings(
    admin_browser, book, room, pro_a, at, day
):
    past_day = day - timedelta(days=21)
    past = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    upcoming = book(room, pro_a, at("09:00"), at("10:00"))

    def listed(when):
        response = admin_browser.get(admin_url(Booking, "changelist"), {"when": when})
        return list(response.context["cl"].result_list)

    assert listed("upcoming") == [upcoming]
    assert listed("past") == [past]


def test_the_booking_list_costs_the_same_queries_for_few_and_many_bookings(
    admin_browser, book, room, other_room, pro_a, pro_b, at
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_browser.get(admin_url(Booking, "changelist")).status_code == 200
        return len(captured)

    book(room, pro_a, at("08:00"), at("09:00"))
    few = queries()
    for hour in range(9, 15):
        book(room, pro_a, at(f"{hour:02d}:00"), at(f"{hour:02d}:45"))
        book(other_room, pro_b, at(f"{hour:02d}:00"), at(f"{hour:02d}:30"))

    assert queries() == few


def test_a_bookings_page_costs_the_same_queries_however_often_it_moved_between_rooms(
    admin_browser, book, room, other_room, pro_a, staff, at
):
    from scheduling import services
    from scheduling.models import Source

    booking = book(room, pro_a, at("09:00"), at("10:00"))

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            page = admin_browser.get(admin_url(Booking, "change", booking.pk))
            assert page.status_code == 200
        return len(captured), page.content.decode()

    queries()  # the first page of a session reads what later ones have cached
    once, _ = queries()
    for target in (other_room, room, other_room, room):
        services.move(booking, room=target, by=staff, source=Source.BACKOFFICE)
    again, page = queries()
    assert again == once
    assert page.count(f"{room.name} → {other_room.name}") == 2
