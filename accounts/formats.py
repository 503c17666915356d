"""Dates and times as the reader's language writes them (Babel, CLDR data): weekday and
month names, the order of day and month, 24-hour times. Nothing here converts a zone: pass
a datetime already in its location's zone (scheduling.local_time.at_location) and it is
written as it stands.

    day(d)          "Wed, 2 Dec 2026" · "qua., 2 de dez. de 2026" · "mié, 2 dic. 2026"
    short_day(d)    "Wed 2 Dec" · "qua., 2 de dez." · "mié, 2 dic."
    long_day(d)     "Wednesday 2 December" · "qua., 2 de dezembro" · "mié, 2 de diciembre"
    full_day(d)     "Wednesday, 2 December 2026" · "qua., 2 de dezembro de 2026"
    long_date(d)    "2 December 2026" · "2 de dezembro de 2026"
    medium_date(d)  "2 Dec 2026" · "2 de dez. de 2026" · "2 dic. 2026"
    numeric_day(d)  "02/12/2026" · "2/12/2026"
    dated_day(d)    "Wed, 02/12/2026" · "qua., 02/12/2026" · "mié 2/12/2026" (tables)
    day_month(d)    "02/12" · "2/12" (chart axes)
    weekday(d)      "Wednesday" · "quarta-feira" · "miércoles"
    weekday_day(d)  "Wed 2" · "qua., 2" · "mié 2"
    month(d)        "December 2026" · "dezembro de 2026" · "diciembre de 2026"
    month_numeric   "12/2026"
    days(a, b)      "2 – 8 Dec 2026" · "2 – 8 de dez. de 2026"
    hm(t)           "09:05" (24-hour in every language we speak)
    moment(dt)      day and time: "Wed, 2 Dec 2026 09:05"
    short_moment    "Wed 2 Dec 09:05"
    span(a, b)      "Wed, 2 Dec 2026 09:00–10:00" (same day) or two moments
    offset(dt)      "GMT-03:00", the zone's offset at that moment
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel import dates as babel_dates

from .languages import reader_locale


def _skeleton(skeleton: str, value) -> str:
    return babel_dates.format_skeleton(skeleton, value, locale=reader_locale())


def day(value: date | datetime) -> str:
    return _skeleton("yMMMEd", value)


def short_day(value: date | datetime) -> str:
    return _skeleton("MMMEd", value)


def numeric_day(value: date | datetime) -> str:
    return _skeleton("yMd", value)


def dated_day(value: date | datetime) -> str:
    return _skeleton("yMdE", value)


def long_day(value: date | datetime) -> str:
    return _skeleton("MMMMEEEEd", value)


def full_day(value: date | datetime) -> str:
    return _skeleton("yMMMMEEEEd", value)


def long_date(value: date | datetime) -> str:
    return _skeleton("yMMMMd", value)


def medium_date(value: date | datetime) -> str:
    return _skeleton("yMMMd", value)


def day_month(value: date | datetime) -> str:
    return _skeleton("dM", value)


def weekday(value: date | datetime) -> str:
    return babel_dates.format_date(value, "EEEE", locale=reader_locale())


def weekday_day(value: date | datetime) -> str:
    return _skeleton("Ed", value)


def month_numeric(value: date | datetime) -> str:
    return _skeleton("yMM", value)


def days(first: date, last: date) -> str:
    """A run of days, as the language writes an interval: "2 – 8 Dec 2026"."""
    return babel_dates.format_interval(first, last, "yMMMd", locale=reader_locale())


def month(value: date | datetime) -> str:
    return _skeleton("yMMMM", value)


def month_name(number: int) -> str:
    return babel_dates.get_month_names("wide", "stand-alone", locale=reader_locale())[number]


def hm(value: time | datetime) -> str:
    if isinstance(value, datetime):
        value = value.time()
    return f"{value.hour:02d}:{value.minute:02d}"


def moment(value: datetime) -> str:
    return f"{day(value)} {hm(value)}"


def short_moment(value: datetime) -> str:
    return f"{short_day(value)} {hm(value)}"


def span(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{day(start)} {hm(start)}–{hm(end)}"
    return f"{moment(start)} – {moment(end)}"


def offset(value: datetime) -> str:
    return babel_dates.format_datetime(value, "OOOO", tzinfo=value.tzinfo, locale=reader_locale())


def weekday_names(width: str = "abbreviated") -> list[str]:
    """Monday first (Python's weekday numbers)."""
    names = babel_dates.get_day_names(width, "format", locale=reader_locale())
    return [names[number] for number in range(7)]


def first_weekday() -> int:
    """The weekday a week starts on where the reader's language is written (0 = Monday,
    6 = Sunday, as Python counts)."""
    return reader_locale().first_week_day
