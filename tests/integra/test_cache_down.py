"""With Redis unreachable (here: a port nothing listens on), the cache behind allauth's
login rate limits works as an empty one: the login page answers, a wrong password is told
so, the right one signs in; nothing is a 500."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DOWN = {
    "default": {
        "BACKEND": "integra.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@override_settings(CACHES=DOWN)
def test_the_login_page_works_while_the_cache_is_down(pro_a):
    assert cache.get("anything", "missing") == "missing"  # really unreachable, not raising
    assert cache.add("lock", True) is True
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    for _attempt in range(3):
        wrong = client.post("/accounts/login/", {"login": pro_a.email, "password": "nope"})
        assert wrong.status_code == 200
    right = client.post("/accounts/login/", {"login": pro_a.email, "password": PASSWORD})
    assert right.status_code == 302, right.content[:500]
    assert client.get("/portal/").status_code == 200
