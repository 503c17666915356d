"""Login throttling (django-axes) on both password forms: allauth's /accounts/login/ (email)
and the Django admin's /admin/login/ (username). Ten wrong passwords lock that account from
that address for fifteen minutes, the right one included; another account, or the same
account from elsewhere, is untouched; the cool-off ends it; a successful login clears the
count. The lockout page is ours, translated, and says when to retry."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def only_axes_counts(settings):
    """allauth's own failed-login limit (5 per email in 5 minutes, in the cache) stops its
    form before axes' ten; these tests switch it off to see axes at work on that form too
    (the last test puts it back)."""
    settings.ACCOUNT_RATE_LIMITS = False


def on_login_page(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def on_admin(client, username, password, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def fail_until_locked(post, **extra):
    """LIMIT wrong passwords: the form answers until the last, which locks."""
    for attempt in range(1, LIMIT + 1):
        response = post("wrong password", **extra)
        expected = 429 if attempt == LIMIT else 200
        assert response.status_code == expected, attempt
    return response


@pytest.fixture
def person(db):
    return StaffFactory(username="rita", email="rita@clinic.test")


@pytest.fixture
def forms(person):
    """Each form, as a function of (client, password, **request extras)."""
    return {
        "login page": lambda client, password, **extra: on_login_page(
            client, person.email, password, **extra
        ),
        "admin": lambda client, password, **extra: on_admin(
            client, person.username, password, **extra
        ),
    }


@pytest.mark.parametrize("form", ["login page", "admin"])
def test_wrong_passwords_then_the_right_one_is_refused_with_the_lockout_page(forms, form):
    client = Client()
    post = forms[form]
    locked = fail_until_locked(lambda password, **extra: post(client, password, **extra))
    assert "accounts/lockout.html" in [t.name for t in locked.templates]

    response = post(client, PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)
    text = response.content.decode()
    assert "Too many failed log-ins" in text
    assert "Try again in 15 minutes." in text
    assert 'class="topbar"' in text  # our base template, not axes' plain text


@pytest.mark.parametrize("form", ["login page", "admin"])
def test_another_account_and_another_address_are_unaffected(forms, form, db):
    post = forms[form]
    attacker = Client()
    fail_until_locked(lambda password, **extra: post(attacker, password, **extra))

    # The same person from another address logs in.
    elsewhere = Client()
    assert post(elsewhere, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302
    assert signed_in(elsewhere)
    # Another person from the attacker's address logs in.
    colleague = StaffFactory(username="marta", email="marta@clinic.test")
    office = Client()
    if form == "admin":
        response = on_admin(office, colleague.username, PASSWORD)
    else:
        response = on_login_page(office, colleague.email, PASSWORD)
    assert response.status_code == 302
    assert signed_in(office)
    # And the attacker's pair stays locked.
    assert post(attacker, PASSWORD).status_code == 429


@pytest.mark.parametrize("form", ["login page", "admin"])
def test_after_the_cool_off_the_right_password_works(forms, form):
    client = Client()
    post = forms[form]
    fail_until_locked(lambda password, **extra: post(client, password, **extra))
    assert post(client, PASSWORD).status_code == 429

    # Fifteen minutes pass (the attempt is moved back instead of waiting).
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1)
    )

    assert post(client, PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_minute_before_the_cool_off_ends_the_page_says_one_minute(forms):
    client = Client()
    fail_until_locked(lambda password, **extra: forms["admin"](client, password, **extra))
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14, seconds=10)
    )
    response = forms["admin"](client, PASSWORD)
    assert response.status_code == 429
    assert "Try again in 1 minute." in response.content.decode()


@pytest.mark.parametrize("form", ["login page", "admin"])
def test_a_successful_login_clears_the_failures(forms, form):
    client = Client()
    post = forms[form]
    for _ in range(LIMIT - 1):
        assert post(client, "wrong password").status_code == 200
    assert post(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()

    for _ in range(LIMIT - 1):
        assert post(client, "wrong password").status_code == 200
    assert post(client, PASSWORD).status_code == 302
    assert signed_in(client)


def test_both_forms_count_for_one_person_whatever_the_case_of_the_email(person):
    client = Client()
    for _ in range(LIMIT // 2):
        assert on_admin(client, person.username, "wrong password").status_code == 200
    for _ in range(LIMIT // 2 - 1):
        assert on_login_page(client, "RITA@Clinic.test", "wrong").status_code == 200
    assert on_login_page(client, "rita@clinic.test", "wrong").status_code == 429

    assert on_admin(client, person.username, PASSWORD).status_code == 429
    assert on_login_page(client, person.email, PASSWORD).status_code == 429
    assert not signed_in(client)


def test_the_lockout_page_speaks_the_readers_language(forms):
    client = Client()
    fail_until_locked(lambda password, **extra: forms["login page"](client, password, **extra))
    response = forms["login page"](client, PASSWORD, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.status_code == 429
    assert 'lang="pt-br"' in response.content.decode()
    assert "Tente novamente em 15 minutos." in response.content.decode()


def test_a_forwarded_for_header_is_ignored_unless_a_proxy_is_named(forms, settings):
    attacker = Client()
    fail_until_locked(
        lambda password, **extra: forms["admin"](
            attacker, password, HTTP_X_FORWARDED_FOR="203.0.113.7", **extra
        )
    )
    # Writing another address in the header changes nothing: the proxy is not named.
    spoofed = forms["admin"](attacker, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert spoofed.status_code == 429


def test_behind_a_named_proxy_the_client_is_the_address_the_proxy_appended(forms, settings):
    settings.PROXY_CLIENT_IP_HEADER = "X-Forwarded-For"
    # Every request comes from the proxy (127.0.0.1); the proxy appends who it saw.
    attacker = Client()
    fail_until_locked(
        lambda password, **extra: forms["admin"](
            attacker, password, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", **extra
        )
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # A forged first entry does not free the attacker...
    forged = forms["admin"](attacker, PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")
    assert forged.status_code == 429
    # ...and the person, from their own address behind the same proxy, logs in.
    person = Client()
    response = forms["admin"](person, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 302


def test_allauth_keeps_its_own_limit_on_the_login_page(person, settings):
    del settings.ACCOUNT_RATE_LIMITS  # allauth's defaults
    client = Client()
    for _ in range(LIMIT):
        on_login_page(client, person.email, "wrong password")
    response = on_login_page(client, person.email, PASSWORD)
    assert response.status_code in (200, 429)
    assert not signed_in(client)
    assert "Too many failed login attempts" in response.content.decode()
