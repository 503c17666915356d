"""The calendar page: a day of rooms by location, or a week per location."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.access import staff_required
from accounts.audit import actor_from_request
from backoffice import calendar
from billing.models import PaymentMethod
from scheduling.models import Location, Source


def _selected_ids(request) -> list[int]:
    ids = []
    for raw in request.GET.getlist("loc"):
        if raw.isdigit():
            ids.append(int(raw))
    return ids


def _local_day(request, locations) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        zone = locations[0].zone if locations else timezone.get_current_timezone()
        return timezone.now().astimezone(zone).date()


def _url(view: str, local_day: date, ids: list[int]) -> str:
    query = [("view", view), ("date", local_day.isoformat())] + [("loc", i) for i in ids]
    return reverse("calendar:calendar") + "?" + urlencode(query)


def _strings() -> dict:
    """Sentences the calendar's scripts show, translated here (no strings in the JS)."""
    return {
        "reason": _("Reason for cancelling"),
        "declineReason": _("Why is the request declined? The professional reads this."),
        "notes": _("Notes"),
        "tryInstead": _("Free instead:"),
        "live": _("Live"),
        "offline": _("Reconnecting…"),
        "paused": _("Live updates paused"),
        "networkError": _("Could not reach the server; nothing was changed."),
        "pickProfessional": _("Choose a professional from the list."),
        "recentPatients": _("Recent patients of this professional"),
        "noRecent": _("No recent patients: type two letters of a name."),
        "searchResults": _("Patients found"),
        "noPatients": _("No patient matches."),
        "removePatient": _("Remove"),
        "ownPatient": _("in their care team"),
        "showCancelled": _("Show cancelled"),
        "hideCancelled": _("Hide cancelled"),
    }


def _toolbar(view: str, local_day, today, shown: list[int], locations) -> dict:
    """The toolbar's links: a step back and forward (a day or a week), today, the other
    view, each location alone, and all of them."""
    step = timedelta(days=7 if view == "week" else 1)
    everywhere = list(Location.objects.order_by("name"))
    return {
        "all_locations": everywhere,
        "prev_url": _url(view, local_day - step, shown),
        "next_url": _url(view, local_day + step, shown),
        "today_url": _url(view, today, shown),
        "day_url": _url("day", local_day, shown),
        "week_url": _url("week", local_day, shown or [loc.pk for loc in locations[:1]]),
        "location_urls": [(loc, _url(view, local_day, [loc.pk])) for loc in everywhere],
        "all_url": _url("day", local_day, []),
    }


@staff_required
def calendar_page(request):
    """Full page, or only the calendar body for htmx navigation and resync."""
    # Taken before anything is read: the live stream compares it with later changes.
    rendered_at = timezone.now().isoformat()
    view = "week" if request.GET.get("view") == "week" else "day"
    ids = _selected_ids(request)
    locations = calendar.locations_for(ids)
    if view == "week" and len(locations) > 1 and not ids:
        locations = locations[:1]  # a week is per location; start with the first
    local_day = _local_day(request, locations)
    shown = [loc.pk for loc in locations] if ids or view == "week" else []
    zone = locations[0].zone if locations else timezone.get_current_timezone()
    today = timezone.now().astimezone(zone).date()
    context = {
        "view": view,
        "rendered_at": rendered_at,
        "local_day": local_day,
        "today": today,
        "is_today": local_day == today,
        "week": calendar.week_of(local_day),
        "shown_ids": [loc.pk for loc in locations],
        "explicit_selection": bool(ids),
        "calendar_strings": _strings(),
        "payment_methods": PaymentMethod.choices,
        **_toolbar(view, local_day, today, shown, locations),
    }
    grid = calendar.week_grid if view == "week" else calendar.day_grid
    key = "weeks" if view == "week" else "days"
    partial = request.htmx and not request.htmx.history_restore_request
    if not partial and locations and isinstance(request, ASGIRequest):
        return _streamed_page(request, context, locations, local_day, grid, key)
    context[key] = grid(
        locations,
        local_day,
        with_cancelled=True,
        reader=actor_from_request(request, Source.BACKOFFICE),
        path=request.path,
    )
    template = (
        "backoffice/calendar/partials/calendar_body.html"
        if partial
        else "backoffice/calendar/calendar_page.html"
    )
    return render(request, template, context)


_MARKER = mark_safe("<!--calendar-grids-->")


def _streamed_page(request, context, locations, local_day, grid, key):
    """The whole page in parts, sent as each is ready: the page with its toolbar, then the
    first location's grid, then the others. The browser paints each part as it arrives (a
    week of three locations is ~850 KiB of HTML), so the receptionist sees the calendar
    while the rest is still being built. The same queries as one render, in two steps."""
    page = render_to_string(
        "backoffice/calendar/calendar_page.html", {**context, "stream_marker": _MARKER}, request
    )
    head, tail = page.split(_MARKER)
    sections = f"backoffice/calendar/partials/{key[:-1]}_sections.html"
    reader = actor_from_request(request, Source.BACKOFFICE)

    def render_sections(part) -> str:
        grids = grid(part, local_day, with_cancelled=True, reader=reader, path=request.path)
        return render_to_string(sections, {**context, key: grids}, request)

    async def parts():
        yield head
        for part in (locations[:1], locations[1:]):
            if part:
                yield await sync_to_async(render_sections, thread_sensitive=True)(part)
        yield tail

    return StreamingHttpResponse(parts(), content_type="text/html; charset=utf-8")
