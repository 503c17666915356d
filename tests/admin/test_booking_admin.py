"""Booking edits in the admin go through the booking service: the same guard, the same
history, refusals shown on the form."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling import services
from scheduling.models import Booking, BookingChange, BookingStatus, Source
from tests.conftest import assert_claims_mirror_bookings, snapshot
from tests.factories import LocationFactory, RoomFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:scheduling_booking_add")
LIST = reverse("admin:scheduling_booking_changelist")


def change_url(booking):
    return reverse("admin:scheduling_booking_change", args=[booking.pk])


def add_form(room, professional, day, starts, ends, notes=""):
    return {
        "room": room.pk,
        "professional": professional.pk,
        "day": day.isoformat(),
        "starts": starts,
        "ends": ends,
        "notes": notes,
        "changes-TOTAL_FORMS": 0,
        "changes-INITIAL_FORMS": 0,
    }


def change_form(booking, **values):
    tz = booking.room.location.zone
    start, end = booking.starts_at.astimezone(tz), booking.ends_at.astimezone(tz)
    form = {
        "room": booking.room_id,
        "day": start.date().isoformat(),
        "starts": f"{start:%H:%M}",
        "ends": f"{end:%H:%M}",
        "status": booking.status,
        "cancellation_reason": booking.cancellation_reason,
        "notes": booking.notes,
        "changes-TOTAL_FORMS": 0,
        "changes-INITIAL_FORMS": booking.changes.count(),
    }
    form.update(values)
    return form


def errors_of(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for e in form.non_field_errors()) + " ".join(
        str(e) for errors in form.errors.values() for e in errors
    )


def test_a_conflicting_booking_in_the_add_form_is_refused_with_alternatives_and_changes_nothing(
    admin_browser, book, room, pro_a, pro_b, day, at
):
    book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()

    response = admin_browser.post(ADD, add_form(room, pro_b, day, "09:30", "10:30"))

    assert response.status_code == 200
    message = errors_of(response)
    assert "Sala 1 is already booked" in message
    assert "Nearest free times:" in message
    assert "Sala 1, " in message  # the same room, 08:00–09:00 or 10:00–11:00
    assert snapshot() == before


def test_a_misaligned_time_is_refused_on_its_field_and_changes_nothing(
    admin_browser, room, pro_a, day
):
    before = snapshot()

    response = admin_browser.post(ADD, add_form(room, pro_a, day, "09:10", "10:00"))

    assert "quarter hour" in " ".join(response.context["adminform"].form.errors["starts"])
    assert snapshot() == before


def test_a_valid_booking_made_in_the_admin_is_booked_by_the_service_in_local_time(
    admin_browser, reception, room, pro_a, day, at
):
    response = admin_browser.post(ADD, add_form(room, pro_a, day, "09:00", "10:30", "Intake"))

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.starts_at, booking.ends_at) == (at("09:00"), at("10:30"))
    assert booking.notes == "Intake" and booking.source == Source.ADMIN
    change = BookingChange.objects.get(booking=booking)
    assert (change.action, change.source, change.by) == ("booked", Source.ADMIN, reception)
    assert change.ip == "127.0.0.1"
    assert_claims_mirror_bookings()


def test_staff_may_record_a_past_booking_in_the_admin(admin_browser, room, pro_a, day):
    past_day = day - timedelta(days=21)

    response = admin_browser.post(ADD, add_form(room, pro_a, past_day, "09:00", "10:00"))

    assert response.status_code == 302
    assert Booking.objects.get().starts_at.date() == past_day


def test_changing_the_time_in_the_admin_moves_the_booking_through_the_service(
    admin_browser, book, room, other_room, pro_a, at
):
    booking = book(room, pro_a, at("09:00"), at("10:00"))

    response = admin_browser.post(
        change_url(booking), change_form(booking, room=other_room.pk, starts="11:00", ends="12:00")
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.room, booking.starts_at, booking.ends_at) == (
        other_room,
        at("11:00"),
        at("12:00"),
    )
    assert booking.changes.filter(action="moved", source=Source.ADMIN).exists()
    assert_claims_mirror_bookings()


def test_moving_onto_a_taken_slot_in_the_admin_is_refused_and_changes_nothing(
    admin_browser, book, room, other_room, pro_a, pro_b, at
):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    book(other_room, pro_b, at("11:00"), at("12:00"))
    before = snapshot()

    response = admin_browser.post(
        change_url(booking), change_form(booking, room=other_room.pk, starts="11:30", ends="12:30")
    )

    assert response.status_code == 200
    assert "Sala 2 is already booked" in errors_of(response)
    assert snapshot() == before


def test_setting_the_status_to_cancelled_in_the_admin_cancels_through_the_service(
    admin_browser, book, room, pro_a, at
):
    booking = book(room, pro_a, at("09:00"), at("10:00"))

    response = admin_browser.post(
        change_url(booking),
        change_form(booking, status="cancelled", cancellation_reason="Professional ill"),
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Professional ill"
    assert booking.changes.filter(action="cancelled", source=Source.ADMIN).exists()
    assert not booking.claims.exists()


def test_changing_time_and_status_in_one_save_is_refused_and_changes_nothing(
    admin_browser, book, room, pro_a, at
):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()

    response = admin_browser.post(
        change_url(booking), change_form(booking, starts="11:00", ends="12:00", status="cancelled")
    )

    assert "not both" in errors_of(response)
    assert snapshot() == before


def test_an_illegal_status_change_in_the_admin_is_a_form_error_and_changes_nothing(
    admin_browser, book, room, pro_a, at
):
    booking = book(room, pro_a, at("09:00"), at("10:00"))  # a week ahead: not started
    before = snapshot()

    response = admin_browser.post(change_url(booking), change_form(booking, status="executed"))

    assert response.status_code == 200
    assert "has not started yet" in errors_of(response)
    assert snapshot() == before


def test_editing_notes_in_the_admin_records_an_edit(admin_browser, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))

    admin_browser.post(change_url(booking), change_form(booking, notes="Bring the towels"))

    booking.refresh_from_db()
    assert booking.notes == "Bring the towels"
    assert booking.changes.filter(action="edited", source=Source.ADMIN).exists()


def test_the_mark_executed_action_marks_past_bookings_and_reports_refusals(
    admin_browser, book, room, pro_a, at, day
):
    past_day = day - timedelta(days=21)
    past = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    future = book(room, pro_a, at("09:00"), at("10:00"))

    response = admin_browser.post(
        LIST, {"action": "mark_executed", "_selected_action": [past.pk, future.pk]}, follow=True
    )

    past.refresh_from_db()
    future.refresh_from_db()
    assert (past.status, future.status) == (BookingStatus.EXECUTED, BookingStatus.BOOKED)
    assert past.changes.filter(action="executed", source=Source.ADMIN).exists()
    shown = [str(m) for m in response.context["messages"]]
    assert any("1 booking marked executed" in m for m in shown)
    assert any(f"#{future.pk}" in m and "has not started yet" in m for m in shown)


def test_the_cancel_and_no_show_actions_go_through_the_service(
    admin_browser, book, room, other_room, pro_a, at, day
):
    past_day = day - timedelta(days=21)
    missed = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    upcoming = book(other_room, pro_a, at("09:00"), at("10:00"))

    admin_browser.post(LIST, {"action": "mark_no_show", "_selected_action": [missed.pk]})
    admin_browser.post(LIST, {"action": "cancel", "_selected_action": [upcoming.pk]})

    missed.refresh_from_db()
    upcoming.refresh_from_db()
    assert missed.status == BookingStatus.NO_SHOW
    assert upcoming.status == BookingStatus.CANCELLED
    admin_actions = BookingChange.objects.filter(source=Source.ADMIN).values_list("action")
    assert sorted(admin_actions) == [("cancelled",), ("no_show",)]
    assert_claims_mirror_bookings()


def test_setting_an_executed_booking_back_to_booked_in_the_admin_restores_it(
    admin_browser, book, staff, room, pro_a, at, day
):
    past_day = day - timedelta(days=21)
    booking = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    booking = services.mark_executed(booking, by=staff, source=Source.BACKOFFICE)

    response = admin_browser.post(change_url(booking), change_form(booking, status="booked"))

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.changes.filter(action="restored", source=Source.ADMIN).exists()


def test_the_booking_page_tells_its_history_in_words_at_local_times(admin_browser, book, pro_a, db):
    """Reception reads who did what, in São Paulo's hours, not field names and UTC JSON."""
    paulista = LocationFactory(name="Integra Paulista", tz="America/Sao_Paulo", currency="BRL")
    pitanga = RoomFactory(location=paulista, name="Sala Pitanga")
    ipe = RoomFactory(location=paulista, name="Sala Ipê")
    day = timezone.now().astimezone(paulista.zone).date() + timedelta(days=5)
    nine = datetime.combine(day, time(9), tzinfo=paulista.zone)
    booking = book(pitanga, pro_a, nine, nine + timedelta(hours=1))
    services.move(
        booking,
        room=ipe,
        starts_at=nine + timedelta(hours=2),
        ends_at=nine + timedelta(hours=3),
        by=None,
        source=Source.API,
    )

    page = admin_browser.get(change_url(booking)).content.decode()

    assert "Sala Pitanga → Sala Ipê" in page
    day = f"{nine:%a}, {nine.day} {nine:%b %Y}"  # British English: "Tue, 8 Dec 2026"
    assert f"{day} 09:00–10:00 → {day} 11:00–12:00" in page
    assert "&quot;starts_at&quot;" not in page and '"starts_at"' not in page  # no raw JSON
    change = BookingChange.objects.filter(booking=booking).last()
    assert f"{change.at.astimezone(paulista.zone):%H:%M} (GMT-03:00)" in page
