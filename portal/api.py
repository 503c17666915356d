"""The portal's calendar feed over the API (mounted by integra/api.py under /api/v1/me/):
read, make (or make anew) and stop my private iCal address, as the portal's Calendar feed
page does (portal/views/feed.py). Professionals only, each their own; the writes are the
page's (`CalendarFeed.issue`, `CalendarFeed.revoke_all`). The address is the secret: it is
in these answers, to its owner only, and nowhere else.

Here rather than in api/ because the feed is the portal's (api/ may not import portal)."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import AuthorizationError
from pydantic import Field

from accounts import roles

from .models import CalendarFeed

router = Router(tags=["me"])


class CalendarFeedOut(Schema):
    active: bool = Field(description="Whether an address is live; false after stopping.")
    url: str | None = Field(description="https address of the iCal feed (the secret).")
    webcal_url: str | None = Field(description="The same as webcal://, for calendar apps.")
    created_at: datetime | None
    last_fetched_at: datetime | None = Field(description="When a calendar app last read it.")


def _own_professional(user):
    professional = roles.professional_of(user)
    if professional is None or roles.is_staff(user):
        raise AuthorizationError(message=_("Only professionals have a calendar feed."))
    return professional


def _out(request, feed: CalendarFeed | None) -> dict:
    if feed is None:
        return {
            "active": False,
            "url": None,
            "webcal_url": None,
            "created_at": None,
            "last_fetched_at": None,
        }
    url = request.build_absolute_uri(reverse("portal:feed-ics", args=[feed.token]))
    return {
        "active": True,
        "url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[1],
        "created_at": feed.created_at,
        "last_fetched_at": feed.last_fetched_at,
    }


@router.get("/me/calendar-feed", response=CalendarFeedOut)
def get_calendar_feed(request):
    """A professional: my feed's address, if I have one."""
    return _out(request, CalendarFeed.live_for(_own_professional(request.auth)))


@router.post("/me/calendar-feed", response={201: CalendarFeedOut})
def issue_calendar_feed(request):
    """A professional: a new address; the old one (if any) stops working at once."""
    professional = _own_professional(request.auth)
    return Status(201, _out(request, CalendarFeed.issue(professional, by=request.auth)))


@router.delete("/me/calendar-feed", response={204: None})
def revoke_calendar_feed(request):
    """A professional: stop sharing; the address answers 404 from now on."""
    CalendarFeed.revoke_all(_own_professional(request.auth))
    return Status(204, None)
