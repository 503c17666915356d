"""The professional's own pages: only their bookings, never anyone else's."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from scheduling.models import Booking

THEME_COLOUR = "#2f6fa6"


def professional_required(view):
    """Anonymous → login; staff → their calendar; a user without a profile → 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if roles.is_staff(request.user):
            return redirect("scheduling:calendar")
        professional = roles.professional_of(request.user)
        if professional is None:
            raise PermissionDenied(_("This page is for professionals only."))
        request.professional = professional
        return view(request, *args, **kwargs)

    return wrapper


def _row(booking: Booking) -> dict:
    zone = booking.room.location.zone
    return {
        "booking": booking,
        "starts": booking.starts_at.astimezone(zone),
        "ends": booking.ends_at.astimezone(zone),
        "location": booking.room.location.name,
        "room": booking.room.name,
    }


@professional_required
def home(request):
    """My bookings: upcoming first (soonest on top), then the last past ones."""
    now = timezone.now()
    mine = Booking.objects.filter(professional=request.professional).select_related(
        "room__location"
    )
    upcoming = [_row(b) for b in mine.filter(ends_at__gt=now).order_by("starts_at")[:100]]
    past = [_row(b) for b in mine.filter(ends_at__lte=now).order_by("-starts_at")[:50]]
    return render(
        request,
        "portal/home.html",
        {"upcoming": upcoming, "past": past, "tab": "bookings", "theme_colour": THEME_COLOUR},
    )


def manifest(request):
    """Web app manifest so a professional can add the portal to the home screen."""
    data = {
        "name": _("Integra — my bookings"),
        "short_name": "Integra",
        "start_url": reverse("portal:home"),
        "scope": reverse("portal:home"),
        "display": "standalone",
        "background_color": "#f5f7fa",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"portal/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")
