"""My bookings on the portal: state and payment state, cancel (free before the deadline,
recorded as late after it), move within the policy, one-click rebooking, and nothing of
anyone else's — another professional's booking is a 404 at every door."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services as billing
from scheduling.models import Booking, BookingStatus, Source
from tests.conftest import snapshot

pytestmark = pytest.mark.django_db


def test_the_list_shows_state_and_payment_state_in_local_time(as_a, pro_a, staff, room, book, at):
    mine = book(room, pro_a, at("09:00"), at("10:00"))
    billing.record_payment(
        professional=pro_a,
        amount=Decimal("40.00"),
        currency="EUR",
        method="cash",
        received_on=timezone.now().astimezone(room.location.zone).date(),
        bookings=[mine.pk],
        by=staff,
        source=Source.BACKOFFICE,
    )
    other = book(room, pro_a, at("11:00"), at("12:00"))
    html = as_a.get(reverse("portal:home")).content.decode()
    assert "09:00–10:00" in html and "11:00–12:00" in html
    assert 'pay-paid">€40.00 · Paid' in html
    assert 'pay-unpaid">€40.00 · Unpaid' in html
    assert reverse("portal:booking", args=[other.pk]) in html


def test_cancelling_before_the_deadline_is_free(as_a, pro_a, room, book, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    page = as_a.get(reverse("portal:booking-cancel", args=[booking.pk])).content.decode()
    assert "Free of charge" in page
    response = as_a.post(
        reverse("portal:booking-cancel", args=[booking.pk]), {"reason": "patient moved"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_late) == (BookingStatus.CANCELLED, False)
    assert booking.changes.last().source == Source.PORTAL
    assert "Cancelled, free of charge." in as_a.get(response["Location"]).content.decode()


def test_cancelling_after_the_deadline_warns_of_the_fee_and_is_recorded_late(
    as_a, location, pro_a, room, book, at
):
    location.cancellation_deadline_hours = 24 * 30  # `day` is a week ahead: already late
    location.save()
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    page = as_a.get(reverse("portal:booking-cancel", args=[booking.pk])).content.decode()
    assert "counts as a late cancellation and is charged: €20.00 (50 % of the price)" in page
    as_a.post(reverse("portal:booking-cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_late) == (BookingStatus.CANCELLED, True)
    assert "late cancellation" in as_a.get(reverse("portal:home")).content.decode()


def test_moving_before_the_deadline_moves_it(as_a, pro_a, room, other_room, book, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    page = as_a.get(
        reverse("portal:find"), {"booking": booking.pk, "day": str(at("09:00").date())}
    ).content.decode()
    assert "Move my booking" in page and f"booking={booking.pk}" in page
    # Its own time does not block it: half an hour later (overlapping itself) is offered.
    half_past = at("09:30").astimezone(room.location.zone).isoformat()
    assert f'data-starts-at="{half_past}"' in page
    response = as_a.post(
        reverse("portal:book"),
        {
            "booking": booking.pk,
            "room": other_room.pk,
            "starts_at": at("15:00").isoformat(),
            "minutes": 60,
        },
    )
    assert response["Location"] == reverse("portal:booking", args=[booking.pk])
    booking.refresh_from_db()
    assert (booking.room, booking.starts_at) == (other_room, at("15:00"))
    assert Booking.objects.count() == 1


def test_after_the_deadline_a_move_is_refused_with_the_sentence_and_nothing_changes(
    as_a, location, pro_a, room, book, at
):
    location.cancellation_deadline_hours = 24 * 30
    location.save()
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    detail = as_a.get(reverse("portal:booking", args=[booking.pk])).content.decode()
    assert "Move to another time" not in detail
    assert "It can no longer be moved here" in detail
    before = snapshot()
    response = as_a.post(
        reverse("portal:book"),
        {
            "booking": booking.pk,
            "room": room.pk,
            "starts_at": at("15:00").isoformat(),
            "minutes": 60,
        },
    )
    assert response.status_code == 422
    assert "This booking can no longer be moved" in response.content.decode()
    assert snapshot() == before


def in_two_days(room):
    return timezone.now().astimezone(room.location.zone).date() + timedelta(days=2)


def two_weeks_before(book, room, professional, at, on):
    """A past booking on the weekday of `on`, two weeks earlier."""
    past = on - timedelta(days=14)
    return book(room, professional, at("09:00", on=past), at("10:00", on=past), allow_past=True)


def test_rebooking_takes_the_same_room_weekday_and_time_on_the_next_free_date(
    as_a, pro_a, pro_b, room, book, at
):
    first = in_two_days(room)
    original = two_weeks_before(book, room, pro_a, at, first)
    # Someone has that room then the next two weeks: the third week is the next free date.
    for week in (0, 1):
        on = first + timedelta(days=7 * week)
        book(room, pro_b, at("09:00", on=on), at("10:00", on=on))
    response = as_a.post(reverse("portal:booking-rebook", args=[original.pk]))
    new = Booking.objects.get(professional=pro_a, starts_at__gt=timezone.now())
    assert response["Location"] == reverse("portal:booking", args=[new.pk])
    expected_day = first + timedelta(days=14)
    assert (new.room, new.starts_at, new.ends_at, new.source) == (
        room,
        at("09:00", on=expected_day),
        at("10:00", on=expected_day),
        Source.PORTAL,
    )
    page = as_a.get(response["Location"]).content.decode()
    assert "Booked again: Sala 1 on" in page and "the same room and time" in page


def test_rebooking_falls_back_to_the_nearest_alternative_within_the_horizon(
    as_a, location, pro_a, pro_b, room, other_room, book, at
):
    location.booking_horizon_days = 6  # only one such weekday ahead
    location.save()
    first = in_two_days(room)
    original = two_weeks_before(book, room, pro_a, at, first)
    book(room, pro_b, at("09:00", on=first), at("10:00", on=first))
    page = as_a.post(reverse("portal:booking-rebook", args=[original.pk]), follow=True)
    new = Booking.objects.get(professional=pro_a, starts_at__gt=timezone.now())
    assert (new.room, new.starts_at) == (other_room, at("09:00", on=first))
    assert "Sala 1 was not free on a" in page.content.decode()


def test_rebooking_when_nothing_is_free_says_so_and_books_nothing(
    as_a, location, pro_a, room, book, at, day
):
    original = two_weeks_before(book, room, pro_a, at, in_two_days(room))
    room.active = False
    room.save()
    before = snapshot()
    response = as_a.post(reverse("portal:booking-rebook", args=[original.pk]), follow=True)
    assert snapshot() == before
    assert "find another slot" in response.content.decode()


def test_another_professionals_booking_is_a_404_at_every_door(as_a, pro_b, room, book, at):
    theirs = book(room, pro_b, at("09:00"), at("10:00"))
    before = snapshot()
    for method, url, data in [
        ("get", reverse("portal:booking", args=[theirs.pk]), {}),
        ("get", reverse("portal:booking-cancel", args=[theirs.pk]), {}),
        ("post", reverse("portal:booking-cancel", args=[theirs.pk]), {}),
        ("post", reverse("portal:booking-rebook", args=[theirs.pk]), {}),
        ("get", reverse("portal:find"), {"booking": theirs.pk}),
        (
            "post",
            reverse("portal:book"),
            {
                "booking": theirs.pk,
                "room": room.pk,
                "starts_at": at("15:00").isoformat(),
                "minutes": 60,
            },
        ),
    ]:
        response = getattr(as_a, method)(url, data)
        assert response.status_code == 404, (method, url)
        assert pro_b.name not in response.content.decode()
    assert snapshot() == before


def test_staff_and_strangers_do_not_enter_the_portal(client, staff, django_user_model):
    pages = ["portal:home", "portal:find", "portal:money", "portal:month", "portal:feed"]
    for name in pages:
        assert "/accounts/login/" in client.get(reverse(name))["Location"]
    client.force_login(staff)
    for name in pages:
        assert client.get(reverse(name))["Location"] == reverse("calendar:calendar")
    nobody = django_user_model.objects.create_user("nobody", "nobody@example.test", "x")
    client.force_login(nobody)
    for name in pages:
        assert client.get(reverse(name)).status_code == 403


def test_portal_pages_are_never_cached(as_a):
    response = as_a.get(reverse("portal:home"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_my_bookings_page_costs_a_constant_number_of_queries(
    as_a, pro_a, room, other_room, book, at, day, django_assert_max_num_queries
):
    for hour in range(8, 20):
        book(room if hour % 2 else other_room, pro_a, at(f"{hour}:00"), at(f"{hour}:30"))
    with django_assert_max_num_queries(12):
        assert as_a.get(reverse("portal:home")).status_code == 200
