from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, **kwargs) -> None:
    from . import roles

    roles.sync_groups()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # After every migrate (and every test-database flush): permissions of models added
        # since the roles migration reach their groups, and flushed groups come back. No
        # sender: each app's permissions are made on its own signal, so sync after each.
        post_migrate.connect(_sync_role_groups, dispatch_uid="sync-role-groups")
