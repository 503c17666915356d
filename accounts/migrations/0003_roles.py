"""The staff roles as groups: reception and manager, with the permissions in
accounts.roles.GRANTS. Permissions are created first (Django makes them only after the
whole migrate), so the groups are complete on a fresh database."""

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def make_groups(apps, schema_editor):
    from accounts import roles

    for config in installed_apps.get_app_configs():
        create_permissions(config, apps=apps, verbosity=0)
    roles.sync_groups(apps)


def drop_groups(apps, schema_editor):
    from accounts import roles

    apps.get_model("auth", "Group").objects.filter(name__in=list(roles.GRANTS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_invitation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("billing", "0004_role_permissions"),
        ("professionals", "0001_initial"),
        ("scheduling", "0004_late_fee_waiver"),
        ("portal", "0001_initial"),
    ]

    operations = [migrations.RunPython(make_groups, drop_groups)]
