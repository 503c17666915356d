"""The private iCal feed: parsed with icalendar, times in the location's zone across a
daylight-saving change (checked against the feed's own VTIMEZONE), follows changes, no
patient data, revocable and regenerable from the portal."""

from datetime import UTC, date, datetime, time

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from portal.models import CalendarFeed
from scheduling import services
from scheduling.models import Source
from tests.factories import LocationFactory, RoomFactory

pytestmark = pytest.mark.django_db

LISBON_SPRING = date(2027, 3, 28)  # clocks go from 01:00 WET to 02:00 WEST


def feed_of(as_a) -> str:
    as_a.post(reverse("portal:feed-issue"))
    page = as_a.get(reverse("portal:feed")).content.decode()
    feed = CalendarFeed.objects.get(revoked_at__isnull=True)
    url = reverse("portal:feed-ics", args=[feed.token])
    assert url in page
    return url


def events(body: bytes) -> list:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def test_times_are_local_on_both_sides_of_a_daylight_saving_change(
    as_a, pro_a, room, location, book
):
    zone = location.zone
    before = book(
        room,
        pro_a,
        datetime.combine(date(2027, 3, 26), time(9), zone),
        datetime.combine(date(2027, 3, 26), time(10), zone),
    )
    after = book(
        room,
        pro_a,
        datetime.combine(date(2027, 3, 29), time(9), zone),
        datetime.combine(date(2027, 3, 29), time(10), zone),
    )
    assert before.starts_at.hour == 9 and after.starts_at.astimezone(UTC).hour == 8
    body = Client().get(feed_of(as_a)).content
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    # The zone travels with the feed, so an app without its own tz database reads it too.
    [vtimezone] = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Lisbon"
    feed_zone = vtimezone.to_tz()
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(by_uid) == {f"booking-{before.pk}@testserver", f"booking-{after.pk}@testserver"}
    for booking in (before, after):
        event = by_uid[f"booking-{booking.pk}@testserver"]
        assert event["DTSTART"].params["TZID"] == "Europe/Lisbon"
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert (start.hour, start.minute, end.hour) == (9, 0, 10)  # wall clock, both weeks
        assert start.astimezone(UTC) == booking.starts_at
        # The same wall time read through the feed's own VTIMEZONE is the same instant.
        assert start.replace(tzinfo=feed_zone).astimezone(UTC) == booking.starts_at
        assert end.astimezone(UTC) == booking.ends_at
    assert by_uid[f"booking-{before.pk}@testserver"].decoded("DTSTART").utcoffset().seconds == 0
    assert by_uid[f"booking-{after.pk}@testserver"].decoded("DTSTART").utcoffset().seconds == 3600


def test_each_location_keeps_its_own_zone(as_a, pro_a, room, book, at, day):
    sao_paulo = LocationFactory(name="Paulista", tz="America/Sao_Paulo", currency="BRL")
    consultorio = RoomFactory(location=sao_paulo, name="Consultório 1")
    zone = sao_paulo.zone
    book(
        consultorio,
        pro_a,
        datetime.combine(day, time(18), zone),
        datetime.combine(day, time(19), zone),
    )
    book(room, pro_a, at("09:00"), at("10:00"))
    [first, second] = sorted(events(Client().get(feed_of(as_a)).content), key=lambda e: e["UID"])
    zones = {e["DTSTART"].params["TZID"] for e in (first, second)}
    assert zones == {"Europe/Lisbon", "America/Sao_Paulo"}
    hours = {e["DTSTART"].params["TZID"]: e.decoded("DTSTART").hour for e in (first, second)}
    assert hours == {"Europe/Lisbon": 9, "America/Sao_Paulo": 18}


def test_the_feed_follows_changes_and_drops_cancelled_bookings(as_a, pro_a, staff, room, book, at):
    url = feed_of(as_a)
    kept = book(room, pro_a, at("09:00"), at("10:00"))
    dropped = book(room, pro_a, at("12:00"), at("13:00"))
    first = Client().get(url)
    assert len(events(first.content)) == 2
    services.move(kept, starts_at=at("15:00"), by=staff, source=Source.BACKOFFICE)
    services.cancel(dropped, by=staff, source=Source.BACKOFFICE)
    [event] = events(Client().get(url).content)
    assert event["UID"] == f"booking-{kept.pk}@testserver"
    assert event.decoded("DTSTART").hour == 15
    assert int(event["SEQUENCE"]) == 1  # booked, then moved: a new version for the app


def test_no_patient_data_and_nobody_elses_bookings(as_a, pro_a, pro_b, room, other_room, book, at):
    book(room, pro_a, at("09:00"), at("10:00"), notes="Maria S., anxiety, first session")
    book(other_room, pro_b, at("09:00"), at("10:00"), notes="B's patient")
    body = Client().get(feed_of(as_a)).content.decode()
    [event] = events(body.encode())
    assert str(event["SUMMARY"]) == "Sala 1 · Lisboa Centro"
    for secret in ("Maria", "anxiety", pro_b.name, pro_b.email, pro_b.phone, "B's patient"):
        assert secret not in body


def test_a_requested_booking_is_tentative(as_a, pro_a, location, room, book, at):
    location.approval_mode = "manual"
    location.save()
    book(room, pro_a, at("09:00"), at("10:00"), by=pro_a.user, source=Source.PORTAL)
    [event] = events(Client().get(feed_of(as_a)).content)
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["SUMMARY"]).startswith("Requested:")


def test_a_new_address_voids_the_old_one_and_stopping_voids_both(as_a, pro_a, room, book, at):
    book(room, pro_a, at("09:00"), at("10:00"))
    old = feed_of(as_a)
    assert Client().get(old).status_code == 200
    new = feed_of(as_a)  # "make a new address"
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    as_a.post(reverse("portal:feed-revoke"))
    assert Client().get(new).status_code == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0
    assert Client().get(reverse("portal:feed-ics", args=["x" * 43])).status_code == 404


def test_an_unchanged_feed_answers_304_and_a_deactivated_professional_has_none(
    as_a, pro_a, room, book, at
):
    book(room, pro_a, at("09:00"), at("10:00"))
    url = feed_of(as_a)
    first = Client().get(url)
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    again = Client().get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    pro_a.active = False
    pro_a.save()
    assert Client().get(url).status_code == 404


def test_the_feed_address_is_long_random_and_only_the_owner_manages_it(as_a, as_b, pro_a):
    feed_of(as_a)
    token = CalendarFeed.objects.get().token
    assert len(token) >= 43
    page_b = as_b.get(reverse("portal:feed")).content.decode()
    assert token not in page_b
    as_b.post(reverse("portal:feed-revoke"))  # B stops *their* sharing: A's stays
    assert CalendarFeed.objects.get().revoked_at is None
