"""Inviting a professional: the clinic creates the account (without a password) and sends
an email with a one-time link where the professional chooses one.

The link carries a token from Django's password-reset machinery with its own salt, so a
reset link never opens an invitation nor the other way round. The token hashes the
account's password: setting a password spends it, and sending the invitation again
resets the unusable password, which voids every earlier link. Links expire after
PASSWORD_RESET_TIMEOUT (three days by default); staff can send a new one."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import base36_to_int, int_to_base36
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import languages, locks
from .models import Invitation


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.invitations.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


LINK_SPENT = gettext_lazy(
    "This invitation link has already been used or has expired. Ask the clinic to send a "
    "new one, or reset your password from the login page."
)


class InvitationRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


def state_of(user) -> str:
    """'accepted', 'invited', 'active' (has a password, never invited) or 'none'."""
    latest = Invitation.objects.filter(user=user).order_by("-sent_at").first()
    if latest and latest.accepted_at:
        return "accepted"
    if user.has_usable_password():
        return "active"
    return "invited" if latest else "none"


def _busy() -> InvitationRefused:
    return InvitationRefused(
        _("This account is being changed by someone else right now; try again in a moment.")
    )


def invite(professional, *, by, base_url: str, location=None) -> Invitation:
    """Email `professional` a link to set their password; `base_url` is the site's address
    (scheme and host) the link starts with. The email is in the professional's language:
    their own choice, else `location`'s (where they work), else the site's. Refused
    (InvitationRefused, nothing sent or written) when the professional is inactive or
    already has a password: they then use "forgot password". The email leaves only if the
    transaction commits."""
    User = get_user_model()
    with transaction.atomic(durable=True):
        with locks.waiting(_busy):
            user = locks.for_update(User.objects.all()).get(pk=professional.user_id)
        if not (professional.active and user.is_active):
            raise InvitationRefused(
                _("%(name)s is inactive; reactivate them before inviting.")
                % {"name": professional.name}
            )
        if user.has_usable_password():
            raise InvitationRefused(
                _(
                    "%(name)s already has a password; they can reset it with "
                    '"Forgot your password?" on the login page.'
                )
                % {"name": professional.name}
            )
        user.set_unusable_password()  # voids any earlier invitation link
        user.save(update_fields=["password"])
        invitation = Invitation.objects.create(user=user, email=professional.email, sent_by=by)
        link = base_url.rstrip("/") + reverse(
            "accounts:invitation-accept",
            args=[int_to_base36(user.pk), invitation_tokens.make_token(user)],
        )
        context = {
            "name": professional.name,
            "clinic": settings.CLINIC_NAME,
            "link": link,
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        with translation.override(languages.for_recipient(user, location)):
            subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
            body = render_to_string("accounts/email/invitation_message.txt", context)
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [professional.email])
        )
    return invitation


def user_for_link(uidb36: str, token: str):
    """The account the link belongs to if the link is still good, else None."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=base36_to_int(uidb36), is_active=True)
    except (ValueError, OverflowError, User.DoesNotExist):
        return None
    if user.has_usable_password() or not invitation_tokens.check_token(user, token):
        return None
    return user


def accept(user, token: str, set_password_form) -> None:
    """Save the chosen password (`set_password_form` is a valid SetPasswordForm for `user`)
    and mark the invitation accepted. The token is checked again under a lock, so two
    submissions of one link set the password once; the second raises InvitationRefused."""
    User = get_user_model()
    with transaction.atomic(durable=True):
        with locks.waiting(_busy):
            locked = locks.for_update(User.objects.all()).get(pk=user.pk)
        if locked.has_usable_password() or not invitation_tokens.check_token(locked, token):
            raise InvitationRefused(LINK_SPENT)
        set_password_form.save()
        Invitation.objects.filter(user=user, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
