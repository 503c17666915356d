"""The door of every staff page: anonymous visitors are sent to log in, anyone signed in
who is not staff (a professional) gets a friendly 403 instead of a login loop."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from . import roles


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.is_staff(request.user):
            raise PermissionDenied(_("This page is for clinic staff only."))
        return view(request, *args, **kwargs)

    return wrapper


def permission_required(permission: str):
    """A staff page that needs one role's permission ("billing.reverse_payment"): staff
    without it get the same friendly 403 that names what they lack."""

    def decorate(view):
        @wraps(view)
        @staff_required
        def wrapper(request, *args, **kwargs):
            if not roles.may(request.user, permission):
                raise PermissionDenied(_("Only a manager may do this."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
