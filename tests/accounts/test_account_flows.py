"""Account flows through the pages a person uses: staff invite a professional, the email's
link sets a password once, the professional logs in with their email and lands on the
portal, logs out; password reset; wrong passwords; no public sign-up."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import Invitation
from professionals.models import Professional
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-tram-harbour-42"


def link_in(message) -> str:
    found = re.search(r"https?://[^\s]+", message.body)
    assert found, message.body
    return found.group(0).removeprefix("http://testserver")


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def newcomer(client, staff):
    """A professional created on the backoffice page: an account without a password."""
    client.force_login(staff)
    client.post(
        reverse("professionals:create"),
        {"name": "Carla Costa", "profession": "Nutritionist", "email": "Carla@Example.test"},
    )
    client.logout()
    return Professional.objects.get(email="carla@example.test")


def invite(client, staff, professional):
    client.force_login(staff)
    response = client.post(reverse("professionals:invite", args=[professional.pk]))
    client.logout()
    return response


def test_an_invited_professional_sets_a_password_logs_in_by_email_and_logs_out(
    client, staff, newcomer, django_capture_on_commit_callbacks
):
    assert not newcomer.user.has_usable_password()
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, staff, newcomer)
    assert response.status_code == 302

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["carla@example.test"]
    assert "Carla Costa" in message.body
    link = link_in(message)
    invitation = Invitation.objects.get()
    assert (invitation.user, invitation.sent_by, invitation.accepted_at) == (
        newcomer.user,
        staff,
        None,
    )

    page = client.get(link)
    assert page.status_code == 200
    assert "carla@example.test" in page.content.decode()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == roles.home_url(newcomer.user)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session

    response = log_in(client, "carla@example.test", NEW_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(newcomer.user.pk)
    assert client.get(response["Location"])["Location"] == roles.home_url(newcomer.user)

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("calendar:calendar")).status_code == 302


def test_the_detail_page_shows_whether_the_invitation_was_sent_and_accepted(
    client, staff, newcomer, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    detail = reverse("professionals:detail", args=[newcomer.pk])
    assert 'data-state="none"' in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("professionals:invite", args=[newcomer.pk]))
    assert 'data-state="invited"' in client.get(detail).content.decode()

    guest = Client()
    guest.post(
        link_in(mail.outbox[0]), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert 'data-state="accepted"' in client.get(detail).content.decode()


def test_an_invitation_link_works_once(client, staff, newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, newcomer)
    link = link_in(mail.outbox[0])
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.post(reverse("account_logout"))
    password_after_first_use = get_user_model().objects.get(pk=newcomer.user_id).password

    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    other = "other-pass-987!"
    reuse = client.post(link, {"new_password1": other, "new_password2": other})
    assert reuse.status_code == 410
    assert get_user_model().objects.get(pk=newcomer.user_id).password == password_after_first_use
    assert "_auth_user_id" not in client.session


def test_sending_the_invitation_again_voids_the_earlier_link(
    client, staff, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, newcomer)
        invite(client, staff, newcomer)
    first, second = (link_in(m) for m in mail.outbox)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_a_tampered_link_is_refused(client, staff, newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, newcomer)
    link = link_in(mail.outbox[0])
    assert client.get(link.rstrip("/")[:-3] + "abc/").status_code == 410
    assert client.get("/accounts/invitation/zzzzzzzz/nonsense/").status_code == 410


def test_a_password_reset_link_does_not_open_an_invitation(
    client, staff, newcomer, pro_a, django_capture_on_commit_callbacks
):
    """The two token kinds are salted apart: a reset token for one account is no invite."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import int_to_base36

    token = default_token_generator.make_token(newcomer.user)
    url = reverse("accounts:invitation-accept", args=[int_to_base36(newcomer.user.pk), token])
    assert client.get(url).status_code == 410


def test_a_professional_with_a_password_or_inactive_is_not_invited(
    client, staff, pro_a, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, staff, pro_a)  # pro_a already has a password
    assert response.status_code == 302
    Professional.objects.filter(pk=newcomer.pk).update(active=False)
    newcomer.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, newcomer)
    assert mail.outbox == []
    assert Invitation.objects.count() == 0
    client.force_login(staff)
    page = client.get(reverse("professionals:detail", args=[pro_a.pk])).content.decode()
    assert 'data-state="active"' in page


def test_only_staff_may_send_invitations(client, pro_a, newcomer):
    client.force_login(pro_a.user)
    response = client.post(reverse("professionals:invite", args=[newcomer.pk]))
    assert response.status_code == 403
    assert Invitation.objects.count() == 0 and mail.outbox == []


def test_a_wrong_password_is_refused_with_a_clear_message(client, pro_a):
    response = log_in(client, pro_a.email, "not the password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )


def test_an_unknown_email_is_refused_like_a_wrong_password(client, pro_a):
    response = log_in(client, "nobody@example.test", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_staff_land_on_the_calendar_and_professionals_on_the_portal(client, staff, pro_a):
    response = log_in(client, "RITA@clinic.test", PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("calendar:calendar")
    client.post(reverse("account_logout"))
    response = log_in(client, pro_a.email, PASSWORD)
    landing = client.get(response["Location"])["Location"]
    assert landing == roles.home_url(pro_a.user)
    assert landing != reverse("calendar:calendar")
    assert client.get(landing).status_code == 200


def test_staff_still_log_in_to_the_admin_with_their_username(client, staff):
    response = client.post(
        reverse("admin:login"),
        {"username": "rita", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_deactivated_professional_cannot_log_in(client, pro_a):
    get_user_model().objects.filter(pk=pro_a.user_id).update(is_active=False)
    log_in(client, pro_a.email, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_a_password_reset_sends_a_link_that_sets_a_new_password_once(client, pro_a):
    response = client.post(reverse("account_reset_password"), {"email": pro_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [pro_a.email]
    link = link_in(mail.outbox[0])

    form_page = client.get(link, follow=True)  # allauth moves the key out of the URL
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert log_in(client, pro_a.email, PASSWORD).status_code == 200  # old one is gone
    assert "_auth_user_id" not in client.session
    assert log_in(client, pro_a.email, NEW_PASSWORD).status_code == 302
    client.post(reverse("account_logout"))

    spent = client.get(link, follow=True)
    assert "already been used or has expired" in spent.content.decode()


def test_a_reset_for_an_unknown_address_sends_no_link_and_says_the_same(client, pro_a):
    """The page does not reveal whether the address has an account; the address itself
    may be told that it has none, but never gets a link."""
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)
    assert all(m.to == ["nobody@example.test"] for m in mail.outbox)


def test_there_is_no_public_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "walk-in@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not get_user_model().objects.filter(email="walk-in@example.test").exists()
    assert "There is no public sign-up" in response.content.decode()


def test_the_front_door_sends_each_person_to_their_start_page(client, staff, pro_a):
    assert reverse("account_login") in client.get("/")["Location"]
    client.force_login(staff)
    assert client.get("/")["Location"] == reverse("calendar:calendar")
    client.force_login(pro_a.user)
    assert client.get("/")["Location"] == roles.home_url(pro_a.user)


def test_logging_in_leaves_no_stale_message_for_a_later_page(client, staff):
    log_in(client, staff.email, PASSWORD)
    page = client.get(reverse("calendar:location-policies")).content.decode()
    assert "signed in" not in page.lower()


def test_an_invited_professional_lands_on_the_portal_and_only_there(
    client, staff, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, newcomer)
    link = link_in(mail.outbox[0])
    response = client.post(
        link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    page = response.content.decode()
    assert "My bookings" in page and "Carla Costa" in page  # their name in the top bar
    assert 'rel="manifest"' in page
    for staff_page in ("calendar:calendar", "billing:overview", "professionals:list"):
        assert client.get(reverse(staff_page)).status_code == 403
    client.post(reverse("account_logout"))
    assert "/accounts/login/" in client.get(reverse("portal:home"))["Location"]
