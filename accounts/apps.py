from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, **kwargs) -> None:
    """Once per migrate, after the last app's permissions are made (Django sends
    post_migrate for each app in INSTALLED_APPS order, and each app's permissions are
    created on its own signal, before this receiver, which connects later)."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if with_models and sender is with_models[-1]:
        from . import roles

        roles.sync_groups()


def _remember_language(sender, request, user, **kwargs) -> None:
    """At login the session learns the user's chosen language, so no request reads it."""
    from . import languages

    session = getattr(request, "session", None)
    if session is not None:
        session[languages.SESSION_KEY] = languages.chosen_by(user)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # After every migrate (and every test-database flush): permissions of models added
        # since the roles migration reach their groups, and flushed groups come back.
        post_migrate.connect(_sync_role_groups, dispatch_uid="sync-role-groups")
        user_logged_in.connect(_remember_language, dispatch_uid="remember-language")
        # Its receiver stamps each login's session with the time (session timeouts).
        from . import sessions  # noqa: F401
