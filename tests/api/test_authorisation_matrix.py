"""Who may call what: anonymous, reception, a manager, professional A and professional B
× every endpoint, signed in with the session (and its CSRF token) or with a personal API
token.

The target of each call belongs to A (A's bookings, A's profile, A's token), so B shows
what a professional may do to someone else's things: nothing, and without learning that
they exist (404, not 403)."""

import pytest

from accounts.models import ApiToken
from professionals.models import Professional
from scheduling import services
from scheduling.models import Location, Room, Source
from tests.conftest import snapshot

from .conftest import session_api, token_api

pytestmark = pytest.mark.django_db

ANON, STAFF, MANAGER, A, B = "anonymous", "reception", "manager", "A", "B"


def _in_future(ctx, clock):
    return ctx["at"](clock).isoformat()


# (method, path, body) → expected status for anonymous, reception, a manager, A, B.
# Places and prices are a manager's; so are other people's tokens.
MATRIX = [
    ("GET", "/locations", None, (401, 200, 200, 200, 200)),
    ("POST", "/locations", lambda c: {"name": "Porto"}, (401, 403, 201, 403, 403)),
    ("GET", "/locations/{location}", None, (401, 200, 200, 200, 200)),
    (
        "PATCH",
        "/locations/{location}",
        lambda c: {"address": "Rua Nova"},
        (401, 403, 200, 403, 403),
    ),
    ("GET", "/rooms", None, (401, 200, 200, 200, 200)),
    (
        "POST",
        "/rooms",
        lambda c: {"location_id": c["location"], "name": "Sala 9", "hourly_price": "30"},
        (401, 403, 201, 403, 403),
    ),
    ("GET", "/rooms/{room}", None, (401, 200, 200, 200, 200)),
    ("PATCH", "/rooms/{room}", lambda c: {"hourly_price": "45"}, (401, 403, 200, 403, 403)),
    ("GET", "/professionals", None, (401, 200, 200, 200, 200)),
    (
        "POST",
        "/professionals",
        lambda c: {"name": "Carla Costa", "email": "carla@example.test"},
        (401, 201, 201, 403, 403),
    ),
    ("GET", "/professionals/{pro_a}", None, (401, 200, 200, 200, 404)),
    ("PATCH", "/professionals/{pro_a}", lambda c: {"phone": "+351 1"}, (401, 200, 200, 403, 403)),
    ("POST", "/professionals/{pro_a}/deactivate", None, (401, 200, 200, 403, 403)),
    ("POST", "/professionals/{pro_a}/reactivate", None, (401, 200, 200, 403, 403)),
    ("GET", "/bookings", None, (401, 200, 200, 200, 200)),
    (
        "POST",
        "/bookings",
        lambda c: {
            "room_id": c["room"],
            "professional_id": c["pro_a"],
            "starts_at": _in_future(c, "15:00"),
            "ends_at": _in_future(c, "16:00"),
        },
        (401, 201, 201, 201, 403),
    ),
    ("GET", "/bookings/{a_booking}", None, (401, 200, 200, 200, 404)),
    (
        "PATCH",
        "/bookings/{a_booking}",
        lambda c: {"starts_at": _in_future(c, "16:00")},
        (401, 200, 200, 200, 404),
    ),
    (
        "POST",
        "/bookings/{a_booking}/move",
        lambda c: {"starts_at": _in_future(c, "16:00")},
        (401, 200, 200, 200, 404),
    ),
    ("POST", "/bookings/{a_booking}/cancel", lambda c: {"reason": "x"}, (401, 200, 200, 200, 404)),
    ("POST", "/bookings/{a_past}/execute", None, (401, 200, 200, 403, 404)),
    ("POST", "/bookings/{a_past}/no-show", None, (401, 200, 200, 403, 404)),
    ("POST", "/bookings/{a_cancelled}/restore", None, (401, 200, 200, 403, 404)),
    ("PUT", "/bookings/{a_booking}/notes", lambda c: {"notes": "hello"}, (401, 200, 200, 200, 404)),
    ("GET", "/busy?from={from}&to={to}", None, (401, 200, 200, 200, 200)),
    ("GET", "/availability?from={day}&to={day}&minutes=60", None, (401, 200, 200, 200, 200)),
    ("GET", "/tokens", None, (401, 200, 200, 200, 200)),
    ("POST", "/tokens", lambda c: {"name": "laptop"}, (401, 201, 201, 201, 201)),
    ("DELETE", "/tokens/{a_token}", None, (401, 404, 204, 204, 404)),
    ("GET", "/openapi.json", None, (200, 200, 200, 200, 200)),
    ("GET", "/api/docs", None, (200, 200, 200, 200, 200)),
]

ACTORS = [(ANON, "session"), (STAFF, "session"), (STAFF, "token")]
ACTORS += [(MANAGER, "session"), (MANAGER, "token")]
ACTORS += [(A, "session"), (A, "token"), (B, "session"), (B, "token")]


@pytest.fixture
def world(staff, manager, pro_a, pro_b, room, location, at, day, past_day, book):
    a_booking = book(room, pro_a, at("09:00"), at("10:00"))
    book(room, pro_b, at("11:00"), at("12:00"))
    a_past = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    a_cancelled = book(room, pro_a, at("13:00"), at("14:00"))
    services.cancel(a_cancelled, by=staff, source=Source.BACKOFFICE)
    a_token, _ = ApiToken.issue(pro_a.user, "A's phone")
    return {
        "users": {ANON: None, STAFF: staff, MANAGER: manager, A: pro_a.user, B: pro_b.user},
        "at": at,
        "day": day.isoformat(),
        "from": at("07:00").isoformat().replace("+", "%2B"),
        "to": at("22:00").isoformat().replace("+", "%2B"),
        "location": location.pk,
        "room": room.pk,
        "pro_a": pro_a.pk,
        "a_booking": a_booking.pk,
        "a_past": a_past.pk,
        "a_cancelled": a_cancelled.pk,
        "a_token": a_token.pk,
    }


@pytest.mark.parametrize(("actor", "mode"), ACTORS, ids=[f"{a}-{m}" for a, m in ACTORS])
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    MATRIX,
    ids=[f"{method} {path}" for method, path, _, _ in MATRIX],
)
def test_each_actor_gets_the_expected_status_from_each_endpoint(
    world, actor, mode, method, path, body, expected
):
    user = world["users"][actor]
    api = token_api(user) if mode == "token" else session_api(user)
    url = path.format(**world)
    before = everything()

    response = api.call(method, url, body(world) if body else None)

    want = expected[[ANON, STAFF, MANAGER, A, B].index(actor)]
    assert response.status_code == want, response.content[:500]
    if want >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert everything() == before, "a refused request changes nothing"


def everything():
    """What any endpoint here can write (the caller's own new auth token aside)."""
    return (
        snapshot(),
        list(Location.objects.values_list("pk", "name", "address")),
        list(Room.objects.values_list("pk", "name", "hourly_price")),
        list(Professional.objects.values_list("pk", "phone", "active", "user__is_active")),
        list(ApiToken.objects.exclude(name="tests").values_list("pk", "revoked_at")),
    )
