"""My settings: the language the portal speaks to me (and the clinic's emails and
statements), and the way to my calendar feed."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts import languages

from ..access import professional_required
from .home import portal_context


@professional_required
@never_cache
def settings_page(request):
    context = portal_context("settings", chosen=languages.chosen_by(request.user))
    return render(request, "portal/settings.html", context)
