"""The site's front door and the invitation link. Login, logout and password reset are
allauth's views (see accounts/urls.py) with our templates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import invitations, languages, roles
from .audit import Source, actor_from_request


def home(request):
    """Everyone to their own start page: staff the calendar, professionals the portal."""
    if not request.user.is_authenticated:
        return redirect_to_login("/")
    if not (roles.is_staff(request.user) or roles.professional_of(request.user)):
        raise PermissionDenied(_("This account has no role at the clinic yet."))
    return redirect(roles.home_url(request.user))


@never_cache
def invitation_accept(request, uidb36: str, token: str):
    """Choose a password from an invitation link, then start signed in."""
    user = invitations.user_for_link(uidb36, token)
    if user is None:
        return render(
            request,
            "accounts/invitation_accept.html",
            {"spent": invitations.LINK_SPENT},
            status=410,
        )
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.accept(user, token, form)
        except invitations.InvitationRefused as refusal:
            return render(
                request, "accounts/invitation_accept.html", {"spent": refusal.message}, status=410
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(roles.home_url(user))
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitee": user})


@require_POST
def choose_language(request):
    """The language switch (staff menu, portal settings, sign-in page): remembered for the
    signed-in user (their preferences and this session) and in the language cookie, so the
    sign-in page speaks it too. An unknown language changes nothing."""
    language = request.POST.get("language", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    if language and not languages.is_supported(language):
        messages.error(request, _("We do not speak that language yet."))
        return redirect(back)
    if request.user.is_authenticated:
        door = Source.BACKOFFICE if roles.is_staff(request.user) else Source.PORTAL
        languages.choose(request.user, language, **actor_from_request(request, door).as_kwargs())
        request.session[languages.SESSION_KEY] = language
    response = redirect(back)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response
