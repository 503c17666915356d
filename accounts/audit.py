"""Who changed something, through which door and from which address: the three facts a
service records beside every change it makes (a booking's history, a payment's author).

Views, API handlers and admin actions build an `Actor` from the request once and hand its
parts to the service; services store `user_or_none(by)`, so an anonymous or missing user is
recorded as nobody rather than failing on a foreign key. What has no history table of its
own (locations, rooms, a professional's activation) is recorded in the admin's history
(`LogEntry`) by `log_change`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """The door a change came through; every history row and service call names one."""

    BACKOFFICE = "backoffice", _("Backoffice")
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    SYSTEM = "system", _("System")


@dataclass(frozen=True)
class Actor:
    """`by` the user (or None for the system), `source` the door (a `Source` value:
    backoffice, portal, api, admin), `ip` the client's address when known."""

    by: AbstractBaseUser | AnonymousUser | None
    source: str
    ip: str | None = None

    def as_kwargs(self) -> dict:
        """The `by=, source=, ip=` keyword arguments every service takes."""
        return {"by": self.by, "source": self.source, "ip": self.ip}


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from (REMOTE_ADDR; behind a proxy, the proxy sets it
    right), or None when the server did not say."""
    return request.META.get("REMOTE_ADDR") or None


def actor_from_request(request: HttpRequest, source: str, *, by=None) -> Actor:
    """The actor of a request: its user (or `by`, e.g. an API handler's `request.auth`),
    the door it came through and its address."""
    return Actor(by=request.user if by is None else by, source=source, ip=client_ip(request))


def user_or_none(by) -> AbstractBaseUser | None:
    """The user to store as the author of a change: None for nobody or an anonymous user."""
    return by if (by is not None and by.is_authenticated) else None


def _label(obj: models.Model, name: str) -> str:
    """The field's label as the admin's own history writes it (its form label)."""
    field = obj._meta.get_field(name)
    if field.auto_created and not field.concrete:  # a reverse relation (opening hours)
        return str(capfirst(field.related_model._meta.verbose_name_plural))
    return str(capfirst(field.verbose_name))


def log_change(
    obj: models.Model, *, added: bool, fields: list[str], by, source: str, ip: str | None
) -> None:
    """Write `obj`'s addition or change (of `fields`, field names) to the admin's history,
    as the admin itself would, with the door and the address beside the message (the admin
    shows the message and ignores the rest). A change by nobody is not written: the history
    names a user, and neither is a change of nothing."""
    user = user_or_none(by)
    if user is None or not (added or fields):
        return
    with translation.override(None):  # stored in English, translated when shown
        labels = [_label(obj, name) for name in fields]
    message = {"added": {}} if added else {"changed": {"fields": labels}}
    message.update(source=source, ip=ip)
    LogEntry.objects.log_actions(user.pk, [obj], ADDITION if added else CHANGE, [message])
