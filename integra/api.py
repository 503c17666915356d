"""The REST API under /api/v1/: one NinjaAPI, two ways in, errors as problem details.

Ways in
- A personal API token, `Authorization: Bearer itg_…`, read from that header only (never a
  cookie, so a browser cannot be tricked into sending it).
- The Django session cookie, for pages of our own; CSRF stays on for it, so a cookie alone
  cannot write.

Authorisation is not here: handlers fetch through permission-scoped helpers
(`scheduling.access`, `professionals.access`) and the booking service decides the rest."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from accounts.invitations import InvitationRefused
from accounts.models import TOKEN_PREFIX, ApiToken, hash_token
from api.billing import (
    activity_router,
    balances_router,
    charges_router,
    income_router,
    payments_router,
)
from api.cancellations import router as cancellations_router
from api.invitations import router as invitations_router
from api.patients import reads_router as patient_reads_router
from api.patients import router as patients_router
from api.policies import router as policies_router
from api.preferences import router as preferences_router
from api.prices import agreements_router, billing_policies_router
from api.professionals import router as professionals_router
from api.rebooking import router as rebooking_router
from api.revenue import router as revenue_agreements_router
from api.scheduling import (
    availability_router,
    bookings_router,
    busy_router,
    locations_router,
    rooms_router,
)
from api.statements import exports_router, month_table_router, statements_router
from api.tokens import router as tokens_router
from billing.errors import BillingError
from portal.api import router as calendar_feed_router
from scheduling.errors import BookingError

from . import problems

log = logging.getLogger(__name__)

# A token's last use is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer itg_…`. A token that is unknown, revoked or whose user is
    inactive is refused outright (401), without falling back to the session."""

    def authenticate(self, request, token: str):
        row = None
        if token.startswith(TOKEN_PREFIX):
            row = ApiToken.objects.usable().select_related("user").filter(digest=hash_token(token))
            row = row.first()
        if row is None:
            raise AuthenticationError(message=_("This API token is unknown or has been revoked."))
        now = timezone.now()
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_PRECISION:
            # Conditional, so of many requests racing on a stale stamp one writes it.
            ApiToken.objects.filter(pk=row.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
            ).update(last_used_at=now)
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """The signed-in Django session, with ninja's CSRF check for unsafe methods. Anonymous
    requests are not CSRF-checked (there is nothing to protect), so they get a plain 401."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details; `detail` is a sentence for a person.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "conflicts": {"type": "array", "items": {"type": "object"}},
        "alternatives": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "title", "status", "detail"],
}
PROBLEMS = {
    "401": "Not signed in, or the API token is unknown or revoked.",
    "403": "Not allowed for this user, or the session's CSRF token is missing.",
    "404": "Unknown, or not yours to see.",
    "409": (
        "The slot is taken (with alternatives), the booking's state forbids it, the "
        "payment was already reversed, another change holds the row (try again), or the "
        "account's state forbids an invitation."
    ),
    "422": "Invalid input: the fields at fault are in `errors`.",
}


# Writes under these paths may answer 409 (a taken slot, a state, a reversal, a lock).
CONFLICTING = ("/bookings", "/payments", "/invitations")


class IntegraAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """The handler's name ("execute_booking"): what a generated client calls it, so it
        must not change when a module moves (ninja's default prefixes the module path)."""
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs):
        """ninja's document, plus the problem responses every operation may give."""
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                codes = ["401", "403", "404", "422"]
                if method != "get" and any(part in path for part in CONFLICTING):
                    codes.append("409")
                for code in codes:
                    operation["responses"].setdefault(
                        code, {"description": PROBLEMS[code], "content": problem}
                    )
        return schema


api = IntegraAPI(
    title="Integra API",
    version="1",
    description=(
        "Rooms, professionals, bookings and free time of the clinic; payments, balances, "
        "statements, exports, price agreements and billing policies. Errors are "
        "application/problem+json (RFC 9457). Authenticate with a personal API token "
        "(`Authorization: Bearer itg_…`) or a signed-in session with its CSRF token."
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionAuth()],
    docs_url=None,
)

api.add_exception_handler(NinjaValidationError, problems.invalid_input)
api.add_exception_handler(DjangoValidationError, problems.invalid_model)
api.add_exception_handler(BookingError, problems.booking_refused)
api.add_exception_handler(BillingError, problems.billing_refused)
api.add_exception_handler(HttpError, problems.http_error)
api.add_exception_handler(InvitationRefused, problems.invitation_refused)
api.add_exception_handler(Http404, problems.not_found)
api.add_exception_handler(RequestDataTooBig, problems.too_large)

api.add_router("/locations", locations_router)
api.add_router("/rooms", rooms_router)
api.add_router("/professionals", professionals_router)
api.add_router("/bookings", bookings_router)
api.add_router("/busy", busy_router)
api.add_router("/availability", availability_router)
api.add_router("/tokens", tokens_router)
# Operations the UI offers beyond the resources above (docs/api.md maps each to its page).
api.add_router("", policies_router)
api.add_router("", cancellations_router)
api.add_router("", rebooking_router)
api.add_router("", invitations_router)
api.add_router("", preferences_router)
api.add_router("", calendar_feed_router)
api.add_router("/payments", payments_router)
api.add_router("/charges", charges_router)
api.add_router("/balances", balances_router)
api.add_router("/income", income_router)
api.add_router("/activity", activity_router)
api.add_router("/statements", statements_router)
api.add_router("/month-table", month_table_router)
api.add_router("/exports", exports_router)
api.add_router("/agreements", agreements_router)
api.add_router("/billing-policies", billing_policies_router)
api.add_router("/patients", patients_router)
api.add_router("/patient-reads", patient_reads_router)
api.add_router("/revenue-agreements", revenue_agreements_router)

# Last, so it only catches what no endpoint matched: unknown URLs answer as problems too.
fallback_router = Router()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:unknown}", auth=None, include_in_schema=False
)
def unknown_endpoint(request, unknown: str):
    raise Http404(_("There is no API endpoint at this address."))


api.add_router("", fallback_router)


def server_error(request, exc: Exception):
    """Anything unexpected: logged with its traceback, answered without it."""
    log.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problems.problem(
        500,
        "server_error",
        _("Server error"),
        _("Something went wrong on our side; nothing you sent was wrong. Try again later."),
    )


api.add_exception_handler(Exception, server_error)


def api_docs(request):
    """The API reference, rendered in the browser by Stoplight Elements (vendored)."""
    return render(request, "api_docs.html", {"openapi_url": reverse("api:openapi-json")})
