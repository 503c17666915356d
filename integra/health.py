"""/health/: is this process able to serve the clinic? For a monitor, a load balancer or an
operator: each thing the site depends on, checked on every request (django-health-check
runs them side by side, each under a timeout, and logs the detail of a failure).

The public answer names each check and says "ok" or "unavailable", nothing more: no host,
port, database name or error text, since anyone can read it (the log has the detail, and
`manage.py health_check health --no-http` prints it on the server). 200 when every check
passes, 503 otherwise; plain text, or JSON with ?format=json (or Accept: application/json).

Checks:
- database: SELECT 1 on a connection of its own.
- migrations: every migration the code ships is applied (new code on an old schema is not
  healthy: a deploy migrates before it sends traffic to the new processes).
- cache: a value set in the shared cache reads back. The cache (integra/cache.py) works as
  an empty one while Redis is down, so pages keep working; this check is how that shows.
- redis: a PING straight to REDIS_URL (only when it is set), so an outage is named as such.
- channel_layer: a message sent to a fresh channel on the configured layer comes back
  within two seconds (live updates between processes go through it).
/health/live/ checks the database only: for a proxy or supervisor that should keep sending
traffic while Redis is down, since every page keeps working then (docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import functools
import uuid

from channels.layers import DEFAULT_CHANNEL_LAYER, get_channel_layer
from django import db
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from health_check import Cache, Database, HealthCheck
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceReturnedUnexpectedResult, ServiceUnavailable
from health_check.views import HealthCheckView, MediaType
from redis.asyncio import Redis as RedisClient
from redis.exceptions import RedisError


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration on disk is recorded as applied in the database."""

    alias: str = "default"

    def run(self) -> None:
        connection = connections[self.alias]
        try:
            # temporary_connection closes what it opened: the check runs on a pool thread
            # that no request's end ever closes a connection for.
            with connection.temporary_connection():
                executor = MigrationExecutor(connection)
                plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except db.Error as error:
            raise ServiceUnavailable("cannot read the applied migrations") from error
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migrations not applied")


@dataclasses.dataclass
class ChannelLayerRoundTrip(HealthCheck):
    """A message sent to a fresh channel of this process comes back in time."""

    alias: str = DEFAULT_CHANNEL_LAYER
    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=2), repr=False
    )

    async def run(self) -> None:
        layer = get_channel_layer(self.alias)
        if layer is None:
            raise ServiceUnavailable("no channel layer configured")
        token = uuid.uuid4().hex
        try:
            async with asyncio.timeout(self.timeout.total_seconds()):
                channel = await layer.new_channel()
                await layer.send(channel, {"type": "health.ping", "token": token})
                message = await layer.receive(channel)
        except TimeoutError as error:
            raise ServiceUnavailable("no message back in time") from error
        except (RedisError, OSError) as error:
            raise ServiceUnavailable("cannot reach the channel layer") from error
        if message.get("token") != token:
            raise ServiceReturnedUnexpectedResult("another message came back")


def redis_client(url: str) -> RedisClient:
    # Short timeouts: a health check that hangs is read as down by whoever asked anyway.
    return RedisClient.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def named_checks(*, live_only: bool = False) -> list[tuple[str, HealthCheck]]:
    """The checks for the current settings, each with the name the public answer uses.
    Read per request, so the settings a test overrides are the ones checked."""
    checks: list[tuple[str, HealthCheck]] = [("database", Database())]
    if live_only:
        return checks
    checks += [("migrations", Migrations()), ("cache", Cache())]
    if settings.REDIS_URL:
        checks.append(
            ("redis", Redis(client_factory=functools.partial(redis_client, settings.REDIS_URL)))
        )
    checks.append(("channel_layer", ChannelLayerRoundTrip()))
    # The job runner (huey, a later issue) gets its check here: a heartbeat row its
    # periodic task writes, and "unavailable" when that row is older than two periods.
    return checks


class HealthView(HealthCheckView):
    live_only = False

    def get_checks(self):
        # What `manage.py health_check health --no-http` runs.
        for _name, check in named_checks(live_only=self.live_only):
            yield check

    async def get(self, request, *args, **kwargs):
        checks = named_checks(live_only=self.live_only)
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for _, check in checks))
        states = {
            name: "unavailable" if result.error else "ok"
            for (name, _), result in zip(checks, results, strict=True)
        }
        status = 503 if "unavailable" in states.values() else 200
        if self.wants_json(request):
            return JsonResponse(
                {"status": "ok" if status == 200 else "unavailable", "checks": states},
                status=status,
            )
        lines = [f"{name}: {state}" for name, state in states.items()]
        return HttpResponse(
            "\n".join(lines) + "\n", status=status, content_type="text/plain; charset=utf-8"
        )

    @staticmethod
    def wants_json(request) -> bool:
        if "format" in request.GET:
            return request.GET["format"] == "json"
        try:
            media = next(MediaType.parse_header(request.headers.get("accept") or "*/*"), None)
        except ValueError:
            return False
        return media is not None and media.mime_type in {"application/json", "application/*"}


status = HealthView.as_view()
live = HealthView.as_view(live_only=True)
