"""One subscription per process for the live calendar streams.

A daphne process may hold hundreds of open calendars on one location. If every socket
joined the location's channel-layer group itself, each change would become one channel-layer
message per socket: on Redis, hundreds of blocking pops in a row, each decoded and dispatched
through a consumer before the last screen hears of it. Instead the process joins each
watched group once, on a channel of its own, and hands every message straight to the local
consumers watching that group: one pop, one read and render of the booking per consumer
class, one JSON text per distinct update, then a write per socket.

Delivery stays at most once (a screen resynchronises on every (re)connect), so a hiccup in the
layer is logged and the listener carries on; it never closes anyone's socket.

Surviving the layer restarting. Group memberships live in the layer (Redis): a Redis that
restarts has forgotten them, and a process that joined once would never hear its groups
again. So the hub beats: every LIVE_HEARTBEAT_SECONDS it sends a message to a group only
its own channel joined and waits for it to come back. A beat that cannot be sent (Redis
down) or does not come back (membership lost) pauses the process's pages ({"type":
"live.paused"}: they say live updates are paused, and keep working); the hub then re-joins
every group it and its sockets were in, and once a beat comes back again tells every page
to resynchronise ({"type": "resync"}: fetch what it shows, which includes whatever changed
while nothing was heard). The in-memory layer cannot lose anything; it does not beat."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections import OrderedDict, defaultdict

from django.conf import settings

log = logging.getLogger(__name__)

# channels-redis forgets a group's members a day after they joined (group_expiry); sockets
# live longer than that on a reception desk, so the process re-joins its groups regularly.
REJOIN_SECONDS = 30 * 60

PREPARED_KEEP = 256

PAUSED = json.dumps({"type": "live.paused"})
RESYNC = json.dumps({"type": "resync"})

_HUBS: dict[tuple[int, int], Hub] = {}


def hub_for(layer) -> Hub:
    """The hub of this event loop and channel layer (tests swap layers between tests)."""
    key = (id(asyncio.get_running_loop()), id(layer))
    hub = _HUBS.get(key)
    if hub is None:
        hub = _HUBS[key] = Hub(layer, key)
    return hub


class Hub:
    def __init__(self, layer, key):
        self.layer = layer
        self.key = key
        self.channel: str | None = None
        self.watchers: dict[str, set] = defaultdict(set)
        # Every stream socket of this process, watching or not: told when live updates pause
        # and resume; their own groups (the per-user one) are re-joined with the hub's.
        self.consumers: set = set()
        self.lock = asyncio.Lock()
        self.tasks: list[asyncio.Task] = []
        # What each kind of viewer needs of a booking version, read once: a move between
        # locations arrives through both groups. Keyed by the version the event carries (the
        # row's updated_at, or a payment's), so an entry never stands for a later change.
        self.prepared: OrderedDict[tuple, asyncio.Future] = OrderedDict()
        self.live = True
        self.beat_group = f"calendar.hub.{uuid.uuid4().hex}"
        self.beat_number = 0
        self.beat_heard: asyncio.Future | None = None

    async def _start(self) -> None:
        """Open the hub's channel and start its tasks (under the lock)."""
        if self.channel is not None:
            return
        # The default prefix: channels-redis pops every process-local channel of a process
        # from one key, and another prefix would starve one of them.
        self.channel = await self.layer.new_channel()
        self.tasks = [
            asyncio.ensure_future(self._listen()),
            asyncio.ensure_future(self._rejoin()),
        ]
        beat = getattr(settings, "LIVE_HEARTBEAT_SECONDS", 0)
        if beat:
            self.tasks.append(asyncio.ensure_future(self._heartbeat(beat)))

    def _stop_if_idle(self) -> None:
        if self.watchers or self.consumers or self.channel is None:
            return
        for task in self.tasks:
            task.cancel()
        self.tasks, self.channel = [], None
        _HUBS.pop(self.key, None)

    async def attach(self, consumer) -> None:
        """A stream socket of this process opened: it hears when live updates pause."""
        async with self.lock:
            await self._start()
            self.consumers.add(consumer)

    async def detach(self, consumer) -> None:
        async with self.lock:
            self.consumers.discard(consumer)
            for group in [g for g, members in self.watchers.items() if consumer in members]:
                await self._leave(group, consumer)
            self._stop_if_idle()

    async def join(self, group: str, channel: str) -> bool:
        """Join `group` on `channel` if the layer can be reached; when it cannot, the hub
        pauses and joins again when it can (so a page opened during an outage is fine)."""
        try:
            await self.layer.group_add(group, channel)
            return True
        except Exception:
            log.warning("could not join %s; live updates pause until the layer is back", group)
            await self._pause()
            return False

    async def watch(self, consumer, groups: set[str]) -> None:
        """Make `consumer` hear exactly `groups` (replacing what it heard before). Returns
        once the process is a member of each, so a change committed afterwards reaches it
        (or, with the layer unreachable, once the hub will join them when it is back)."""
        async with self.lock:
            await self._start()
            for group in groups:
                if not self.watchers.get(group):
                    await self.join(group, self.channel)
                self.watchers[group].add(consumer)
            for group in [g for g, members in self.watchers.items() if consumer in members]:
                if group not in groups:
                    await self._leave(group, consumer)

    async def unwatch(self, consumer) -> None:
        async with self.lock:
            for group in [g for g, members in self.watchers.items() if consumer in members]:
                await self._leave(group, consumer)
            self._stop_if_idle()

    async def _leave(self, group: str, consumer) -> None:
        members = self.watchers[group]
        members.discard(consumer)
        if not members:
            del self.watchers[group]
            try:
                await self.layer.group_discard(group, self.channel)
            except Exception:  # unreachable: it forgets the membership itself (expiry)
                log.debug("could not leave %s", group, exc_info=True)

    async def _rejoin(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            if not await self._rejoin_all():
                log.warning("could not re-join the live calendar groups")

    async def _listen(self) -> None:
        channel = self.channel
        while True:
            try:
                message = await self.layer.receive(channel)
                await self.deliver(message)
            except asyncio.CancelledError:
                raise
            except Exception:  # a lost update is resynchronised; the stream carries on
                log.exception("live calendar delivery failed")
                await asyncio.sleep(0.5)

    # ------------------------------------------------------------ heartbeat and recovery

    async def _heartbeat(self, seconds: float) -> None:
        await self.join(self.beat_group, self.channel)
        while True:
            await asyncio.sleep(seconds)
            if self.live:
                if await self._beat(timeout=max(2 * seconds, 2.0)):
                    continue
                log.warning("live updates lost the channel layer (no heartbeat); pausing")
                await self._pause()
            if await self._rejoin_all() and await self._beat(timeout=max(2 * seconds, 2.0)):
                log.warning("live updates resumed: groups re-joined, pages resynchronise")
                self.live = True
                await self._tell(RESYNC)

    async def _beat(self, timeout: float) -> bool:
        """Whether a message sent to the hub's own group comes back to its channel."""
        self.beat_number += 1
        heard = self.beat_heard = asyncio.get_running_loop().create_future()
        message = {"type": "hub.beat", "beat": self.beat_number}
        try:
            await asyncio.wait_for(self.layer.group_send(self.beat_group, message), timeout)
            await asyncio.wait_for(asyncio.shield(heard), timeout)
            return True
        except Exception:  # unreachable, too slow, or our membership is gone
            return False

    async def _pause(self) -> None:
        if not self.live:
            return
        self.live = False
        await self._tell(PAUSED)

    async def _rejoin_all(self) -> bool:
        try:
            async with asyncio.timeout(5):
                await self.layer.group_add(self.beat_group, self.channel)
                for group in list(self.watchers):
                    await self.layer.group_add(group, self.channel)
                for consumer in list(self.consumers):
                    for group in list(getattr(consumer, "groups_joined", ())):
                        await self.layer.group_add(group, consumer.channel_name)
        except Exception:
            return False
        return True

    async def _tell(self, text: str) -> None:
        for consumer in list(self.consumers):
            try:
                await consumer.send(text_data=text)
            except Exception:  # a closed socket must not stop the others hearing
                log.debug("could not tell %s", consumer.channel_name, exc_info=True)

    # ------------------------------------------------------------ delivery

    async def deliver(self, message: dict) -> None:
        if message.get("type") == "hub.beat":
            heard = self.beat_heard
            if heard is not None and not heard.done() and message.get("beat") == self.beat_number:
                heard.set_result(True)
            return
        members = list(self.watchers.get(message.get("group", ""), ()))
        if not members:
            return
        read: dict[type, object] = {}
        texts: dict[tuple, str] = {}
        sent: dict[type, list] = {}
        for consumer in members:
            kind = type(consumer)
            if kind not in read:
                read[kind] = await self._prepare(kind, message)
            update = consumer.update_for(message, read[kind])
            if update is None:
                continue
            try:
                key = tuple(sorted(update.items()))
                text = texts.get(key)
            except TypeError:  # an unhashable value: serialise this one on its own
                key, text = None, None
            if text is None:
                text = json.dumps(update)
                if key is not None:
                    texts[key] = text
            try:
                await consumer.send(text_data=text)
            except Exception:  # one closed socket must not starve the others
                log.debug("could not send to %s", consumer.channel_name, exc_info=True)
            else:
                sent.setdefault(kind, []).append((consumer, update))
        for kind, receivers in sent.items():
            try:
                await kind.delivered(read[kind], receivers)
            except Exception:  # the record of who was sent what must not stop the stream
                log.warning("could not record a delivery", exc_info=True)

    async def _prepare(self, kind, message: dict):
        version = message.get("version")
        if not version:
            return await kind.prepare(message)
        key = (kind, message["booking_id"], version)
        future = self.prepared.get(key)
        if future is None:
            future = self.prepared[key] = asyncio.ensure_future(kind.prepare(message))
            while len(self.prepared) > PREPARED_KEEP:
                self.prepared.popitem(last=False)
        return await asyncio.shield(future)
