"""The site's front door and the invitation link. Login, logout and password reset are
allauth's views (see accounts/urls.py) with our templates."""

from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import invitations, roles


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
