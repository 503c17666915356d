"""A week starts where its reader's language says (CLDR): Monday in British English,
Sunday in Brazil, Portugal and Peru; the week view's first column is that day."""

import re
from datetime import date

import pytest
from django.utils import translation

from accounts import languages
from backoffice.calendar import week_of

WEDNESDAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("language", "first"),
    [
        ("en", date(2026, 11, 30)),
        ("pt-br", date(2026, 11, 29)),
        ("pt-pt", date(2026, 11, 29)),
        ("es", date(2026, 11, 29)),
    ],
)
def test_the_week_starts_on_the_readers_first_day(language, first):
    with translation.override(language):
        week = week_of(WEDNESDAY)
    assert week[0] == first and len(week) == 7 and WEDNESDAY in week


@pytest.mark.django_db
def test_the_week_view_in_portuguese_opens_on_sunday(desk, staff, location):
    languages.choose(staff, "pt-br", by=staff, source="backoffice")
    desk.force_login(staff)
    html = desk.get("/calendar/", {"view": "week", "date": "2026-12-02"}).content.decode()
    assert re.search(r'data-first-day="2026-11-29"', html)
    assert re.search(r'data-last-day="2026-12-05"', html)
