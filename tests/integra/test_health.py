"""/health/ reports each thing the site depends on, to anyone, without secrets: 200 when all
pass, 503 naming what failed. Redis down (a port nothing listens on) is named as such even
though the cache hides it from pages, and the rest of the site keeps answering."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

CLOSED = "redis://127.0.0.1:1/0"
REDIS_DOWN = {
    "REDIS_URL": CLOSED,
    "CACHES": {
        "default": {
            "BACKEND": "integra.cache.ResilientRedisCache",
            "LOCATION": CLOSED,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    },
    "CHANNEL_LAYERS": {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": CLOSED, "socket_connect_timeout": 0.2}]},
        }
    },
}
NO_REDIS = {
    "REDIS_URL": "",
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "CHANNEL_LAYERS": {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
}


def health(path="/health/", **query):
    return Client().get(path, query)


def test_all_up_answers_200_in_text_and_in_json_without_signing_in():
    expected = ["database", "migrations", "cache", "channel_layer"]
    if settings.REDIS_URL:
        expected.insert(3, "redis")

    answer = health(format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"status": "ok", "checks": dict.fromkeys(expected, "ok")}
    assert "no-cache" in answer["Cache-Control"]

    text = health()
    assert text.status_code == 200
    assert text["Content-Type"].startswith("text/plain")
    assert text.content.decode().splitlines() == [f"{name}: ok" for name in expected]

    asked = Client().get("/health/", headers={"accept": "application/json"})
    assert asked.json()["status"] == "ok"


@override_settings(**NO_REDIS)
def test_without_redis_there_is_no_redis_check_and_the_in_memory_layer_is_checked():
    answer = health(format="json")
    assert answer.status_code == 200
    assert list(answer.json()["checks"]) == ["database", "migrations", "cache", "channel_layer"]


@override_settings(**REDIS_DOWN)
def test_redis_down_is_a_503_naming_it_and_the_rest_of_the_site_still_answers(pro_a):
    answer = health(format="json")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "unavailable",
        "checks": {
            "database": "ok",
            "migrations": "ok",
            # The cache answers as an empty one (pages keep working); its check sees that.
            "cache": "unavailable",
            "redis": "unavailable",
            "channel_layer": "unavailable",
        },
    }
    text = health().content.decode()
    assert "redis: unavailable" in text.splitlines()
    for secret in ("127.0.0.1", "redis://", "Error", "Connect"):
        assert secret not in text
        assert secret not in answer.content.decode()

    # The probe for the proxy stays green: every page works without Redis.
    assert health("/health/live/", format="json").json() == {
        "status": "ok",
        "checks": {"database": "ok"},
    }
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(pro_a.user)
    assert client.get("/portal/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_migration_not_applied_makes_the_migrations_check_fail():
    # The check reads on a connection of its own: the change must be committed.
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="scheduling").latest("id")
    latest.delete()
    try:
        answer = health(format="json")
    finally:
        recorder.record_applied(latest.app, latest.name)
    assert answer.status_code == 503
    assert answer.json()["checks"]["migrations"] == "unavailable"
    assert answer.json()["checks"]["database"] == "ok"
    assert health(format="json").status_code == 200
