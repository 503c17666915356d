"""Operations on accounts the UI offers, over the API: staff invite a professional by email
(the email leaves only after commit; a refusal sends nothing), anyone chooses their
language (the session that asked speaks it at once; a token leaves no session behind), and
says who they are; a professional makes, remakes and stops their own calendar feed."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Invitation, Preferences
from portal.models import CalendarFeed
from tests.factories import ProfessionalFactory

from .conftest import problem_of, session_api, token_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    professional = ProfessionalFactory(name="Nuno Novo", email="nuno@example.test")
    professional.user.set_unusable_password()
    professional.user.save(update_fields=["password"])
    return professional


# ---------------------------------------------------------------- invitations


def test_staff_invite_a_professional_and_the_email_leaves_after_commit(
    as_staff, staff, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_staff.post(f"/professionals/{newcomer.pk}/invitations")

    assert response.status_code == 201, response.content
    assert response.json()["email"] == "nuno@example.test"
    assert response.json()["sent_by"] == staff.username
    assert [message.to for message in mail.outbox] == [["nuno@example.test"]]
    assert "/accounts/invitation/" in mail.outbox[0].body
    listed = as_staff.get(f"/professionals/{newcomer.pk}/invitations").json()
    assert listed["account_state"] == "invited"
    assert [row["id"] for row in listed["invitations"]] == [response.json()["id"]]


def test_inviting_someone_who_has_a_password_or_is_inactive_is_a_409_and_sends_nothing(
    as_staff, pro_a, newcomer, django_capture_on_commit_callbacks
):
    newcomer.active = False
    newcomer.save(update_fields=["active"])

    with django_capture_on_commit_callbacks(execute=True):
        has_password = problem_of(as_staff.post(f"/professionals/{pro_a.pk}/invitations"), 409)
        inactive = problem_of(as_staff.post(f"/professionals/{newcomer.pk}/invitations"), 409)

    assert has_password["code"] == inactive["code"] == "invitation_refused"
    assert "already has a password" in has_password["detail"]
    assert "inactive" in inactive["detail"]
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    assert as_staff.get(f"/professionals/{pro_a.pk}/invitations").json() == {
        "account_state": "active",
        "invitations": [],
    }


# ---------------------------------------------------------------- me and my language


def test_who_am_i_says_each_role(staff, manager, pro_a):
    assert session_api(staff).get("/me").json()["role"] == "reception"
    assert session_api(manager).get("/me").json()["role"] == "manager"
    me = token_api(pro_a.user).get("/me").json()
    assert (me["role"], me["professional_id"], me["name"]) == (
        "professional",
        pro_a.pk,
        "Ana Alves",
    )
    assert me["language"] == ""


def test_a_language_chosen_over_the_api_is_remembered_and_the_asking_session_speaks_it(as_a, pro_a):
    response = as_a.put("/me/preferences", {"language": "es"})

    assert response.status_code == 200, response.content
    assert response.json() == {"language": "es"}
    assert Preferences.objects.get(user=pro_a.user).language == "es"
    page = as_a.client.get("/portal/")
    assert page.status_code == 200
    assert page["Content-Language"] == "es"
    assert as_a.get("/me/preferences").json() == {"language": "es"}


def test_a_token_chooses_the_language_without_making_a_session(pro_a):
    api = token_api(pro_a.user)

    response = api.put("/me/preferences", {"language": "pt-br"})

    assert response.status_code == 200, response.content
    assert Preferences.objects.get(user=pro_a.user).language == "pt-br"
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("language", ["xx", "PT-BR", None, 1])
def test_a_language_we_do_not_speak_is_a_422_and_changes_nothing(as_a, pro_a, language):
    as_a.put("/me/preferences", {"language": "es"})

    problem_of(as_a.put("/me/preferences", {"language": language}), 422)

    assert Preferences.objects.get(user=pro_a.user).language == "es"


def test_an_empty_language_follows_the_browser_again(as_a, pro_a):
    as_a.put("/me/preferences", {"language": "es"})

    assert as_a.put("/me/preferences", {"language": ""}).json() == {"language": ""}
    assert Preferences.objects.get(user=pro_a.user).language == ""


# ---------------------------------------------------------------- my calendar feed


def _path(url: str) -> str:
    return urlsplit(url).path


def test_a_professional_makes_a_feed_address_that_serves_their_ical_and_a_new_one_voids_it(
    as_a, pro_a, book, room, at
):
    book(room, pro_a, at("09:00"), at("10:00"))
    assert as_a.get("/me/calendar-feed").json()["active"] is False

    first = as_a.post("/me/calendar-feed")
    assert first.status_code == 201, first.content
    url = first.json()["url"]
    calendar_app = Client()
    feed = calendar_app.get(_path(url))
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in feed.content
    assert first.json()["webcal_url"] == "webcal://" + url.split("://", 1)[1]

    second = as_a.post("/me/calendar-feed").json()

    assert second["url"] != url
    assert calendar_app.get(_path(url)).status_code == 404
    assert calendar_app.get(_path(second["url"])).status_code == 200
    assert as_a.get("/me/calendar-feed").json()["url"] == second["url"]
    assert CalendarFeed.objects.filter(professional=pro_a, revoked_at__isnull=True).count() == 1


def test_stopping_the_feed_makes_its_address_answer_404(as_a):
    url = as_a.post("/me/calendar-feed").json()["url"]

    response = as_a.delete("/me/calendar-feed")

    assert response.status_code == 204
    assert as_a.get("/me/calendar-feed").json() == {
        "active": False,
        "url": None,
        "webcal_url": None,
        "created_at": None,
        "last_fetched_at": None,
    }
    assert Client().get(_path(url)).status_code == 404


def test_another_professional_never_sees_or_stops_my_feed(as_a, as_b, pro_a):
    url = as_a.post("/me/calendar-feed").json()["url"]

    assert as_b.get("/me/calendar-feed").json()["active"] is False
    as_b.delete("/me/calendar-feed")

    assert as_a.get("/me/calendar-feed").json()["url"] == url
    assert Client().get(_path(url)).status_code == 200
