"""My calendar feed: the private address, stop sharing it, get a new one; and the feed."""

import hashlib
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .. import ical
from ..access import professional_required
from ..models import CalendarFeed
from .home import portal_context

# The feed's last fetch is written at most this often, not on every poll.
FETCH_PRECISION = timedelta(minutes=5)


def feed_url(request, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("portal:feed-ics", args=[feed.token]))


@professional_required
@never_cache
def feed_page(request):
    feed = CalendarFeed.live_for(request.professional)
    url = feed_url(request, feed) if feed else ""
    webcal = "webcal://" + url.split("://", 1)[1] if url else ""
    context = portal_context("feed", feed=feed, url=url, webcal=webcal)
    return render(request, "portal/feed.html", context)


@professional_required
@require_POST
def feed_issue(request):
    had = CalendarFeed.live_for(request.professional) is not None
    CalendarFeed.issue(request.professional, by=request.user)
    if had:
        messages.success(
            request, _("New address made. The old one has stopped working: subscribe again.")
        )
    else:
        messages.success(request, _("Your calendar address is ready."))
    return redirect("portal:feed")


@professional_required
@require_POST
def feed_revoke(request):
    if CalendarFeed.revoke_all(request.professional):
        messages.success(request, _("Stopped. The address no longer shows your bookings."))
    return redirect("portal:feed")


@require_GET
def feed_ics(request, token: str):
    """The feed itself. No login (calendar apps cannot log in): the token is the key, and an
    unknown or revoked one is a plain 404."""
    feed = (
        CalendarFeed.objects.select_related("professional")
        .filter(token=token, revoked_at__isnull=True, professional__active=True)
        .first()
    )
    if feed is None:
        raise Http404
    body = ical.calendar_for(
        feed.professional,
        host=request.get_host().split(":")[0],
        detail_url=lambda pk: request.build_absolute_uri(reverse("portal:booking", args=[pk])),
    )
    etag = '"' + hashlib.sha256(_without_stamps(body)).hexdigest()[:32] + '"'
    now = timezone.now()
    if feed.last_fetched_at is None or feed.last_fetched_at < now - FETCH_PRECISION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="integra.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


def _without_stamps(body: bytes) -> bytes:
    """The feed minus its DTSTAMP lines (the time of the request): equal bodies, equal ETag."""
    return b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP"))
