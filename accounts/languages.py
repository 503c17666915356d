"""Which language a person reads: their own choice, else their browser's, else the clinic's.

- A signed-in user's choice (Preferences.language, set from the staff menu or the portal's
  settings) wins; it is kept in the session at login and on every change, so a request
  costs no query for it (UserLanguageMiddleware).
- Otherwise Django's LocaleMiddleware reads the language cookie (set by the switch) and
  then the browser's Accept-Language. The API always follows Accept-Language.
- A message that leaves the system (an email, a statement PDF) is in its recipient's
  language: their choice, else their location's default (Location.language), else ours.

`reader_locale()` is the Babel locale of the active language, with the regional variant
we write for: Spanish as in Peru, Portuguese as in Brazil or Portugal."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.db import transaction
from django.utils import translation

SESSION_KEY = "integra_language"

# The regional formats each language is written in (money, dates, numbers).
BABEL_LOCALES = {"en": "en_GB", "pt-br": "pt_BR", "pt-pt": "pt_PT", "es": "es_PE"}


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def is_supported(code) -> bool:
    return isinstance(code, str) and code in codes()


@functools.cache
def babel_locale(language: str) -> Locale:
    name = BABEL_LOCALES.get(language) or translation.to_locale(language)
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(BABEL_LOCALES[settings.LANGUAGE_CODE])


def reader_locale() -> Locale:
    """The Babel locale of the language the current request (or command) speaks."""
    return babel_locale(translation.get_language() or settings.LANGUAGE_CODE)


def chosen_by(user) -> str:
    """The language `user` chose ("" when they have not)."""
    from .models import Preferences

    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    row = Preferences.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return row or ""


def choose(user, language: str, *, by, source: str, ip: str | None = None) -> None:
    """Record that `user` reads `language` ("" = follow the browser). Raises ValueError for
    a language we do not speak; writes nothing then."""
    from .audit import log_change
    from .models import Preferences

    if language and not is_supported(language):
        raise ValueError(language)
    with transaction.atomic(durable=True):
        preferences, created = Preferences.objects.get_or_create(user=user)
        if preferences.language != language or created:
            preferences.language = language
            preferences.save(update_fields=["language"])
            log_change(
                preferences,
                added=created,
                fields=[] if created else ["language"],
                by=by,
                source=source,
                ip=ip,
            )


def for_scope(scope: dict) -> str:
    """The language of a websocket's viewer, as a page of theirs would speak it: their
    choice (session, else preferences), else the language cookie, else Accept-Language.
    Reads the session: call it from a thread (database_sync_to_async)."""
    from django.http import HttpRequest

    session = scope.get("session")
    chosen = session.get(SESSION_KEY) if session is not None else None
    if chosen is None:
        chosen = chosen_by(scope.get("user"))
    if is_supported(chosen):
        return chosen
    request = HttpRequest()
    headers = {
        name.decode("latin-1"): value.decode("latin-1") for name, value in scope.get("headers", [])
    }
    request.META["HTTP_ACCEPT_LANGUAGE"] = headers.get("accept-language", "")
    for part in headers.get("cookie", "").split(";"):
        name, _sep, value = part.strip().partition("=")
        if name == settings.LANGUAGE_COOKIE_NAME:
            request.COOKIES[name] = value
    return translation.get_language_from_request(request)


def for_recipient(user, location=None) -> str:
    """The language a message to `user` is written in: their choice, else `location`'s
    default, else the site's."""
    return (
        chosen_by(user)
        or (location.language if location is not None else "")
        or (settings.LANGUAGE_CODE)
    )
