"""The Django admin shows a signed-in professional its own login form ("not authorised");
this sends them the same friendly 403 as every other staff page instead."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from . import roles


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
