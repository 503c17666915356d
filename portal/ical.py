"""The iCal feed (RFC 5545) of a professional's bookings.

Times carry their location's zone (DTSTART;TZID=Europe/Lisbon:…) with a VTIMEZONE for it,
so a calendar app shows 09:00 as 09:00 on both sides of a daylight-saving change. Events
say where and when, and nothing of the patient: no notes, no reason, only the room, the
location and the state. Cancelled bookings are left out, so they vanish on the next
refresh."""

from __future__ import annotations

from datetime import timedelta

import icalendar
from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.money import format_money
from scheduling.models import Booking, BookingStatus

PAST_DAYS = 90  # how far back the feed reaches; the future is all of it
STATUS = {
    BookingStatus.REQUESTED: "TENTATIVE",
    BookingStatus.BOOKED: "CONFIRMED",
    BookingStatus.EXECUTED: "CONFIRMED",
    BookingStatus.NO_SHOW: "CONFIRMED",
}


def bookings_for(professional):
    since = timezone.now() - timedelta(days=PAST_DAYS)
    return (
        Booking.objects.active()
        .filter(professional=professional, ends_at__gte=since)
        .select_related("room__location")
        .annotate(versions=Count("changes"))
        .order_by("starts_at")
    )


def calendar_for(professional, *, host: str, detail_url) -> bytes:
    """The feed's bytes. `detail_url(pk)` is the portal address of a booking."""
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{settings.CLINIC_NAME}//Integra portal//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("%(clinic)s bookings") % {"clinic": settings.CLINIC_NAME})
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    bookings = list(bookings_for(professional))
    stamp = timezone.now()
    for booking in bookings:
        location = booking.room.location
        zone = location.zone
        event = icalendar.Event()
        event.add("uid", f"booking-{booking.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("last-modified", booking.updated_at)
        event.add("created", booking.created_at)
        event.add("dtstart", booking.starts_at.astimezone(zone))
        event.add("dtend", booking.ends_at.astimezone(zone))
        summary = _("%(room)s · %(location)s") % {
            "room": booking.room.name,
            "location": location.name,
        }
        if booking.status == BookingStatus.REQUESTED:
            summary = _("Requested: %(summary)s") % {"summary": summary}
        event.add("summary", summary)
        event.add("location", ", ".join(p for p in (location.name, location.address) if p))
        event.add("status", STATUS[booking.status])
        event.add("sequence", max(booking.versions - 1, 0))  # each change a new version
        event.add(
            "description",
            _("%(status)s · %(price)s")
            % {
                "status": booking.get_status_display(),
                "price": format_money(booking.price, booking.currency),
            },
        )
        event.add("url", detail_url(booking.pk))
        cal.add_component(event)
    if bookings:
        first = min(b.starts_at for b in bookings).date() - timedelta(days=1)
        last = max(b.ends_at for b in bookings).date() + timedelta(days=1)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()
