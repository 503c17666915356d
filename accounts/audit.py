"""Who changed something, through which door and from which address: the three facts a
service records beside every change it makes (a booking's history, a payment's author).

Views, API handlers and admin actions build an `Actor` from the request once and hand its
parts to the service; services store `user_or_none(by)`, so an anonymous or missing user is
recorded as nobody rather than failing on a foreign key."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    """`by` the user (or None for the system), `source` the door (a scheduling `Source`
    value: backoffice, portal, api, admin), `ip` the client's address when known."""

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
