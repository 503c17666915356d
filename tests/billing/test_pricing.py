from datetime import date
from decimal import Decimal

from billing import money
from billing.models import PriceAgreement
from tests.factories import RoomFactory


def test_prices_are_rounded_half_up_once_in_the_currency_of_the_location(past, pro_a, room):
    room.hourly_price = Decimal("33.33")
    room.save()
    # 45 minutes at 33.33/h = 24.9975 → 25.00 (rounded once, at the end)
    booking = past("2026-10-05", "09:00", "09:45", pro_a)
    assert booking.price == Decimal("25.00")
    assert booking.currency == "EUR"


def test_currency_rounding_follows_the_currency_table():
    assert money.quantize(Decimal("10.005"), "EUR") == Decimal("10.01")
    assert money.quantize(Decimal("10.004"), "BRL") == Decimal("10.00")
    assert money.quantize(Decimal("1234.5"), "JPY") == Decimal("1235")
    assert money.percent_of(Decimal("25.00"), Decimal("33.33"), "EUR") == Decimal("8.33")
    assert money.format_money(Decimal("1234.5"), "EUR") == "€1,234.50"


def test_a_price_agreement_applies_from_its_first_day_on_the_booking_date(past, pro_a, room):
    PriceAgreement.objects.create(
        professional=pro_a, valid_from=date(2026, 10, 10), hourly_price=Decimal("30.00")
    )
    before = past("2026-10-09", "09:00", "10:00", pro_a)
    on_first_day = past("2026-10-10", "09:00", "10:30", pro_a)
    assert before.price == Decimal("40.00")  # the room's price
    assert on_first_day.price == Decimal("45.00")  # 1.5 h × 30.00


def test_an_agreement_ends_on_its_last_day(past, pro_a, room):
    PriceAgreement.objects.create(
        professional=pro_a,
        valid_from=date(2026, 10, 1),
        valid_until=date(2026, 10, 15),
        discount_percent=Decimal("25"),
    )
    assert past("2026-10-15", "09:00", "10:00", pro_a).price == Decimal("30.00")
    assert past("2026-10-16", "09:00", "10:00", pro_a).price == Decimal("40.00")


def test_a_room_agreement_beats_a_general_one_and_other_professionals_pay_list_price(
    past, pro_a, pro_b, room, other_room
):
    PriceAgreement.objects.create(
        professional=pro_a, valid_from=date(2026, 1, 1), discount_percent=Decimal("10")
    )
    PriceAgreement.objects.create(
        professional=pro_a, room=room, valid_from=date(2026, 1, 1), hourly_price=Decimal("20")
    )
    assert past("2026-10-05", "09:00", "10:00", pro_a).price == Decimal("20.00")
    assert past("2026-10-05", "11:00", "12:00", pro_a, on_room=other_room).price == Decimal("36.00")
    assert past("2026-10-05", "09:00", "10:00", pro_b, on_room=other_room).price == Decimal("40.00")


def test_a_location_agreement_does_not_apply_at_another_location(past, pro_a, room):
    elsewhere = RoomFactory(name="Porto 1", location__tz="Europe/Lisbon")
    PriceAgreement.objects.create(
        professional=pro_a,
        location=room.location,
        valid_from=date(2026, 1, 1),
        hourly_price=Decimal("10"),
    )
    assert past("2026-10-05", "09:00", "10:00", pro_a).price == Decimal("10.00")
    assert past("2026-10-05", "11:00", "12:00", pro_a, on_room=elsewhere).price == Decimal("40.00")


def test_a_booking_keeps_its_price_when_an_agreement_is_added_later(past, pro_a, room):
    booking = past("2026-10-05", "09:00", "10:00", pro_a)
    PriceAgreement.objects.create(
        professional=pro_a, valid_from=date(2026, 1, 1), hourly_price=Decimal("1")
    )
    booking.refresh_from_db()
    assert booking.price == Decimal("40.00")
