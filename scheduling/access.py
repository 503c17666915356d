"""Permission-scoped fetches for the backoffice: a view never loads a booking bare, so the
staff check cannot be forgotten at one door."""

from django.http import Http404
from django.utils.translation import gettext as _

from accounts import roles

from .models import Booking, Location, Room


def booking_for_staff(user, pk: int) -> Booking:
    """The booking with its room, location and professional, or 404 (also for non-staff)."""
    if not roles.is_staff(user):
        raise Http404
    try:
        return Booking.objects.for_page().get(pk=pk)
    except Booking.DoesNotExist:
        raise Http404 from None


def bookings_visible_to(user):
    """The bookings `user` may read in full: every one for staff, a professional's own for a
    professional, none for anyone else. Others' bookings reach a professional only as
    "busy" blocks (see `busy_bookings`)."""
    bookings = Booking.objects.for_page()
    if roles.is_staff(user):
        return bookings
    professional = roles.professional_of(user)
    if professional is None:
        return bookings.none()
    return bookings.filter(professional=professional)


def busy_bookings():
    """Active bookings as anyone may see them: which room is taken when, nothing of who."""
    return Booking.objects.active().select_related("room__location")


def booking_for(user, pk: int) -> Booking:
    """The booking if `user` may read it in full, else 404 (the same as an unknown id, so a
    professional cannot probe for others' bookings)."""
    try:
        return bookings_visible_to(user).get(pk=pk)
    except Booking.DoesNotExist:
        raise Http404(_("There is no booking %(id)d, or it is not yours.") % {"id": pk}) from None


def room_for(user, pk: int, *, features: bool = True) -> Room:
    """Any signed-in user may see any room (a professional books them); 404 if unknown.
    With its location, and its features unless the caller only books it."""
    if not user.is_authenticated:
        raise Http404
    rooms = Room.objects.select_related("location")
    if features:
        rooms = rooms.prefetch_related("features")
    try:
        return rooms.get(pk=pk)
    except Room.DoesNotExist:
        raise Http404(_("There is no room %(id)d.") % {"id": pk}) from None


def location_for(user, pk: int) -> Location:
    if not user.is_authenticated:
        raise Http404
    try:
        return Location.objects.prefetch_related("opening_hours").get(pk=pk)
    except Location.DoesNotExist:
        raise Http404(_("There is no location %(id)d.") % {"id": pk}) from None
