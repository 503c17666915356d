"""Account fixtures: allauth's rate limits count in the cache, so each test starts with an
empty one (a few wrong passwords in one test must not lock out the next)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()
