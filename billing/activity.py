"""A professional's month: booked hours, spend, and executed vs no-show per week and per
month, from their own bookings and their charges. Read-only; days are the local days of
each booking's location, weeks start on the reader's first day. The portal's "My month"
draws it; the API answers it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from accounts import formats
from scheduling.models import Booking, BookingStatus

from . import ledger

ACTIVE = (
    BookingStatus.REQUESTED,
    BookingStatus.BOOKED,
    BookingStatus.EXECUTED,
    BookingStatus.NO_SHOW,
)


@dataclass
class Period:
    first_day: date
    last_day: date
    minutes: int = 0
    executed: int = 0
    no_show: int = 0
    booked: int = 0  # booked or requested, not yet marked
    late_cancelled: int = 0
    spend: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def spend_list(self) -> list[tuple[str, Decimal]]:
        return sorted(self.spend.items())

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    def add(self, charge: ledger.Charge) -> None:
        booking = charge.booking
        if booking.status in ACTIVE:
            self.minutes += booking.minutes
        if booking.status == BookingStatus.EXECUTED:
            self.executed += 1
        elif booking.status == BookingStatus.NO_SHOW:
            self.no_show += 1
        elif booking.status in (BookingStatus.BOOKED, BookingStatus.REQUESTED):
            self.booked += 1
        elif booking.cancelled_late:
            self.late_cancelled += 1
        if charge.amount:
            self.spend[booking.currency] += charge.amount


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(day, 1) - timedelta(days=1)


def week_start(day: date) -> date:
    """The first day of `day`'s week where the reader's language is written (CLDR)."""
    return day - timedelta(days=(day.weekday() - formats.first_weekday()) % 7)


@dataclass
class Activity:
    month: Period
    weeks: list[Period]
    months: list[Period]
    currencies: list[str]


def build(professional, month: date, *, months_shown: int = 6) -> Activity:
    """The dashboard of `month` (its first day): the month's totals, its weeks (Monday to
    Sunday, the weeks that touch the month) and the `months_shown` months up to it."""
    first_month = add_months(month, -(months_shown - 1))
    last_day = month_end(month)
    weeks_from = week_start(month)
    weeks_to = week_start(last_day) + timedelta(days=6)
    earliest = min(first_month, weeks_from) - timedelta(days=1)  # a day of slack for zones
    bookings = Booking.objects.filter(
        professional=professional,
        starts_at__date__gte=earliest,
        starts_at__date__lte=max(last_day, weeks_to) + timedelta(days=1),
    ).select_related("room__location")
    this_month = Period(month, last_day)
    weeks = {}
    day = weeks_from
    while day <= weeks_to:
        weeks[day] = Period(day, day + timedelta(days=6))
        day += timedelta(days=7)
    months = {}
    cursor = first_month
    while cursor <= month:
        months[cursor] = Period(cursor, month_end(cursor))
        cursor = add_months(cursor, 1)
    for charge in ledger.charges(bookings):
        local_day = charge.local_day
        if month <= local_day <= last_day:
            this_month.add(charge)
        if (week := weeks.get(week_start(local_day))) is not None:
            week.add(charge)
        if (period := months.get(month_start(local_day))) is not None:
            period.add(charge)
    currencies = sorted({c for m in months.values() for c in m.spend} | set(this_month.spend))
    return Activity(this_month, list(weeks.values()), list(months.values()), currencies)
