"""The portal's doors: only professionals come in, and they only ever fetch their own
bookings (through scheduling.access, which 404s anything else)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import actor_from_request
from scheduling import access
from scheduling.models import Booking, Source


def professional_required(view):
    """Anonymous → login; staff → their calendar; a user without a profile → 403. The
    answer is never cached (it is personal; fragments share their page's URL)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if roles.is_staff(request.user):
            return redirect("calendar:calendar")
        professional = roles.professional_of(request.user)
        if professional is None:
            raise PermissionDenied(_("This page is for professionals only."))
        request.professional = professional
        response = view(request, *args, **kwargs)
        # Personal pages (and their htmx fragments, same URL): never from a cache.
        add_never_cache_headers(response)
        return response

    return wrapper


def own_booking(request, pk: int) -> Booking:
    """The signed-in professional's booking `pk`, or 404 (also for anyone else's)."""
    return access.booking_for(request.user, pk)


def audit(request) -> dict:
    """Who changes a booking from the portal, and from where."""
    return actor_from_request(request, Source.PORTAL).as_kwargs()
