"""Reads about bookings that other apps ask for and that are not a page's own query."""

from __future__ import annotations

from django.utils import timezone

from .models import ACTIVE_STATUSES, Booking, Location


def usual_location(professional) -> Location | None:
    """Where `professional` works: the location of their latest booking that has started
    (else their next one), else the clinic's only location, else None. What their emails
    and documents default to (Location.language)."""
    now = timezone.now()
    theirs = Booking.objects.filter(professional=professional, status__in=ACTIVE_STATUSES)
    booking = (
        theirs.filter(starts_at__lte=now)
        .order_by("-starts_at")
        .select_related("room__location")
        .first()
        or theirs.filter(starts_at__gt=now)
        .order_by("starts_at")
        .select_related("room__location")
        .first()
    )
    if booking is not None:
        return booking.room.location
    locations = list(Location.objects.all()[:2])
    return locations[0] if len(locations) == 1 else None
