"""One subscription per process for the live calendar streams.

A daphne process may hold hundreds of open calendars on one location. If every socket
joined the location's channel-layer group itself, each change would become one channel-layer
message per socket: on Redis, hundreds of blocking pops in a row, each decoded and dispatched
through a consumer before the last screen hears of it. Instead the process joins each
watched group once, on a channel of its own, and hands every message straight to the local
consumers watching that group: one pop, one read and render of the booking per consumer
class, one JSON text per distinct update, then a write per socket.

Delivery stays at most once (a screen resynchronises on every (re)connect), so a hiccup in the
layer is logged and the listener carries on; it never closes anyone's socket."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict, defaultdict

log = logging.getLogger(__name__)

# channels-redis forgets a group's members a day after they joined (group_expiry); sockets
# live longer than that on a reception desk, so the process re-joins its groups regularly.
REJOIN_SECONDS = 30 * 60

PREPARED_KEEP = 256

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
        self.lock = asyncio.Lock()
        self.tasks: list[asyncio.Task] = []
        # What each kind of viewer needs of a booking version, read once: a move between
        # locations arrives through both groups. Keyed by the version the event carries (the
        # row's updated_at, or a payment's), so an entry never stands for a later change.
        self.prepared: OrderedDict[tuple, asyncio.Future] = OrderedDict()

    async def watch(self, consumer, groups: set[str]) -> None:
        """Make `consumer` hear exactly `groups` (replacing what it heard before). Returns
        once the process is a member of each, so a change committed afterwards reaches it."""
        async with self.lock:
            if self.channel is None:
                # The default prefix: channels-redis pops every process-local channel of a
                # process from one key, and another prefix would starve one of them.
                self.channel = await self.layer.new_channel()
                self.tasks = [
                    asyncio.ensure_future(self._listen()),
                    asyncio.ensure_future(self._rejoin()),
                ]
            for group in groups:
                if not self.watchers.get(group):
                    await self.layer.group_add(group, self.channel)
                self.watchers[group].add(consumer)
            for group in [g for g, members in self.watchers.items() if consumer in members]:
                if group not in groups:
                    await self._leave(group, consumer)

    async def unwatch(self, consumer) -> None:
        async with self.lock:
            for group in [g for g, members in self.watchers.items() if consumer in members]:
                await self._leave(group, consumer)
            if not self.watchers and self.channel is not None:
                for task in self.tasks:
                    task.cancel()
                self.tasks, self.channel = [], None
                _HUBS.pop(self.key, None)

    async def _leave(self, group: str, consumer) -> None:
        members = self.watchers[group]
        members.discard(consumer)
        if not members:
            del self.watchers[group]
            await self.layer.group_discard(group, self.channel)

    async def _rejoin(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            for group in list(self.watchers):
                try:
                    await self.layer.group_add(group, self.channel)
                except Exception:
                    log.exception("could not re-join %s", group)

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

    async def deliver(self, message: dict) -> None:
        members = list(self.watchers.get(message.get("group", ""), ()))
        if not members:
            return
        read: dict[type, object] = {}
        texts: dict[tuple, str] = {}
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
