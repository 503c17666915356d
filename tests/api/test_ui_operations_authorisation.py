"""Who may call the operations that mirror the UI's policies, cancellation terms, booking
again, invitations, preferences and calendar feed: anonymous, reception, a manager,
professional A and professional B, each with the session (and its CSRF token) and with a
personal API token. The same doors as the pages: the Policies page is staff's and its form
a manager's; "Book again" and the cancel terms are the booking's own professional's (and
staff's); "Book same slot next week" and "Invite by email" are staff's; the calendar feed
is each professional's own; preferences are everyone's own.

A refused call changes nothing."""

import pytest
from django.contrib.admin.models import LogEntry

from accounts.models import Invitation, Preferences
from portal.models import CalendarFeed
from scheduling.models import Location
from tests.conftest import snapshot
from tests.factories import ProfessionalFactory

from .conftest import PREFIX, session_api, token_api

pytestmark = pytest.mark.django_db

ANON, STAFF, MANAGER, A, B = "anonymous", "reception", "manager", "A", "B"

# (method, path, body) → expected status for anonymous, reception, a manager, A, B.
MATRIX = [
    ("GET", "/policies", None, (401, 200, 200, 403, 403)),
    ("GET", "/locations/{location}/policy", None, (401, 200, 200, 403, 403)),
    (
        "PATCH",
        "/locations/{location}/policy",
        {"booking_horizon_days": 30},
        (401, 403, 200, 403, 403),
    ),
    ("GET", "/bookings/{a_booking}/cancellation-terms", None, (401, 200, 200, 200, 404)),
    ("POST", "/bookings/{a_past}/rebook", None, (401, 201, 201, 201, 404)),
    ("POST", "/bookings/{a_booking}/repeat", None, (401, 201, 201, 403, 404)),
    ("GET", "/professionals/{pro_a}/invitations", None, (401, 200, 200, 403, 403)),
    ("POST", "/professionals/{newcomer}/invitations", None, (401, 201, 201, 403, 403)),
    ("GET", "/me", None, (401, 200, 200, 200, 200)),
    ("GET", "/me/preferences", None, (401, 200, 200, 200, 200)),
    ("PUT", "/me/preferences", {"language": "es"}, (401, 200, 200, 200, 200)),
    ("GET", "/me/calendar-feed", None, (401, 403, 403, 200, 200)),
    ("POST", "/me/calendar-feed", None, (401, 403, 403, 201, 201)),
    ("DELETE", "/me/calendar-feed", None, (401, 403, 403, 204, 204)),
]

ACTORS = [(ANON, "session"), (STAFF, "session"), (STAFF, "token")]
ACTORS += [(MANAGER, "session"), (MANAGER, "token")]
ACTORS += [(A, "session"), (A, "token"), (B, "session"), (B, "token")]


@pytest.fixture
def world(staff, manager, pro_a, pro_b, room, location, at, past_day, book):
    a_booking = book(room, pro_a, at("09:00"), at("10:00"))
    a_past = book(room, pro_a, at("15:00", on=past_day), at("16:00", on=past_day), allow_past=True)
    newcomer = ProfessionalFactory(name="Nuno Novo", email="nuno@example.test")
    newcomer.user.set_unusable_password()
    newcomer.user.save(update_fields=["password"])
    CalendarFeed.issue(pro_a, by=pro_a.user)
    return {
        "users": {ANON: None, STAFF: staff, MANAGER: manager, A: pro_a.user, B: pro_b.user},
        "location": location.pk,
        "pro_a": pro_a.pk,
        "newcomer": newcomer.pk,
        "a_booking": a_booking.pk,
        "a_past": a_past.pk,
    }


def everything():
    """What any operation here can write."""
    return (
        snapshot(),
        list(Location.objects.values_list("pk", "booking_horizon_days", "approval_mode")),
        list(Invitation.objects.values_list("pk", "user_id")),
        list(Preferences.objects.values_list("user_id", "language")),
        list(CalendarFeed.objects.values_list("pk", "revoked_at")),
        LogEntry.objects.count(),
    )


@pytest.mark.parametrize(("actor", "mode"), ACTORS, ids=[f"{a}-{m}" for a, m in ACTORS])
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    MATRIX,
    ids=[f"{method} {path}" for method, path, _, _ in MATRIX],
)
def test_each_actor_gets_the_expected_status_from_each_ui_operation(
    world, actor, mode, method, path, body, expected
):
    user = world["users"][actor]
    api = token_api(user) if mode == "token" else session_api(user)
    before = everything()

    response = api.call(method, path.format(**world), body)

    want = expected[[ANON, STAFF, MANAGER, A, B].index(actor)]
    assert response.status_code == want, response.content[:500]
    if want >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert everything() == before, "a refused request changes nothing"
    else:
        assert response["Content-Type"].startswith("application/json") or want == 204


@pytest.mark.parametrize(
    ("actor", "path"),
    [
        (MANAGER, "/bookings/{a_past}/rebook"),
        (MANAGER, "/bookings/{a_booking}/repeat"),
        (MANAGER, "/professionals/{newcomer}/invitations"),
        (A, "/me/calendar-feed"),
    ],
)
def test_a_bodiless_post_sent_as_multipart_without_a_boundary_is_a_415_not_a_500(
    world, actor, path
):
    api = session_api(world["users"][actor])
    before = everything()

    response = api.client.post(
        PREFIX + path.format(**world),
        b"--x\r\nrest",
        content_type="multipart/form-data",
        headers=api.headers,
    )

    assert response.status_code == 415, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    assert everything() == before
