"""Permission-scoped fetches for the backoffice: a view never loads a booking bare, so the
staff check cannot be forgotten at one door."""

from django.http import Http404

from accounts import roles

from .models import Booking


def booking_for_staff(user, pk: int) -> Booking:
    """The booking with its room, location and professional, or 404 (also for non-staff)."""
    if not roles.is_staff(user):
        raise Http404
    try:
        return Booking.objects.for_page().get(pk=pk)
    except Booking.DoesNotExist:
        raise Http404 from None
