"""`{{ booking.starts_at|local:booking|time:"H:i" }}`: a time in its location's zone.

The argument is what the time belongs to: a Location, a Room, a Booking, a zone name. See
scheduling/local_time.py for why the server's zone must never be used."""

from django import template

from scheduling.local_time import at_location

register = template.Library()


@register.filter(expects_localtime=False)
def local(value, where):
    if not value or where in (None, ""):
        return value
    return at_location(value, where)
