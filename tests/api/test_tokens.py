"""Personal API tokens, and the two ways in: a token (header only, no cookies) or the
session cookie, which cannot write without its CSRF token."""

import pytest
from django.test import Client

from accounts.models import ApiToken
from scheduling.models import Location
from tests.conftest import snapshot

from .conftest import Api, problem_of, session_api

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> Api:
    return Api(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {raw}"})


def test_a_new_token_is_shown_once_and_works_without_any_cookie(as_a, pro_a):
    created = as_a.post("/tokens", {"name": "phone"})

    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("itg_") and created.json()["prefix"] == raw[:10]
    listed = as_a.get("/tokens").json()
    assert [t["name"] for t in listed] == ["phone"] and "token" not in listed[0]
    assert raw not in as_a.get("/tokens").content.decode()
    assert not ApiToken.objects.filter(digest=raw).exists(), "only a hash is stored"

    client = bearer(raw)
    response = client.get("/bookings")
    assert response.status_code == 200
    assert not client.client.cookies, "no session, no CSRF cookie"
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_writes_without_csrf(pro_a, room, at):
    _, raw = ApiToken.issue(pro_a.user, "script")
    body = {"room_id": room.pk, "starts_at": at("09:00"), "ends_at": at("10:00")}

    assert bearer(raw).post("/bookings", body).status_code == 201


def test_a_revoked_token_is_refused_with_401(as_a, pro_a):
    raw = as_a.post("/tokens", {"name": "old"}).json()["token"]
    token_id = ApiToken.objects.get().pk

    assert as_a.delete(f"/tokens/{token_id}").status_code == 204

    body = problem_of(bearer(raw).get("/bookings"), 401)
    assert "revoked" in body["detail"]
    assert as_a.get("/tokens").json()[0]["revoked_at"] is not None


@pytest.mark.parametrize("header", ["Bearer itg_not-a-real-token", "Bearer abc", "Bearer "])
def test_an_unknown_token_is_refused_with_401(header, db):
    api = Api(Client(), {"Authorization": header})
    assert problem_of(api.get("/locations"), 401)


def test_a_token_of_a_deactivated_professional_stops_working(as_staff, pro_a):
    _, raw = ApiToken.issue(pro_a.user, "phone")
    as_staff.post(f"/professionals/{pro_a.pk}/deactivate")

    assert problem_of(bearer(raw).get("/bookings"), 401)


def test_a_token_in_a_cookie_is_not_accepted(pro_a):
    _, raw = ApiToken.issue(pro_a.user, "phone")
    client = Client(enforce_csrf_checks=True)
    for name in ("Authorization", "token", "api_token", "sessionid"):
        client.cookies[name] = raw

    assert problem_of(Api(client).get("/bookings"), 401)


def test_a_session_write_without_the_csrf_token_is_refused_and_changes_nothing(
    staff, room, pro_a, at
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    before = snapshot(), Location.objects.count()
    body = {
        "room_id": room.pk,
        "professional_id": pro_a.pk,
        "starts_at": at("09:00"),
        "ends_at": at("10:00"),
    }

    booking = problem_of(Api(client).post("/bookings", body), 403)
    location = problem_of(Api(client).post("/locations", {"name": "Porto"}), 403)

    assert "CSRF" in booking["detail"] and "CSRF" in location["detail"]
    assert (snapshot(), Location.objects.count()) == before
    assert Api(client).get("/bookings").status_code == 200, "reading needs no CSRF token"


def test_a_session_write_with_the_csrf_token_is_accepted(as_manager):
    assert as_manager.post("/locations", {"name": "Porto"}).status_code == 201


def test_a_professional_lists_and_revokes_only_their_own_tokens(pro_a, pro_b):
    theirs, _ = ApiToken.issue(pro_b.user, "B's laptop")
    ApiToken.issue(pro_a.user, "A's laptop")
    as_a = session_api(pro_a.user)

    assert [t["name"] for t in as_a.get("/tokens", everyone="true").json()] == ["A's laptop"]
    assert problem_of(as_a.delete(f"/tokens/{theirs.pk}"), 404)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_manager_lists_and_revokes_anyones_tokens_reception_does_not(
    as_manager, as_staff, pro_a, pro_b
):
    theirs, raw = ApiToken.issue(pro_b.user, "B's laptop")
    ApiToken.issue(pro_a.user, "A's laptop")

    assert as_manager.get("/tokens").json() == []
    assert as_staff.get("/tokens", everyone="true").json() == []
    assert problem_of(as_staff.delete(f"/tokens/{theirs.pk}"), 404)
    names = {t["name"] for t in as_manager.get("/tokens", everyone="true").json()}
    assert names == {"A's laptop", "B's laptop"}
    assert as_manager.delete(f"/tokens/{theirs.pk}").status_code == 204
    assert problem_of(bearer(raw).get("/bookings"), 401)
