"""The start-time buttons of "find a slot", built in Python: a week of free time at every
location is a few hundred buttons, and one `{% url %}`, date filters and a plural
`{% blocktranslate %}` each cost the template engine about 4 ms per button (measured with
bench/bench_portal.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext


def rooms_label(count: int) -> str:
    return ngettext("%(count)d room", "%(count)d rooms", count) % {"count": count}


def chips_html(choices, *, minutes: int, moving_id: int | None) -> SafeString:
    """The buttons of one part of a day; each opens that start time's sheet. Every value
    put in is a number, an ISO time or a translated label (escaped)."""
    base = reverse("portal:slot")
    tail = f"&minutes={minutes}" + (f"&booking={moving_id}" if moving_id else "")
    labels: dict[int, str] = {}
    parts = []
    for choice in choices:
        count = len(choice.rooms)
        if count not in labels:
            labels[count] = escape(rooms_label(count))
        label = labels[count]
        start, end = choice.local_start.strftime("%H:%M"), choice.local_end.strftime("%H:%M")
        query = urlencode(
            {"location": choice.location_id, "starts_at": choice.starts_at.isoformat()}
        )
        parts.append(
            f'<a class="chip" href="{base}?{query}{escape(tail)}" data-rooms="{choice.room_ids}" '
            f'data-starts-at="{choice.local_start.isoformat()}" '
            f'data-ends-at="{choice.local_end.isoformat()}" data-location="{choice.location_id}" '
            f'aria-label="{start}–{end}, {label}"><strong>{start}</strong>'
            f'<small class="rooms-free">{label}</small></a>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - only numbers, ISO times, escaped labels
