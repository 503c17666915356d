"""Login throttling with django-axes, on every form that checks a password: allauth's
(/accounts/login/, email) and the Django admin's (/admin/login/, username). Both call
`authenticate(request, ...)`, so axes' backend (first in AUTHENTICATION_BACKENDS) refuses a
locked-out attempt before any password is checked, and its middleware turns the refusal
into our lockout page.

A lockout is per account *and* address (AXES_LOCKOUT_PARAMETERS): someone guessing a
person's password from one address locks only that pair, never the person everywhere. The
three callables here are what axes asks of us: who the attempt is for (one name per person,
whichever form they used), where it comes from (the proxy's header only when a setting names
it), and the page to show."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def attempted_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account an attempt is for, named the same way whichever form was used: the
    admin's form sends a username, allauth's an email (any case), axes itself a username at
    login. Otherwise ten guesses on each form would be twenty for one person."""
    credentials = credentials or {}
    email, username = credentials.get("email"), credentials.get("username")
    if email is None and username is None and request is not None:
        # Axes reads the form itself when it has no credentials at hand.
        email, username = request.POST.get("login"), request.POST.get("username")
    if email:
        user_model = get_user_model()
        # fetch-ok: resolving a login name to its account, nothing is shown
        known = (
            user_model.objects.filter(email__iexact=email.strip())
            .values_list(user_model.USERNAME_FIELD, flat=True)
            .first()
        )
        return known or email.strip().lower()
    return username or None


def client_address(request: HttpRequest) -> str | None:
    """The address an attempt comes from. Behind a reverse proxy every request arrives from
    the proxy, so the client is in the header it sets (PROXY_CLIENT_IP_HEADER, e.g.
    X-Forwarded-For); the header is read only when that setting names it, because without a
    proxy that strips it anyone could write any address there. The proxy appends the
    address it saw: the last entry (the PROXY_COUNT-th from the end behind several) is the
    one no client chose."""
    header = getattr(settings, "PROXY_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        count = max(1, int(getattr(settings, "PROXY_COUNT", 1)))
        if len(entries) >= count:
            return entries[-count]
    return request.META.get("REMOTE_ADDR")


def minutes_to_wait(request: HttpRequest, credentials: dict | None) -> int:
    """Whole minutes until this account and address may try again: the cool-off counts from
    the last counted failure (failures during a lockout are not counted, so it ends)."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    cool_off: timedelta = get_cool_off(request)
    last = (
        AccessAttempt.objects.filter(
            username=attempted_username(request, credentials),
            ip_address=getattr(request, "axes_ip_address", client_address(request)),
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return math.ceil(cool_off.total_seconds() / 60)
    left = (last + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(left / 60))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page a locked-out attempt gets instead of its form: our base template, axes'
    status (429 Too Many Requests) and when to try again, in the reader's language."""
    return render(
        request,
        "accounts/lockout.html",
        {"minutes": minutes_to_wait(request, credentials)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
