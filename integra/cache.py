"""The shared cache (Redis) for what may be forgotten: allauth's login and reset rate
limits. When Redis is unreachable (a restart, a crash) every call behaves as an empty cache
that keeps nothing, instead of raising: pages keep working (the login page included),
limits are not counted until Redis is back, and each outage is logged once a minute."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def _unreachable(self, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning > 60:
            ResilientRedisCache._last_warning = now
            log.warning("cache unreachable, working without it: %s", error)

    def _try(self, call, fallback):
        try:
            return call()
        except UNREACHABLE as error:
            self._unreachable(error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._try(
            lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys, version=None):
        return self._try(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._try(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def add(self, key, value, timeout=None, version=None):
        # "Added" while Redis is away: a lock taken with add() must not wait forever.
        return self._try(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), True
        )

    def set(self, key, value, timeout=None, version=None):
        self._try(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=None, version=None):
        return self._try(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), []
        )

    def touch(self, key, timeout=None, version=None):
        return self._try(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._try(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._try(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def incr(self, key, delta=1, version=None):
        return self._try(lambda: super(ResilientRedisCache, self).incr(key, delta, version), delta)

    def clear(self):
        return self._try(lambda: super(ResilientRedisCache, self).clear(), None)
