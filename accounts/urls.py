"""Accounts: allauth's login, logout and password-reset views under their usual names
(account_login, account_logout, account_reset_password, ...), and the invitation link.
Only these allauth views are mounted: no sign-up form and no email management, because
the clinic owns who has an account and under which address."""

from allauth.account import views as allauth_views
from django.urls import path, re_path

from . import views

app_name = "accounts"

allauth_urlpatterns = [
    path("language/", views.choose_language, name="choose-language"),
    path("login/", allauth_views.login, name="account_login"),
    path("logout/", allauth_views.logout, name="account_logout"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path("signup/", allauth_views.signup, name="account_signup"),  # says "closed"
    path("reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path("password/change/", allauth_views.password_change, name="account_change_password"),
    path("password/set/", allauth_views.password_set, name="account_set_password"),
    path("password/reset/", allauth_views.password_reset, name="account_reset_password"),
    path(
        "password/reset/done/",
        allauth_views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        allauth_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        allauth_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
]

urlpatterns = [
    path("language/", views.choose_language, name="choose-language"),
    path(
        "invitation/<str:uidb36>/<str:token>/",
        views.invitation_accept,
        name="invitation-accept",
    ),
]
