"""The day grid places bookings with classes (static/css/calendar-grid.css), not style
attributes, which the Content-Security-Policy refuses: a rule for every quarter hour a
booking can start at, last or a day can open at, and the page uses only those."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

RULE = re.compile(r"\.((?:at|len|opens)-\d+) \{ --(start|len|open): (\d+); \}")


def grid_rules() -> dict[str, tuple[str, int]]:
    stylesheet = (Path(settings.BASE_DIR) / "static/css/calendar-grid.css").read_text()
    return {name: (prop, int(value)) for name, prop, value in RULE.findall(stylesheet)}


def test_there_is_a_rule_for_every_quarter_hour_of_a_day():
    rules = grid_rules()
    expected = (
        {f"at-{m}": ("start", m) for m in range(0, 24 * 60, 15)}
        | {f"opens-{m}": ("open", m) for m in range(0, 24 * 60, 15)}
        | {f"len-{m}": ("len", m) for m in range(15, 25 * 60 + 1, 15)}  # a 25-hour day
    )
    assert rules == expected


def test_the_day_view_uses_only_classes_the_grid_stylesheet_defines(
    desk, room, pro_a, book, at, day, location
):
    book(room, pro_a, at("21:15"), at("22:00"))
    book(room, pro_a, at("07:00"), at("07:00") + timedelta(hours=7, minutes=45))
    page = desk.get(
        f"{reverse('calendar:calendar')}?view=day&date={day.isoformat()}&loc={location.pk}"
    ).content.decode()
    used = {f"{kind}-{minutes}" for kind, minutes in re.findall(r"\b(at|len|opens)-(\d+)\b", page)}
    assert {"at-1275", "len-45", "at-420", "len-465", "opens-420"} <= used
    assert used <= set(grid_rules())
    assert "style=" not in page
