"""The role groups are written once per migrate, after every app's permissions exist, and
who may waive a late fee anywhere is a permission (scheduling.waive_late_fee), not a name."""

import pytest
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal

from accounts import roles

pytestmark = pytest.mark.django_db


def test_a_migrate_syncs_the_groups_once_after_the_last_app(monkeypatch):
    calls = []
    real = roles.sync_groups

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(roles, "sync_groups", counting)
    Group.objects.filter(name=roles.MANAGER).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert len(calls) == 1
    manager = Group.objects.get(name=roles.MANAGER)
    assert manager.permissions.filter(codename="waive_late_fee").exists()


def test_only_a_manager_holds_the_waiver_permission(staff, manager):
    assert manager.has_perm("scheduling.waive_late_fee")
    assert not staff.has_perm("scheduling.waive_late_fee")
