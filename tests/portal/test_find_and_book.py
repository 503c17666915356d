"""Find a slot and book it from the portal: free slots grouped by day, location and part of
the day, narrowed by the clinic's policy; booking goes through the booking service (source
portal); a refusal says why in a sentence, offers what is free instead and changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from scheduling.models import ApprovalMode, Booking, BookingChange, BookingStatus, Feature, Source
from tests.conftest import snapshot
from tests.factories import LocationFactory, RoomFactory

pytestmark = pytest.mark.django_db


def find(client, **params):
    return client.get(reverse("portal:find"), params)


def chips(html: str) -> int:
    return html.count('class="chip"')


def test_the_find_page_opens_with_a_weeks_free_hours_grouped_by_day_and_location(
    as_a, room, other_room, day
):
    response = find(as_a)
    assert response.status_code == 200
    html = response.content.decode()
    # Open 07:00–22:00 every day, one-hour slots every half hour: 29 start times a day
    # (07:00 … 21:00) for 7 days, each with both rooms.
    assert chips(html) >= 29 * 6  # today may be partly over
    assert "Lisboa Centro" in html and "Morning" in html and "Evening" in html
    assert "2 rooms" in html


def test_a_slot_taken_by_anyone_is_not_offered_and_nobody_is_named(
    as_a, room, other_room, pro_b, book, at, day
):
    book(room, pro_b, at("09:00"), at("10:00"))
    html = find(as_a, day=day.isoformat(), until=day.isoformat()).content.decode()
    both = f'data-rooms="{room.pk} {other_room.pk}"'
    only_other = f'data-rooms="{other_room.pk}"'

    def rooms_at(clock):
        start = at(clock).astimezone(room.location.zone).isoformat()
        chip = html.split(f'data-starts-at="{start}"')[0].rsplit("<a ", 1)[1]
        return chip

    # 08:30, 09:00 and 09:30 overlap the booking in Sala 1: only Sala 2 then.
    for clock in ("08:30", "09:00", "09:30"):
        assert only_other in rooms_at(clock), clock
    assert both in rooms_at("08:00") and both in rooms_at("10:00")
    assert pro_b.name not in html and pro_b.email not in html


def test_my_own_bookings_block_my_time_in_every_room(as_a, pro_a, room, other_room, book, at, day):
    book(room, pro_a, at("09:00"), at("10:00"))
    html = find(as_a, day=day.isoformat(), until=day.isoformat()).content.decode()
    # At 09:00 both rooms are free, but I am not.
    assert "09:00</strong>" not in html
    assert "10:00</strong>" in html


def test_features_and_location_narrow_the_rooms(as_a, room, other_room, day):
    couch = Feature.objects.create(name="Couch")
    other_room.features.add(couch)
    elsewhere = RoomFactory(location=LocationFactory(name="Porto Foz"), name="Gabinete A")
    html = find(as_a, day=day.isoformat(), features="Couch").content.decode()
    assert f'data-rooms="{other_room.pk}"' in html and f'data-rooms="{room.pk}"' not in html
    assert "<h3>Porto Foz</h3>" not in html
    html = find(as_a, day=day.isoformat(), location=elsewhere.location_id).content.decode()
    assert "<h3>Porto Foz</h3>" in html and "<h3>Lisboa Centro</h3>" not in html


def test_a_range_longer_than_two_weeks_or_backwards_is_refused_with_a_sentence(as_a, room, day):
    too_long = find(as_a, day=day.isoformat(), until=(day + timedelta(days=20)).isoformat())
    assert too_long.status_code == 422
    assert "Search at most 14 days at a time." in too_long.content.decode()
    backwards = find(as_a, day=day.isoformat(), until=(day - timedelta(days=1)).isoformat())
    assert "“Until” must not be before “From”." in backwards.content.decode()
    past = find(as_a, day=(day - timedelta(days=30)).isoformat())
    assert "That day has passed; choose today or later." in past.content.decode()
    assert find(as_a, day="not a day").status_code == 422


def test_the_policy_narrows_what_is_offered_and_says_why(as_a, location, room, day):
    location.booking_horizon_days = 2
    location.portal_max_minutes = 60
    location.save()
    html = find(as_a, day=day.isoformat(), until=day.isoformat()).content.decode()
    assert chips(html) == 0
    assert "At Lisboa Centro you can book up to 2 days ahead." in html
    # 90 minutes is longer than professionals may book there: not even offered as a length.
    assert find(as_a, minutes=90).status_code == 422


def test_choosing_a_slot_shows_its_rooms_prices_and_the_cancellation_deadline(
    as_a, room, other_room, at
):
    start = at("09:00")
    response = as_a.get(
        reverse("portal:slot"),
        {"location": room.location_id, "starts_at": start.isoformat(), "minutes": 60},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sala 1" in html and "Sala 2" in html and "€40.00" in html
    assert "Cancel or move free of charge until" in html
    assert "09:00–10:00" in html


def test_booking_a_slot_books_it_through_the_service_from_the_portal(as_a, pro_a, room, at):
    response = as_a.post(
        reverse("portal:book"),
        {"room": room.pk, "starts_at": at("09:00").isoformat(), "minutes": 60},
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:booking", args=[booking.pk])
    assert (booking.professional, booking.source, booking.status) == (
        pro_a,
        Source.PORTAL,
        BookingStatus.BOOKED,
    )
    assert booking.starts_at == at("09:00") and booking.minutes == 60
    change = BookingChange.objects.get()
    assert (change.by, change.source, change.ip) == (pro_a.user, Source.PORTAL, "127.0.0.1")
    assert "Booked." in as_a.get(response["Location"]).content.decode()


def test_in_manual_approval_the_portal_says_it_is_a_request(as_a, location, room, at):
    location.approval_mode = ApprovalMode.MANUAL
    location.save()
    sheet = as_a.get(
        reverse("portal:slot"),
        {"location": location.pk, "starts_at": at("09:00").isoformat(), "minutes": 60},
    ).content.decode()
    assert "Request this slot" in sheet
    response = as_a.post(
        reverse("portal:book"),
        {"room": room.pk, "starts_at": at("09:00").isoformat(), "minutes": 60},
        follow=True,
    )
    assert Booking.objects.get().status == BookingStatus.REQUESTED
    assert "Requested. Reception will confirm it" in response.content.decode()


def test_a_slot_taken_meanwhile_is_refused_with_alternatives_and_nothing_changes(
    as_a, room, other_room, pro_b, book, at
):
    book(room, pro_b, at("09:00"), at("10:00"))
    before = snapshot()
    response = as_a.post(
        reverse("portal:book"),
        {"room": room.pk, "starts_at": at("09:00").isoformat(), "minutes": 60},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Sala 1 is already booked at" in html
    assert "Free instead:" in html and "Sala 2" in html
    assert pro_b.name not in html
    assert snapshot() == before


def test_each_policy_rule_refuses_a_portal_booking_with_its_sentence_and_changes_nothing(
    as_a, location, room, at, day
):
    location.booking_horizon_days = 3
    location.portal_min_minutes = 60
    location.portal_max_minutes = 120
    location.save()
    cases = [
        ({"minutes": 30}, "At Lisboa Centro you can book at least 60 minutes at a time."),
        (
            {"minutes": 180},
            "At Lisboa Centro you can book at most 120 minutes at a time; "
            "ask reception for longer.",
        ),
        ({"minutes": 60}, "At Lisboa Centro you can book up to 3 days ahead."),
    ]
    for values, sentence in cases:
        before = snapshot()
        response = as_a.post(
            reverse("portal:book"),
            {"room": room.pk, "starts_at": at("09:00").isoformat(), **values},
        )
        assert response.status_code == 422, sentence
        assert sentence in response.content.decode()
        assert snapshot() == before


def test_bad_slot_input_is_refused_with_a_sentence(as_a, room, at):
    response = as_a.post(reverse("portal:book"), {"room": room.pk, "starts_at": "yesterday"})
    assert response.status_code == 302
    follow = as_a.get(response["Location"]).content.decode()
    assert "Enter a valid date/time." in follow
    assert Booking.objects.count() == 0
    odd = as_a.post(
        reverse("portal:book"),
        {"room": room.pk, "starts_at": at("09:10").isoformat(), "minutes": 60},
    )
    assert odd.status_code == 422
    assert "Bookings start and end on the quarter hour" in odd.content.decode()


def test_the_find_page_costs_the_same_queries_for_one_room_or_many(
    as_a, location, room, other_room, day, django_assert_max_num_queries
):
    for n in range(8):
        RoomFactory(location=location, name=f"Extra {n}")
    with django_assert_max_num_queries(14):
        response = find(as_a, day=day.isoformat())
    assert response.status_code == 200
