"""The live calendar streams' shared structure. A consumer authenticates, tells its
process's hub (scheduling/fanout.py) which locations its client shows and is handed booking
changes there, in the shape its viewer may see.

Client → server: {"type": "subscribe", "locations": [ids], "first_day": "YYYY-MM-DD",
                  "last_day": "YYYY-MM-DD", "since": "<when the grid was drawn, ISO>"}
Server → client: {"type": "subscribed", ..., "changed": bool, "paused": bool}   when
                  anything may have changed since `since` (or it is missing), the client
                  re-fetches its grid (resync); a grid drawn a moment ago is not drawn twice;
                  `paused`: the channel layer cannot be reached just now
                 {"type": "live.paused"}   the process lost the channel layer: the page says
                  live updates are paused (everything else works)
                 {"type": "resync"}   the layer is back and its groups re-joined: re-fetch
                 {"type": "booking", "action", "booking_id", "location_id", "room_id",
                  "local_day", "status", "html"}   a change inside the client's view
                 {"type": "booking.gone", "booking_id"}  a change outside it (moved away)

Messages are at most once (Channels drops on overload), so a client resynchronises on every
(re)connect and correctness never depends on a message arriving.

A socket closes with 4401 when its session ends: at logout (a message to the user's group)
and, checked every SESSION_SOCKET_CHECK_SECONDS, when the session is gone or past its idle
or absolute limit (accounts/sessions.py). Its own traffic is not activity. The pages answer
4401 by reloading, which shows the login page and why.

The streams themselves sit with the screens they feed, above the domain apps: the staff
calendar's in backoffice/consumers.py, the portal's in portal/consumers.py."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date, datetime, timedelta

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from accounts import sessions

from . import events, fanout
from .models import BookingChange, Location

log = logging.getLogger(__name__)

MAX_LOCATIONS = 50
MAX_DAYS = 42


# A change is stamped when its transaction writes it and announced when it commits; one that
# was written just before a page was drawn may commit (and be announced) just after, before
# the page's socket has subscribed. Looking back this far covers that gap (the booking
# service stamps the change last, a moment before it commits) and clocks of app servers a
# little apart.
SINCE_MARGIN = timedelta(seconds=3)


def _parse_since(value) -> datetime | None:
    """The `since` of a subscription: when the client's grid was drawn (the server's clock,
    sent in the page). Anything unreadable means "unknown", which means resync."""
    if not isinstance(value, str):
        return None
    try:
        since = datetime.fromisoformat(value)
    except ValueError:
        return None
    return since if since.tzinfo is not None else None


def user_group(user_id: int) -> str:
    return f"calendar.user.{user_id}"


@receiver(user_logged_out, dispatch_uid="calendar-close-streams-on-logout")
def close_streams_on_logout(sender, request, user, **kwargs) -> None:
    """A signed-out user's open calendar sockets close too (they were authenticated by the
    session that just ended). Connected where the consumers are loaded: the ASGI app."""
    layer = get_channel_layer()
    if user is not None and layer is not None:
        async_to_sync(layer.group_send)(user_group(user.pk), {"type": "session.ended"})


class CalendarStreamConsumer(AsyncWebsocketConsumer):
    """Shared structure of the calendar streams. Subclasses say who may connect, what a
    viewer sees of a booking (the portal's sends "busy", never a name) and what else may
    have changed on their page."""

    async def connect(self):
        self.groups_joined: set[str] = set()
        self.location_ids: set[int] = set()
        self.first_day = self.last_day = None
        self.session_watch = None
        user = self.scope.get("user")
        if self.session_has_ended(user):
            await self.close(code=4401)
            return
        if not await database_sync_to_async(self.may_connect)(user):
            await self.close(code=4403)
            return
        # The process's hub tells this socket when live updates pause and resume, and joins
        # its groups again after the layer lost them (scheduling/fanout.py).
        self.hub = fanout.hub_for(self.channel_layer)
        await self.hub.attach(self)
        self.groups_joined.add(user_group(user.pk))
        await self.hub.join(user_group(user.pk), self.channel_name)
        await self.accept()
        session_key = self.scope["session"].session_key
        self.session_watch = asyncio.create_task(self.watch_session(session_key, user))

    def session_has_ended(self, user) -> bool:
        """Whether the handshake's session is past its idle or absolute limit (the page
        then shows the login page). Read from the session the handshake's authentication
        has just loaded, before anything else: a refusal that came after a database round
        trip let the socket's channel-layer receive get under way, and on Redis that left
        its task unfinished at loop shutdown in tests."""
        session = self.scope.get("session")
        if user is None or not user.is_authenticated or session is None:
            return False
        return sessions.ended_because(session, user) is not None

    async def watch_session(self, session_key: str, user) -> None:
        """Closes the socket (4401, as at logout) once its session has ended: past its idle
        or absolute limit, or logged out without the logout message reaching this process
        (group messages are at most once). The socket's own traffic is not activity."""
        while True:
            await asyncio.sleep(settings.SESSION_SOCKET_CHECK_SECONDS)
            try:
                ended = await database_sync_to_async(sessions.socket_session_ended)(
                    session_key, user
                )
            except Exception:
                # A database hiccup is not a logout; the next check decides.
                log.warning("session check of a live socket failed", exc_info=True)
                continue
            if ended:
                await self.close(code=4401)
                return

    async def disconnect(self, code):
        if getattr(self, "session_watch", None) is not None:
            self.session_watch.cancel()
        for group in getattr(self, "groups_joined", ()):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # the layer is unreachable; it forgets the member itself
                pass
        hub = getattr(self, "hub", None)
        if hub is not None:
            await hub.detach(self)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            request = json.loads(text_data or "")
        except ValueError:
            return
        if isinstance(request, dict) and request.get("type") == "subscribe":
            await self.subscribe(request)

    async def subscribe(self, request: dict) -> None:
        try:
            first = date.fromisoformat(request.get("first_day", ""))
            last = date.fromisoformat(request.get("last_day", ""))
            wanted = {int(i) for i in request.get("locations", [])}
        except (TypeError, ValueError):
            await self.send_json({"type": "error", "message": "bad subscription"})
            return
        if last < first or (last - first).days > MAX_DAYS or len(wanted) > MAX_LOCATIONS:
            await self.send_json({"type": "error", "message": "bad subscription"})
            return
        since = _parse_since(request.get("since"))
        allowed = await database_sync_to_async(self.visible_locations)(wanted)
        # The process listens to each location once and hands this socket what it watches
        # (scheduling/fanout.py); only the per-user group is joined socket by socket.
        self.first_day, self.last_day = first, last
        self.location_ids = set(allowed)
        await self.hub.watch(self, {events.location_group(pk) for pk in allowed})
        # Joined first, checked second: whatever commits from here on arrives live, and
        # whatever happened since the page was drawn is caught by the check.
        changed = since is None or await database_sync_to_async(self.changed_since)(since)
        await self.send_json(
            {
                "type": "subscribed",
                "locations": sorted(allowed),
                "first_day": first.isoformat(),
                "last_day": last.isoformat(),
                "changed": changed,
                # The layer is unreachable: the page works, but says it is not live.
                "paused": not self.hub.live,
            }
        )

    async def session_ended(self, message: dict) -> None:
        await self.close(code=4401)

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content))

    # ------------------------------------------------------------ what subclasses decide

    def may_connect(self, user) -> bool:
        raise NotImplementedError

    def visible_locations(self, wanted: set[int]) -> list[int]:
        return list(Location.objects.filter(pk__in=wanted).values_list("pk", flat=True))

    @classmethod
    async def prepare(cls, message: dict):
        """What `update_for` needs of a `booking.changed` message (the booking as this
        class's viewers see it). The hub calls it once per process and version for all
        viewers of this class, then `update_for` per socket."""
        raise NotImplementedError

    def update_for(self, message: dict, prepared) -> dict | None:
        """What this viewer is sent about the change (no database access here)."""
        raise NotImplementedError

    @classmethod
    async def delivered(cls, prepared, receivers: list[tuple]) -> None:
        """After a change was sent: `receivers` are the (consumer, update) pairs of this
        class that were sent it, once per change and process (so a class can record who
        read what in one write for all its sockets)."""

    def changed_since(self, since: datetime) -> bool:
        """Whether anything this viewer's page shows may have changed since `since`: here
        any booking change (every one is recorded in BookingChange, indexed by time);
        subclasses add what else their page shows (payments, for paid marks)."""
        return BookingChange.objects.filter(at__gte=since - SINCE_MARGIN).exists()
