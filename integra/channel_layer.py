"""The Redis channel layer, made to wait out a Redis outage instead of killing sockets.

channels-redis raises from `receive` when Redis goes away. Every consumer receives on its
own channel inside Channels' dispatch loop, so that error ends the consumer: each open
calendar and portal page loses its socket, retries into a layer that is still down, and a
process that lost its sockets this way also lost track of which groups it had joined.

Here `receive` waits instead: the first receiver to meet the error marks the layer as
unreachable and every receiver of the process then waits on one probe (a PING every half
second) before it blocks on Redis again. Sockets stay open through the outage. Group
memberships are a separate matter: Redis keeps them, and a restarted Redis (no persistence)
has forgotten them, so the process's hub (scheduling/fanout.py) notices that with its
heartbeat, re-joins and tells its pages to resynchronise.

Sends (`send`, `group_send`, `group_add`) still raise while Redis is down: their callers
decide (a booking is committed whatever happens to its live update, events.py)."""

from __future__ import annotations

import asyncio
import logging

from channels_redis.core import RedisChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

# What a lost or restarting Redis looks like from here (BusyLoadingError is a
# ConnectionError: Redis is up but still loading).
LOST = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)

PROBE_SECONDS = 0.5


class ResilientRedisChannelLayer(RedisChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._probes: dict[asyncio.AbstractEventLoop, asyncio.Future] = {}

    async def receive(self, channel):
        while True:
            try:
                return await super().receive(channel)
            except LOST as error:
                await self._until_reachable(error)

    async def _until_reachable(self, error: BaseException) -> None:
        """Wait, with every other receiver of this event loop, for one probe to reach each
        Redis host again."""
        loop = asyncio.get_running_loop()
        probe = self._probes.get(loop)
        if probe is None or probe.done():
            log.warning("channel layer unreachable (%s); waiting for it", error)
            probe = self._probes[loop] = asyncio.ensure_future(self._probe())
        # Shielded: one receiver cancelled (its socket closed) does not stop the others' probe.
        await asyncio.shield(probe)

    async def _probe(self) -> None:
        while True:
            try:
                for index in range(self.ring_size):
                    await self.connection(index).ping()
            except LOST:
                await asyncio.sleep(PROBE_SECONDS)
                continue
            log.warning("channel layer reachable again")
            return
