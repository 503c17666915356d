"""Professionals' write paths that have rules: activation (deactivating and reactivating).

Guarantees: each call is one durable transaction; the professional and their login
account change together; the change is recorded with who made it, through which door and
from which address."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.audit import log_change

from .models import Professional


def set_active(
    professional: Professional, active: bool, *, by, source: str, ip: str | None = None
) -> Professional:
    """Make `professional` active or inactive, and their login account with them: an
    inactive professional cannot be booked or sign in; their bookings stay as they are.
    Setting the state they are already in changes (and records) nothing, but still puts
    their account in line."""
    with transaction.atomic(durable=True):
        changed = (
            Professional.objects.filter(pk=professional.pk)
            .exclude(active=active)
            .update(active=active)
        )
        get_user_model().objects.filter(pk=professional.user_id).update(is_active=active)
        professional.active = active
        if changed:
            log_change(professional, added=False, fields=["active"], by=by, source=source, ip=ip)
    return professional
