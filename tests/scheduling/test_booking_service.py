"""The booking service's rules: when a booking may be, who may hold it, and what a conflict
answers. Every refusal is checked to change nothing (see `refused`)."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scheduling import services
from scheduling.errors import Conflict, InvalidBooking, OutsideOpeningHours, SlotTaken
from scheduling.models import BookingStatus, SlotClaim, Source

from ..conftest import assert_claims_mirror_bookings, assert_no_double_booking
from ..factories import LocationFactory, RoomFactory
from .conftest import refused

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
ALL_DAY = [(weekday, time(0), time(0)) for weekday in range(7)]


def local(day: date, clock: str, tz: ZoneInfo, *, fold: int = 0) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=tz).replace(fold=fold)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------- the 15-minute grid


def test_a_start_off_the_quarter_hour_is_refused_with_a_clear_message(book, room, pro_a, at):
    with refused(InvalidBooking) as caught:
        book(room, pro_a, at("08:23"), at("09:00"))
    assert caught.value.code == "misaligned"
    assert caught.value.field == "starts_at"
    assert "08:23" in caught.value.message
    assert "quarter hour" in caught.value.message


def test_an_end_off_the_quarter_hour_is_refused(book, room, pro_a, at):
    with refused(InvalidBooking) as caught:
        book(room, pro_a, at("08:00"), at("09:10"))
    assert (caught.value.code, caught.value.field) == ("misaligned", "ends_at")


def test_seconds_past_a_boundary_are_misaligned_too(book, room, pro_a, at):
    with refused(InvalidBooking) as caught:
        book(room, pro_a, at("08:00").replace(second=1), at("09:00"))
    assert caught.value.code == "misaligned"


@pytest.mark.parametrize("end", ["08:00", "07:45"])
def test_an_end_at_or_before_the_start_is_refused(book, room, pro_a, at, end):
    with refused(InvalidBooking) as caught:
        book(room, pro_a, at("08:00"), at(end))
    assert caught.value.code == "ends_before_start"


def test_naive_datetimes_are_refused(book, room, pro_a, day):
    naive_start, naive_end = datetime.combine(day, time(9)), datetime.combine(day, time(10))
    with refused(InvalidBooking) as caught:
        book(room, pro_a, naive_start, naive_end)
    assert caught.value.field == "starts_at"
    assert "time zone" in caught.value.message


def test_a_booking_in_another_offset_is_the_same_instant(book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00").astimezone(UTC), at("10:00").astimezone(SAO_PAULO))
    assert (booking.starts_at, booking.ends_at) == (at("09:00"), at("10:00"))


# ---------------------------------------------------------------- length


def test_a_booking_shorter_than_the_locations_minimum_is_refused(book, room, pro_a, at):
    room.location.min_booking_minutes = 30
    room.location.save()
    with refused(InvalidBooking) as caught:
        book(room, pro_a, at("09:00"), at("09:15"))
    assert caught.value.code == "too_short"
    assert "30" in caught.value.message
    assert book(room, pro_a, at("09:00"), at("09:30")).minutes == 30


def test_a_booking_longer_than_the_locations_maximum_is_refused(book, room, pro_a, at):
    room.location.max_booking_minutes = 120
    room.location.save()
    with refused(InvalidBooking) as caught:
        book(room, pro_a, at("09:00"), at("11:15"))
    assert caught.value.code == "too_long"
    assert book(room, pro_a, at("09:00"), at("11:00")).minutes == 120


# ---------------------------------------------------------------- opening hours


def test_a_booking_before_opening_is_refused(book, room, pro_a, at):
    with refused(OutsideOpeningHours) as caught:
        book(room, pro_a, at("06:45"), at("08:00"))
    assert "07:00" in caught.value.message and "22:00" in caught.value.message


def test_a_booking_after_closing_is_refused(book, room, pro_a, at):
    with refused(OutsideOpeningHours):
        book(room, pro_a, at("21:30"), at("22:15"))
    assert book(room, pro_a, at("21:00"), at("22:00")).is_active


def test_a_booking_on_a_closed_weekday_is_refused(book, pro_a, staff, day):
    weekdays = LocationFactory(hours=[(d, time(7), time(22)) for d in range(5)])
    room = RoomFactory(location=weekdays)
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    with refused(OutsideOpeningHours, match="closed"):
        book(room, pro_a, local(saturday, "09:00", LISBON), local(saturday, "10:00", LISBON))


def test_a_booking_across_midnight_is_refused_even_where_open_all_day(book, pro_a, day):
    room = RoomFactory(location=LocationFactory(hours=ALL_DAY))
    tomorrow = day + timedelta(days=1)
    with refused(OutsideOpeningHours):
        book(room, pro_a, local(day, "23:00", LISBON), local(tomorrow, "01:00", LISBON))
    assert book(room, pro_a, local(day, "23:00", LISBON), local(tomorrow, "00:00", LISBON))


def test_opening_hours_are_read_in_the_locations_zone(book, pro_a, day):
    room = RoomFactory(location=LocationFactory(tz="America/Sao_Paulo"))
    with refused(OutsideOpeningHours):
        book(room, pro_a, local(day, "06:30", SAO_PAULO), local(day, "07:30", SAO_PAULO))
    booking = book(room, pro_a, local(day, "07:00", SAO_PAULO), local(day, "08:00", SAO_PAULO))
    assert booking.starts_at == local(day, "07:00", SAO_PAULO)


# ---------------------------------------------------------------- daylight saving


def test_lisbon_opens_at_seven_local_on_the_spring_forward_day(book, room, pro_a):
    day = date(2026, 3, 29)  # 01:00 → 02:00
    with refused(OutsideOpeningHours):
        book(room, pro_a, local(day, "06:45", LISBON), local(day, "08:00", LISBON), allow_past=True)
    booking = book(
        room, pro_a, local(day, "07:00", LISBON), local(day, "08:00", LISBON), allow_past=True
    )
    assert booking.starts_at == utc(2026, 3, 29, 6, 0)  # a day earlier it was 07:00 UTC


def test_a_booking_over_the_lisbon_spring_jump_lasts_and_costs_real_time(book, pro_a):
    room = RoomFactory(location=LocationFactory(hours=ALL_DAY), hourly_price=Decimal("40.00"))
    day = date(2026, 3, 29)
    booking = book(
        room, pro_a, local(day, "00:30", LISBON), local(day, "03:00", LISBON), allow_past=True
    )
    assert booking.minutes == 90
    assert booking.price == Decimal("60.00")
    assert SlotClaim.objects.filter(booking=booking, room=room).count() == 6


def test_the_repeated_hour_of_the_lisbon_autumn_day_is_two_distinct_hours(book, pro_a, pro_b):
    room = RoomFactory(location=LocationFactory(hours=ALL_DAY))
    day = date(2026, 10, 25)  # 02:00 → 01:00
    first = book(
        room,
        pro_a,
        local(day, "01:00", LISBON),
        local(day, "01:00", LISBON, fold=1),
        allow_past=True,
    )
    assert (first.starts_at, first.ends_at) == (utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 1, 0))
    with refused(SlotTaken):
        book(
            room,
            pro_b,
            local(day, "01:30", LISBON),
            local(day, "01:45", LISBON),
            allow_past=True,
        )
    second = book(
        room,
        pro_b,
        local(day, "01:30", LISBON, fold=1),
        local(day, "02:00", LISBON),
        allow_past=True,
    )
    assert second.starts_at == utc(2026, 10, 25, 1, 30)
    assert_no_double_booking()


def test_sao_paulo_opens_at_seven_local_on_its_midnight_spring_jump(book, pro_a):
    room = RoomFactory(location=LocationFactory(tz="America/Sao_Paulo"))
    day = date(2018, 11, 4)  # 00:00 → 01:00, the last year Brazil kept daylight saving
    with refused(OutsideOpeningHours):
        book(
            room,
            pro_a,
            local(day, "06:45", SAO_PAULO),
            local(day, "07:45", SAO_PAULO),
            allow_past=True,
        )
    booking = book(
        room, pro_a, local(day, "07:00", SAO_PAULO), local(day, "08:00", SAO_PAULO), allow_past=True
    )
    assert booking.starts_at == utc(2018, 11, 4, 9, 0)


def test_closing_at_a_midnight_that_does_not_exist_closes_at_the_jump(book, pro_a):
    late = [(weekday, time(7), time(0)) for weekday in range(7)]
    room = RoomFactory(location=LocationFactory(tz="America/Sao_Paulo", hours=late))
    day = date(2018, 11, 3)
    booking = book(
        room,
        pro_a,
        local(day, "23:00", SAO_PAULO),
        local(day + timedelta(days=1), "00:00", SAO_PAULO),
        allow_past=True,
    )
    assert (booking.starts_at, booking.ends_at) == (utc(2018, 11, 4, 2), utc(2018, 11, 4, 3))


def test_the_sao_paulo_autumn_night_has_a_second_eleven_oclock(book, pro_a):
    late = [(weekday, time(7), time(0)) for weekday in range(7)]
    room = RoomFactory(location=LocationFactory(tz="America/Sao_Paulo", hours=late))
    day = date(2019, 2, 16)  # midnight → 23:00 again
    evening = book(
        room,
        pro_a,
        local(day, "22:00", SAO_PAULO),
        local(day, "23:00", SAO_PAULO, fold=1),
        allow_past=True,
    )
    assert evening.minutes == 120
    last = book(
        room,
        pro_a,
        local(day, "23:00", SAO_PAULO, fold=1),
        local(day + timedelta(days=1), "00:00", SAO_PAULO),
        allow_past=True,
    )
    assert last.ends_at == utc(2019, 2, 17, 3)
    assert_claims_mirror_bookings()


# ---------------------------------------------------------------- who and when


def test_an_inactive_room_cannot_be_booked(book, room, pro_a, at):
    room.active = False
    room.save()
    with refused(InvalidBooking) as caught:
        book(room, pro_a, at("09:00"), at("10:00"))
    assert caught.value.code == "inactive_room"


def test_an_inactive_professional_cannot_book(book, room, pro_a, at):
    pro_a.active = False
    pro_a.save()
    with refused(InvalidBooking) as caught:
        book(room, pro_a, at("09:00"), at("10:00"))
    assert caught.value.code == "inactive_professional"


def test_a_professional_cannot_book_in_the_past(book, room, pro_a, at, day):
    past = day - timedelta(days=14)
    with refused(InvalidBooking) as caught:
        book(
            room,
            pro_a,
            at("09:00", on=past),
            at("10:00", on=past),
            by=pro_a.user,
            source=Source.PORTAL,
        )
    assert caught.value.code == "in_the_past"


def test_staff_book_in_the_past_only_when_they_say_so(book, room, pro_a, at, day):
    past = day - timedelta(days=14)
    with refused(InvalidBooking):
        book(room, pro_a, at("09:00", on=past), at("10:00", on=past))
    booking = book(room, pro_a, at("09:00", on=past), at("10:00", on=past), allow_past=True)
    assert booking.status == BookingStatus.BOOKED


# ---------------------------------------------------------------- conflicts


def assert_free_by_booking_it(window, professional, book, staff) -> None:
    """An alternative is only worth offering if booking it succeeds."""
    from scheduling.models import Room

    booking = book(
        Room.objects.get(pk=window.room_id),
        professional,
        window.starts_at,
        window.ends_at,
        allow_past=True,
    )
    services.cancel(booking, by=staff, source=Source.BACKOFFICE)


def test_an_overlapping_room_booking_is_refused_with_conflicts_and_free_alternatives(
    book, room, other_room, pro_a, pro_b, at, staff
):
    book(room, pro_a, at("09:00"), at("10:00"))
    with refused(SlotTaken) as caught:
        book(room, pro_b, at("09:30"), at("10:30"))
    error = caught.value
    assert error.status == 409
    assert error.conflicts == [
        Conflict("room", room.pk, at("09:30").astimezone(UTC)),
        Conflict("room", room.pk, at("09:45").astimezone(UTC)),
    ]
    assert "Sala 1" in error.message
    assert 1 <= len(error.alternatives) <= 3
    first = error.alternatives[0]
    assert (first.room_id, first.starts_at) == (other_room.pk, at("09:30"))
    for window in error.alternatives:
        assert window.ends_at - window.starts_at == timedelta(hours=1)
        assert_free_by_booking_it(window, pro_b, book, staff)


def test_with_one_room_the_alternatives_are_the_nearest_free_times_of_that_room(
    book, pro_a, pro_b, staff, day
):
    room = RoomFactory(location=LocationFactory())
    book(room, pro_a, local(day, "09:00", LISBON), local(day, "10:00", LISBON))
    with refused(SlotTaken) as caught:
        book(room, pro_b, local(day, "09:30", LISBON), local(day, "10:30", LISBON))
    starts = [w.starts_at.astimezone(LISBON).strftime("%H:%M") for w in caught.value.alternatives]
    assert starts == ["10:00", "10:15", "10:30"]
    for window in caught.value.alternatives:
        assert_free_by_booking_it(window, pro_b, book, staff)


def test_an_overlapping_booking_of_the_professional_in_another_room_is_refused(
    book, room, other_room, pro_a, at, staff
):
    book(room, pro_a, at("09:00"), at("10:00"))
    with refused(SlotTaken) as caught:
        book(other_room, pro_a, at("09:45"), at("10:45"))
    assert caught.value.conflicts == [Conflict("professional", pro_a.pk, at("09:45"))]
    assert "Ana Alves" in caught.value.message
    for window in caught.value.alternatives:
        assert not (window.starts_at < at("10:00") and at("09:00") < window.ends_at)
        assert_free_by_booking_it(window, pro_a, book, staff)


def test_a_clash_of_room_and_professional_names_both(book, room, pro_a, at):
    book(room, pro_a, at("09:00"), at("10:00"))
    with refused(SlotTaken) as caught:
        book(room, pro_a, at("08:30"), at("09:30"))
    assert {c.resource for c in caught.value.conflicts} == {"room", "professional"}
    assert "both" in caught.value.message


def test_a_booking_inside_a_longer_one_is_refused(book, room, pro_a, pro_b, at):
    book(room, pro_a, at("09:00"), at("12:00"))
    with refused(SlotTaken):
        book(room, pro_b, at("10:00"), at("10:15"))


def test_back_to_back_bookings_do_not_clash(book, room, pro_a, pro_b, at):
    book(room, pro_a, at("09:00"), at("10:00"))
    book(room, pro_b, at("10:00"), at("11:00"))
    book(room, pro_a, at("08:00"), at("09:00"))
    assert_no_double_booking()
    assert_claims_mirror_bookings()
