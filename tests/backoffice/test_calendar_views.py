"""The calendar page and its staff-only endpoints, through HTTP."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from scheduling.models import Booking, BookingChange, BookingStatus, Source
from scheduling.services import rebooking

from ..conftest import snapshot

pytestmark = pytest.mark.django_db


def day_url(day, *locations, view="day"):
    query = f"?view={view}&date={day.isoformat()}" + "".join(f"&loc={pk}" for pk in locations)
    return reverse("calendar:calendar") + query


def test_anonymous_visitors_are_sent_to_the_login_page(client, location, day):
    response = client.get(day_url(day))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_professional_cannot_open_the_calendar(client, pro_a, day):
    client.force_login(pro_a.user)
    assert client.get(day_url(day)).status_code == 403


def test_the_day_view_shows_every_room_and_each_booking_in_local_time(
    desk, book, room, other_room, pro_a, at, day, location
):
    booking = book(room, pro_a, at("09:00"), at("10:30"))
    page = desk.get(day_url(day)).content.decode()
    assert "Sala 1" in page and "Sala 2" in page and location.name in page
    assert f'id="booking-{booking.pk}"' in page
    assert "Ana Alves" in page and "09:00–10:30" in page
    assert 'data-at="' in page  # free cells to click or drag on


def test_an_htmx_request_gets_only_the_calendar_body(desk, location, room, day):
    response = desk.get(day_url(day), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'class="cal-body"' in body and "<html" not in body


def test_the_week_view_lists_the_bookings_of_each_day_by_room(
    desk, book, room, pro_a, pro_b, at, day, location
):
    first = book(room, pro_a, at("09:00"), at("10:00"))
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    second = book(room, pro_b, at("11:00", on=sunday), at("12:00", on=sunday))
    next_week = book(
        room,
        pro_b,
        at("11:00", on=sunday + timedelta(days=1)),
        at("12:00", on=sunday + timedelta(days=1)),
    )
    page = desk.get(day_url(day, location.pk, view="week")).content.decode()
    assert f'id="booking-{first.pk}"' in page and f'id="booking-{second.pk}"' in page
    assert f'id="booking-{next_week.pk}"' not in page


def test_the_week_view_marks_each_locations_own_today(desk):
    """Kiritimati (UTC+14) and Pago Pago (UTC−11) never share a date: each location's
    table marks its own today, in the header and in every room's cell of that day."""
    import re

    from django.utils import timezone

    from tests.factories import LocationFactory, RoomFactory

    east = LocationFactory(name="A Kiritimati", tz="Pacific/Kiritimati")
    west = LocationFactory(name="B Pago Pago", tz="Pacific/Pago_Pago")
    for location in (east, west):
        RoomFactory(location=location, name="One")
        RoomFactory(location=location, name="Two")
    shown = timezone.now().astimezone(east.zone).date()
    page = desk.get(day_url(shown, east.pk, west.pk, view="week")).content.decode()
    monday = shown - timedelta(days=shown.weekday())
    for location, table in zip(
        (east, west), re.findall(r'<table class="week">.*?</table>', page, re.S), strict=True
    ):
        today = timezone.now().astimezone(location.zone).date()
        heads = re.findall(r'<th scope="col" class="([^"]*)"', table)
        rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S)
        assert len(heads) == 7 and len(rows) == 2
        marked = [i for i, c in enumerate(heads) if "is-today" in c]
        expected = [(today - monday).days] if 0 <= (today - monday).days < 7 else []
        assert marked == expected, location.name
        for row in rows:
            cells = re.findall(r'<td class="([^"]*)"', row)
            assert [i for i, c in enumerate(cells) if c == "is-today"] == expected


def test_a_closed_day_says_so(desk, day):
    from tests.factories import LocationFactory, RoomFactory

    closed = LocationFactory(name="Closed Sundays", hours=[])
    RoomFactory(location=closed)
    page = desk.get(day_url(day, closed.pk)).content.decode()
    assert "Closed on this day." in page


def test_booking_from_the_calendar_goes_through_the_service_as_backoffice(desk, room, pro_a, at):
    response = desk.post(
        reverse("calendar:booking-create"),
        {
            "room": room.pk,
            "professional": pro_a.pk,
            "starts_at": at("09:00").isoformat(),
            "ends_at": at("10:00").isoformat(),
            "notes": "first session",
        },
    )
    assert response.status_code == 201
    booking = Booking.objects.get()
    assert booking.source == Source.BACKOFFICE and booking.notes == "first session"
    assert response.json()["html"].startswith(f'<article id="booking-{booking.pk}"')
    assert BookingChange.objects.get().source == Source.BACKOFFICE


def test_booking_a_taken_slot_answers_409_with_a_sentence_and_alternatives_and_changes_nothing(
    desk, book, room, pro_a, pro_b, at
):
    book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()
    response = desk.post(
        reverse("calendar:booking-create"),
        {
            "room": room.pk,
            "professional": pro_b.pk,
            "starts_at": at("09:30").isoformat(),
            "ends_at": at("10:30").isoformat(),
        },
    )
    assert response.status_code == 409
    body = response.json()
    assert "Sala 1 is already booked" in body["message"]
    assert body["alternatives"] and {"room_id", "starts_at", "label"} <= set(
        body["alternatives"][0]
    )
    assert snapshot() == before


def test_moving_onto_an_occupied_slot_is_refused_and_the_booking_stays(
    desk, book, room, other_room, pro_a, pro_b, at
):
    book(other_room, pro_b, at("11:00"), at("12:00"))
    mine = book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()
    url = reverse("calendar:booking-move", args=[mine.pk])
    response = desk.post(url, {"room": other_room.pk, "starts_at": at("11:00").isoformat()})
    assert response.status_code == 409
    assert response.json()["alternatives"]
    assert snapshot() == before


def test_moving_and_resizing_by_drag_change_room_time_and_length(
    desk, book, room, other_room, pro_a, at
):
    mine = book(room, pro_a, at("09:00"), at("10:00"))
    url = reverse("calendar:booking-move", args=[mine.pk])
    assert (
        desk.post(url, {"room": other_room.pk, "starts_at": at("13:00").isoformat()}).status_code
        == 200
    )
    assert desk.post(url, {"ends_at": at("14:30").isoformat()}).status_code == 200
    mine.refresh_from_db()
    assert (mine.room, mine.starts_at, mine.ends_at) == (other_room, at("13:00"), at("14:30"))


def test_the_menu_actions_mark_cancel_undo_edit_and_repeat(desk, book, room, pro_a, at, day):
    yesterday = day - timedelta(days=8)
    past = book(room, pro_a, at("09:00", on=yesterday), at("10:00", on=yesterday), allow_past=True)
    future = book(room, pro_a, at("15:00"), at("16:00"))

    def act(booking, action, **fields):
        return desk.post(reverse("calendar:booking-action", args=[booking.pk, action]), fields)

    assert act(past, "executed").status_code == 200
    assert Booking.objects.get(pk=past.pk).status == BookingStatus.EXECUTED
    assert act(past, "restore").status_code == 200
    assert act(past, "no-show").status_code == 200
    assert Booking.objects.get(pk=past.pk).status == BookingStatus.NO_SHOW
    assert act(future, "notes", notes="bring the forms").status_code == 200
    assert act(future, "repeat").status_code == 201
    repeated = Booking.objects.exclude(pk__in=[past.pk, future.pk]).get()
    assert repeated.starts_at == at("15:00", on=day + timedelta(days=7))
    assert repeated.notes == "bring the forms"
    assert act(future, "cancel", reason="patient ill").status_code == 200
    cancelled = Booking.objects.get(pk=future.pk)
    assert (cancelled.status, cancelled.cancellation_reason) == ("cancelled", "patient ill")


def test_same_slot_next_week_keeps_the_local_times_across_a_daylight_saving_change(room, pro_a):
    # Lisbon springs forward on Sunday 28 March 2027: 10:00 is 10:00 UTC before, 09:00 after.
    zone = room.location.zone
    before = Booking(
        room=room,
        professional=pro_a,
        starts_at=datetime(2027, 3, 22, 10, tzinfo=zone),
        ends_at=datetime(2027, 3, 22, 11, 30, tzinfo=zone),
    )
    start, end = rebooking.weeks_later(before)
    assert (start, end) == (
        datetime(2027, 3, 29, 10, tzinfo=zone),
        datetime(2027, 3, 29, 11, 30, tzinfo=zone),
    )
    assert start.astimezone(UTC).hour == 9
    # And back in the autumn (31 October 2027).
    autumn = Booking(
        room=room,
        professional=pro_a,
        starts_at=datetime(2027, 10, 25, 9, tzinfo=zone),
        ends_at=datetime(2027, 10, 25, 10, tzinfo=zone),
    )
    assert autumn.starts_at.astimezone(UTC).hour == 8
    assert rebooking.weeks_later(autumn)[0] == datetime(2027, 11, 1, 9, tzinfo=UTC)


def test_an_illegal_transition_answers_409_and_changes_nothing(desk, book, room, pro_a, at):
    future = book(room, pro_a, at("15:00"), at("16:00"))
    before = snapshot()
    response = desk.post(reverse("calendar:booking-action", args=[future.pk, "executed"]))
    assert response.status_code == 409
    assert "has not started yet" in response.json()["message"]
    assert snapshot() == before


def test_a_professional_cannot_use_the_staff_endpoints_and_nothing_changes(
    client, book, room, pro_a, pro_b, at
):
    mine = book(room, pro_a, at("09:00"), at("10:00"))
    client.force_login(pro_b.user)
    before = snapshot()
    url = reverse("calendar:booking-action", args=[mine.pk, "cancel"])
    assert client.post(url).status_code == 403
    assert client.post(reverse("calendar:booking-create"), {"room": room.pk}).status_code == 403
    assert client.get(reverse("calendar:professional-search")).status_code == 403
    assert snapshot() == before


def test_the_professional_type_ahead_finds_active_professionals_by_name(desk, pro_a, pro_b):
    response = desk.get(reverse("calendar:professional-search"), {"q": "ana"})
    assert [row["name"] for row in response.json()["results"]] == ["Ana Alves"]


def test_bad_input_is_a_400_with_a_sentence(desk, room, pro_a):
    response = desk.post(
        reverse("calendar:booking-create"),
        {"room": room.pk, "professional": pro_a.pk, "starts_at": "tomorrow", "ends_at": "x"},
    )
    assert response.status_code == 400
    assert "is not a date and time" in response.json()["message"]
