"""Permission-scoped fetches of professionals: staff see everyone, a professional only
themselves, so nobody learns another professional's name, email or phone by id."""

from django.http import Http404
from django.utils.translation import gettext as _

from accounts import roles

from .models import Professional


def professionals_visible_to(user):
    if roles.is_staff(user):
        return Professional.objects.all()
    professional = roles.professional_of(user)
    if professional is None:
        return Professional.objects.none()
    return Professional.objects.filter(pk=professional.pk)


def professional_for(user, pk: int) -> Professional:
    """The professional if `user` may see them, else 404 (as for an unknown id)."""
    try:
        return professionals_visible_to(user).select_related("user").get(pk=pk)
    except Professional.DoesNotExist:
        raise Http404(
            _("There is no professional %(id)d, or you may not see them.") % {"id": pk}
        ) from None
