"""Errors of the API as RFC 9457 problem details (`application/problem+json`).

Every refusal answers with `type`, `title`, `status` and `detail` (a sentence a person
understands), plus what a client needs to act on it: the invalid fields, the conflicting
slots and the nearest free alternatives."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from billing.errors import BillingError
from scheduling.errors import BookingError, SlotTaken

CONTENT_TYPE = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str, **extras) -> HttpResponse:
    body = {
        "type": f"urn:integra:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extras,
    }
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=CONTENT_TYPE,
    )


# ---------------------------------------------------------------- invalid input

_SENTENCES = {
    "missing": lambda c: _("This field is required."),
    "extra_forbidden": lambda c: _("This field is not expected here."),
    "timezone_aware": lambda c: _(
        "Give the time with its UTC offset, e.g. 2030-01-31T09:00:00+01:00 or …Z."
    ),
    "datetime_parsing": lambda c: _(
        "Use an ISO 8601 date and time with an offset, e.g. 2030-01-31T09:00:00+01:00."
    ),
    "datetime_from_date_parsing": lambda c: _(
        "Use an ISO 8601 date and time with an offset, e.g. 2030-01-31T09:00:00+01:00."
    ),
    "datetime_type": lambda c: _(
        "Use an ISO 8601 date and time with an offset, e.g. 2030-01-31T09:00:00+01:00."
    ),
    "date_parsing": lambda c: _("Use a date like 2030-01-31."),
    "date_from_datetime_parsing": lambda c: _("Use a date like 2030-01-31."),
    "date_type": lambda c: _("Use a date like 2030-01-31."),
    "time_parsing": lambda c: _("Use a time like 09:00."),
    "int_parsing": lambda c: _("Use a whole number."),
    "int_type": lambda c: _("Use a whole number."),
    "int_from_float": lambda c: _("Use a whole number."),
    "bool_parsing": lambda c: _("Use true or false."),
    "bool_type": lambda c: _("Use true or false."),
    "string_type": lambda c: _("Use text."),
    "decimal_parsing": lambda c: _("Use a number."),
    "decimal_type": lambda c: _("Use a number."),
    "decimal_max_digits": lambda c: _("Use a smaller amount."),
    "decimal_whole_digits": lambda c: _("Use a smaller amount."),
    "decimal_max_places": lambda c: (
        _("Use at most %(n)s decimal places.") % {"n": c.get("decimal_places")}
    ),
    "less_than_equal": lambda c: _("Use at most %(n)s.") % {"n": c.get("le")},
    "less_than": lambda c: _("Use less than %(n)s.") % {"n": c.get("lt")},
    "greater_than_equal": lambda c: _("Use at least %(n)s.") % {"n": c.get("ge")},
    "greater_than": lambda c: _("Use more than %(n)s.") % {"n": c.get("gt")},
    "multiple_of": lambda c: _("Use a multiple of %(n)s.") % {"n": c.get("multiple_of")},
    "string_too_long": lambda c: (
        _("Keep it to %(n)s characters or fewer.") % {"n": c.get("max_length")}
    ),
    "string_too_short": lambda c: _("This must not be empty."),
    "too_long": lambda c: _("Give at most %(n)s items.") % {"n": c.get("max_length")},
    "string_pattern_mismatch": lambda c: _("This contains characters that are not allowed."),
    "enum": lambda c: _("Use one of %(values)s.") % {"values": c.get("expected")},
    "literal_error": lambda c: _("Use one of %(values)s.") % {"values": c.get("expected")},
    "model_attributes_type": lambda c: _("Send a JSON object."),
    "dict_type": lambda c: _("Send a JSON object."),
    "list_type": lambda c: _("Send a list."),
    "value_error": lambda c: str(c.get("error", "")),
}


def _field_of(error: dict) -> str | None:
    """`body.payload.starts_at` → `starts_at`; None when the whole request is at fault."""
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] in {"body", "query", "path", "header", "cookie", "form"}:
        loc = loc[1:]
    if loc and loc[0] in {"payload", "filters", "query"}:
        loc = loc[1:]
    return ".".join(loc) or None


def _sentence(error: dict) -> str:
    sentence = _SENTENCES.get(error.get("type", ""))
    return sentence(error.get("ctx") or {}) if sentence else str(error.get("msg", ""))


def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [{"field": _field_of(e), "message": _sentence(e)} for e in exc.errors]
    first = errors[0] if errors else {"field": None, "message": _("The request is invalid.")}
    detail = first["message"]
    if first["field"]:
        detail = _("%(field)s: %(message)s") % first
    if len(errors) > 1:
        detail += " " + _("(and %(count)d more problems)") % {"count": len(errors) - 1}
    return problem(422, "invalid_input", _("Invalid input"), detail, errors=errors)


def invalid_model(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "body", "message": message} for message in exc.messages]
    detail = " ".join(e["message"] for e in errors)
    return problem(422, "invalid_input", _("Invalid input"), detail, errors=errors)


# ---------------------------------------------------------------- refusals


def _window(window) -> dict:
    return {
        "room": {"id": window.room_id, "name": window.room_name},
        "location": {"id": window.location_id, "name": window.location_name, "tz": window.tz},
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
        "local_starts_at": window.local_starts_at.isoformat(),
        "local_ends_at": window.local_ends_at.isoformat(),
    }


_TITLES = {
    "slot_taken": lambda: _("Slot taken"),
    "illegal_transition": lambda: _("Not possible in this state"),
    "idempotency_key_reused": lambda: _("Idempotency-Key reused"),
    "waiver_refused": lambda: _("You may not waive this fee"),
}


def booking_refused(request: HttpRequest, exc: BookingError) -> HttpResponse:
    if exc.code.startswith("policy_"):
        title = _("Not allowed by the clinic's booking policy")
    else:
        title = _TITLES.get(exc.code, lambda: _("Invalid booking"))()
    extras = {}
    if getattr(exc, "field", None):
        extras["field"] = exc.field
    if isinstance(exc, SlotTaken):
        extras["conflicts"] = [
            {"resource": c.resource, "resource_id": c.resource_id, "slot_start": c.slot_start}
            for c in exc.conflicts
        ]
        extras["alternatives"] = [_window(w) for w in exc.alternatives]
    return problem(exc.status, exc.code, title, exc.message, **extras)


_BILLING_TITLES = {
    "busy": lambda: _("Busy: try again in a moment"),
    "already_reversed": lambda: _("Not possible in this state"),
    "idempotency_key_reused": lambda: _("Idempotency-Key reused"),
}


def billing_refused(request: HttpRequest, exc: BillingError) -> HttpResponse:
    """A billing service's refusal (a payment, a reversal, a statement): its sentence, and
    the field at fault when there is one."""
    title = _BILLING_TITLES.get(exc.code, lambda: _("Refused by the billing rules"))()
    extras = {"field": exc.field} if exc.field else {}
    return problem(exc.status, exc.code, title, exc.message, **extras)


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        detail = exc.message
        if detail == "Unauthorized":  # ninja's own: no credentials at all
            detail = _("Sign in, or send a personal API token as “Authorization: Bearer itg_…”.")
        response = problem(401, "unauthenticated", _("Authentication required"), detail)
        response["WWW-Authenticate"] = 'Bearer realm="integra"'
        return response
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        return problem(
            422,
            "malformed_json",
            _("Invalid input"),
            _("The request body is not valid JSON."),
        )
    if exc.status_code == 403:
        detail = exc.message
        if detail == "CSRF check Failed":
            detail = _(
                "The CSRF check failed: a request signed in with a session cookie must send "
                "the CSRF token in the X-CSRFToken header. Scripts should use an API token."
            )
        return problem(403, "forbidden", _("Not allowed"), detail)
    return problem(exc.status_code, "http_error", str(exc.message), str(exc.message))


def invitation_refused(request: HttpRequest, exc) -> HttpResponse:
    """accounts.invitations.InvitationRefused: the account's state forbids an invitation."""
    return problem(409, "invitation_refused", _("Invitation not sent"), exc.message)


def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    detail = str(exc) or _("There is nothing here, or you may not see it.")
    return problem(404, "not_found", _("Not found"), detail)


def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        413,
        "too_large",
        _("Request too large"),
        _("The request body is larger than this server accepts."),
    )


def method_not_allowed(method: str, allowed: list[str]) -> HttpResponse:
    response = problem(
        405,
        "method_not_allowed",
        _("Method not allowed"),
        _("This address does not accept %(method)s; it accepts %(allowed)s.")
        % {"method": method, "allowed": ", ".join(allowed)},
        allowed=allowed,
    )
    response["Allow"] = ", ".join(allowed)
    return response


def unsupported_body(content_type: str) -> HttpResponse:
    return problem(
        415,
        "unsupported_media_type",
        _("Unsupported media type"),
        _("Send the request's body as JSON (Content-Type: application/json), not %(type)s.")
        % {"type": content_type or _("no content type")},
    )


def _json_type(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


WRITES = {"POST", "PUT", "PATCH", "DELETE"}
FORM_TYPES = {"application/x-www-form-urlencoded", "text/plain"}


class ApiProblemsMiddleware:
    """Refusals answered before any handler of ours runs, as problem details too:
    - a body that is not JSON (text/plain, a form, multipart with or without a boundary) is
      refused with 415 before anything reads it (Django's CSRF check would parse a form
      body, and a multipart one without a boundary raised a 500 there);
    - a method the endpoint does not have (405, plain text from ninja) keeps its `Allow`
      header and gains a sentence.
    Only under the API's prefix; pages are untouched."""

    prefix = "/api/v1/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.prefix) and request.method in WRITES:
            content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
            has_body = request.META.get("CONTENT_LENGTH", "") not in ("", "0") or (
                "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "")
            )
            form = content_type.startswith("multipart/") or content_type in FORM_TYPES
            if form or (has_body and not _json_type(content_type)):
                # LocaleMiddleware has not run yet: speak the caller's Accept-Language.
                with translation.override(translation.get_language_from_request(request)):
                    return unsupported_body(content_type)
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith(self.prefix)
            and not response.get("Content-Type", "").startswith(CONTENT_TYPE)
        ):
            allowed = sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip())
            return method_not_allowed(request.method, allowed)
        return response
