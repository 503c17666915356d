"""The Django admin shows a signed-in professional its own login form ("not authorised");
StaffOnlyAdminMiddleware sends them the same friendly 403 as every other staff page
instead. UserLanguageMiddleware speaks a signed-in user's chosen language."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import languages, roles


class UserLanguageMiddleware:
    """After LocaleMiddleware and authentication: a signed-in user who chose a language
    reads it whatever their browser says. The choice is kept in the session (at login and
    on every change), read from the database only for a session that predates it. The API
    follows Accept-Language alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            chosen = request.session.get(languages.SESSION_KEY)
            if chosen is None:
                chosen = request.session[languages.SESSION_KEY] = languages.chosen_by(user)
            if languages.is_supported(chosen) and chosen != request.LANGUAGE_CODE:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)


class StaffOnlyAdminMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self.admin_prefix)
            and user is not None
            and user.is_authenticated
            and not roles.is_staff(user)
        ):
            raise PermissionDenied(_("This page is for clinic staff only."))
        return self.get_response(request)
