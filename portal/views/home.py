"""My bookings (the portal's start page) and the web app manifest."""

from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from accounts.audit import actor_from_request
from patients.access import record_reads
from patients.models import ReadKind
from scheduling import access
from scheduling.models import Location, Source

from .. import cards
from ..access import professional_required

THEME_COLOUR = "#2f6fa6"
UPCOMING_SHOWN = 20  # a phone's worth; "show all" lists every upcoming one
PAST_SHOWN = 10


def portal_context(tab: str, **extra) -> dict:
    return {"tab": tab, "theme_colour": THEME_COLOUR, **extra}


@professional_required
@vary_on_headers("HX-Request")
def home(request):
    """My bookings: upcoming first (soonest on top), then the latest past ones. An htmx
    request (the live stream's refresh) gets only the lists."""
    now = timezone.now()
    mine = access.bookings_visible_to(request.user).select_related("room__location")
    show_all = request.GET.get("all") == "1"
    upcoming_rows = mine.filter(ends_at__gt=now).order_by("starts_at")
    upcoming_count = upcoming_rows.count()
    upcoming = cards.cards(upcoming_rows if show_all else upcoming_rows[:UPCOMING_SHOWN], now=now)
    past_rows = mine.filter(ends_at__lte=now).order_by("-starts_at")
    past = cards.cards(past_rows[: PAST_SHOWN * (5 if show_all else 1)], now=now)
    # Who each session is for: my own patients, their names recorded as read.
    shown = cards.with_patients(upcoming + past)
    if shown:
        record_reads(
            actor_from_request(request, Source.PORTAL), shown, ReadKind.LIST, path=request.path
        )
    # Staff may book for me anywhere: listen to every location for my own changes.
    locations = list(Location.objects.values_list("pk", flat=True))
    context = portal_context(
        "bookings",
        upcoming=upcoming,
        past=past,
        more_upcoming=upcoming_count - len(upcoming),
        watched_locations=locations,
    )
    template = "portal/partials/my_bookings.html" if request.htmx else "portal/home.html"
    return render(request, template, context)


def manifest(request):
    """Web app manifest so a professional can add the portal to the home screen."""
    data = {
        "name": _("Integra — my bookings"),
        "short_name": "Integra",
        "description": _("Find a room, book it, and see what you owe."),
        "id": reverse("portal:home"),
        "start_url": reverse("portal:home"),
        "scope": reverse("portal:home"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f5f7fa",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"portal/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ],
        "shortcuts": [
            {"name": _("Find a slot"), "url": reverse("portal:find")},
            {"name": _("My money"), "url": reverse("portal:money")},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")
