"""Session timeouts: a session ends after a time without activity (idle) and, whatever the
activity, a time after its login (absolute); staff sooner than professionals (settings
SESSION_IDLE_MINUTES_* and SESSION_ABSOLUTE_HOURS_*).

The session keeps when it logged in and when its person last did something. Activity is a
request the person made: a page's own background refresh (it sends X-Integra-Background)
does not count, nor does its live socket, so a calendar left open on a screen goes idle. An
ended session is logged out on its next request (pages are sent to the login page with a
sentence saying why; the API answers 401 problem+json) and its live sockets close (they
check every SESSION_SOCKET_CHECK_SECONDS, scheduling/stream.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import roles

LOGIN_AT = "integra_login_at"
ACTIVE_AT = "integra_active_at"
# Activity is written to the session at most this often (not a database write per request);
# an idle limit is then exact to within this.
ACTIVITY_PRECISION = timedelta(minutes=1)
BACKGROUND_HEADER = "X-Integra-Background"
IDLE, ABSOLUTE = "idle", "absolute"


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    absolute: timedelta


def limits_for(user) -> Limits:
    if roles.is_staff(user):
        return Limits(
            timedelta(minutes=settings.SESSION_IDLE_MINUTES_STAFF),
            timedelta(hours=settings.SESSION_ABSOLUTE_HOURS_STAFF),
        )
    return Limits(
        timedelta(minutes=settings.SESSION_IDLE_MINUTES_PROFESSIONAL),
        timedelta(hours=settings.SESSION_ABSOLUTE_HOURS_PROFESSIONAL),
    )


def _stamp(moment: datetime) -> float:
    return moment.timestamp()


def _read(session, key: str) -> datetime | None:
    value = session.get(key)
    if not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, tz=UTC)


@receiver(user_logged_in, dispatch_uid="session-timeout-stamp-login")
def stamp_login(sender, request, user, **kwargs) -> None:
    """A new session starts both clocks."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LOGIN_AT] = session[ACTIVE_AT] = _stamp(timezone.now())


def ended_because(session, user, now: datetime | None = None) -> str | None:
    """IDLE or ABSOLUTE when `user`'s `session` has outlived a limit, else None. A session
    without stamps (signed in before timeouts existed) has not ended; its first request
    stamps it."""
    now = now or timezone.now()
    limits = limits_for(user)
    login_at, active_at = _read(session, LOGIN_AT), _read(session, ACTIVE_AT)
    if login_at is not None and now - login_at >= limits.absolute:
        return ABSOLUTE
    if active_at is not None and now - active_at >= limits.idle:
        return IDLE
    return None


def farewell(reason: str, user) -> str:
    """The sentence that says why a session ended, in the active language."""
    limits = limits_for(user)
    if reason == ABSOLUTE:
        hours = int(limits.absolute.total_seconds() // 3600)
        return ngettext(
            "Your session ended %(hours)d hour after you logged in. Please log in again.",
            "Your session ended %(hours)d hours after you logged in. Please log in again.",
            hours,
        ) % {"hours": hours}
    minutes = int(limits.idle.total_seconds() // 60)
    return ngettext(
        "Your session ended after %(minutes)d minute without activity. Please log in again.",
        "Your session ended after %(minutes)d minutes without activity. Please log in again.",
        minutes,
    ) % {"minutes": minutes}


def socket_session_ended(session_key: str | None, user) -> bool:
    """Whether the session a live socket was opened with has ended: logged out (gone or
    another user's now) or past a limit. Read afresh from the session store, so activity in
    the person's other tabs keeps the socket open."""
    if not session_key:
        return True
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()
    if str(data.get(SESSION_KEY)) != str(user.pk):
        return True
    return ended_because(data, user) is not None


class SessionTimeoutMiddleware:
    """After authentication and messages: ends a signed-in session past its idle or
    absolute limit, and records the person's activity otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = timezone.now()
        reason = ended_because(session, user, now)
        if reason is not None:
            return self.end(request, user, reason)
        if _read(session, LOGIN_AT) is None:
            session[LOGIN_AT] = _stamp(now)
        active_at = _read(session, ACTIVE_AT)
        background = request.headers.get(BACKGROUND_HEADER)
        if active_at is None or (not background and now - active_at >= ACTIVITY_PRECISION):
            session[ACTIVE_AT] = _stamp(now)
        return self.get_response(request)

    def end(self, request: HttpRequest, user, reason: str) -> HttpResponse:
        sentence = farewell(reason, user)
        # Sends user_logged_out: the person's live sockets close (scheduling/stream.py).
        logout(request)
        if request.path.startswith("/api/v1/"):
            body = {
                "type": "urn:integra:problem:session-ended",
                "title": _("Session ended"),
                "status": 401,
                "detail": sentence,
                "code": "session-ended",
            }
            return HttpResponse(
                json.dumps(body, ensure_ascii=False),
                status=401,
                content_type="application/problem+json",
            )
        messages.info(request, sentence)
        login_url = reverse(settings.LOGIN_URL)
        if request.method == "GET" and request.path != login_url:
            login_url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") or "json" in request.headers.get("Accept", ""):
            # A page's own fetch: a redirect would be followed and the login page drawn
            # inside it. htmx follows HX-Redirect; scripts read the 401 and its sentence.
            response = HttpResponse(
                json.dumps({"message": sentence}, ensure_ascii=False),
                status=401,
                content_type="application/json",
            )
            response["HX-Redirect"] = login_url
            return response
        return HttpResponseRedirect(login_url)
