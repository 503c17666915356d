"""How allauth fits the clinic: accounts are created by staff (no public sign-up), and
everyone lands on their own start page after logging in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class ClinicAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        return reverse("home")
