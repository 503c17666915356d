"""Choosing a language: the browser's at first, then the user's own choice, remembered in
their preferences (and the session), recorded; the API follows Accept-Language alone."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import languages
from accounts.models import Preferences

pytestmark = pytest.mark.django_db

CHOOSE = reverse("accounts:choose-language")


def page_language(client, url="/calendar/", **headers) -> str:
    html = client.get(url, **headers).content.decode()
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.fixture
def desk_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def test_the_browser_language_until_the_user_chooses_one(desk_client, staff, location):
    assert page_language(desk_client, HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9") == "pt-br"
    assert page_language(desk_client, HTTP_ACCEPT_LANGUAGE="es-PE,es;q=0.9") == "es"
    assert page_language(desk_client, HTTP_ACCEPT_LANGUAGE="pt-PT") == "pt-pt"
    response = desk_client.post(
        CHOOSE, {"language": "es", "next": "/calendar/"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302 and response["Location"] == "/calendar/"
    assert Preferences.objects.get(user=staff).language == "es"
    assert page_language(desk_client, HTTP_ACCEPT_LANGUAGE="pt-BR") == "es"
    entry = LogEntry.objects.get(object_id=str(staff.preferences.pk))
    assert entry.user_id == staff.pk and "203.0.113.9" in entry.change_message


def test_the_choice_follows_the_user_to_a_new_session(staff, location):
    languages.choose(staff, "pt-pt", by=staff, source="backoffice")
    fresh = Client()
    fresh.force_login(staff)
    assert page_language(fresh, HTTP_ACCEPT_LANGUAGE="es") == "pt-pt"


def test_following_the_browser_again(desk_client, staff, location):
    desk_client.post(CHOOSE, {"language": "es", "next": "/calendar/"})
    desk_client.post(CHOOSE, {"language": "", "next": "/calendar/"})
    assert Preferences.objects.get(user=staff).language == ""
    assert page_language(desk_client, HTTP_ACCEPT_LANGUAGE="pt-BR") == "pt-br"


def test_an_unknown_language_or_a_foreign_next_changes_nothing(desk_client, staff, location):
    response = desk_client.post(CHOOSE, {"language": "xx", "next": "/calendar/"})
    assert response.status_code == 302
    assert not Preferences.objects.exists()
    response = desk_client.post(CHOOSE, {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert desk_client.get(CHOOSE).status_code == 405


def test_signed_out_the_switch_sets_the_cookie_the_sign_in_page_follows(client):
    client.post(CHOOSE, {"language": "pt-br", "next": "/accounts/login/"})
    assert page_language(client, "/accounts/login/", HTTP_ACCEPT_LANGUAGE="en") == "pt-br"


def test_the_choice_costs_no_query_once_the_session_knows_it(desk_client, staff, location):
    languages.choose(staff, "es", by=staff, source="backoffice")
    desk_client.get("/calendar/")
    with CaptureQueriesContext(connection) as captured:
        desk_client.get("/calendar/")
    assert not [q for q in captured if "accounts_preferences" in q["sql"]]


def test_the_api_follows_accept_language_not_the_session_choice(desk_client, staff):
    languages.choose(staff, "es", by=staff, source="backoffice")
    response = desk_client.get("/api/v1/bookings/999999", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.status_code == 404
    assert response["Content-Language"] == "pt-br"


def test_a_message_leaving_the_system_is_in_its_recipients_language(staff, location):
    location.language = "es"
    assert languages.for_recipient(staff, location) == "es"
    languages.choose(staff, "pt-pt", by=staff, source="backoffice")
    assert languages.for_recipient(staff, location) == "pt-pt"
    assert languages.for_recipient(None) == "en"


def test_the_switch_names_each_language_as_its_readers_write_it(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', html)
    assert options == [
        ("en", "English"),
        ("pt-br", "Português (Brasil)"),
        ("pt-pt", "Português (Portugal)"),
        ("es", "Español"),
    ]
