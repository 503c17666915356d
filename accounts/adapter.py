"""How allauth fits the clinic: accounts are created by staff (no public sign-up), and
everyone lands on their own start page after logging in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation

from . import languages

QUIET = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}


class ClinicAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        return reverse("home")

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # "Successfully signed in as …" would wait for the next page that shows messages
        # (maybe much later, out of context); logging in and out speak for themselves.
        if message_template in QUIET:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (password reset) in their recipient's chosen language, else in
        the language of the browser that asked for them."""
        chosen = languages.chosen_by(context.get("user"))
        with translation.override(chosen or translation.get_language()):
            super().send_mail(template_prefix, email, context)
