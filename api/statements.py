"""API handlers for statements (list, issue, batches of a month, the PDF) and the CSV
exports: a manager's, as on the billing page; a professional reads their own statements
(404 for anyone else's), reception none."""

from zoneinfo import ZoneInfo

from django.db.models import F
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from accounts import roles
from accounts.audit import actor_from_request
from api.billing import RowId, audit_of, staff_or_professional
from api.billing_schemas import (
    BatchIn,
    BatchOut,
    ExportFilters,
    ExportKind,
    MonthTableOut,
    MonthTableQuery,
    StatementFilters,
    StatementIn,
    StatementOut,
    amount,
    batch_out,
    year_month,
)
from api.scheduling import manager_only
from billing import exports, month_table, services
from billing.access import (
    batch_for,
    statement_pdf_for,
    statements_visible_to,
)
from billing.services.statements import batch_done
from professionals.access import professional_for
from scheduling import access
from scheduling.models import Location, Source

statements_router = Router(tags=["statements"])
month_table_router = Router(tags=["statements"])
exports_router = Router(tags=["exports"])

CSV = {200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
PDF = {
    200: {
        "description": "The statement's PDF, exactly as issued.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}

# ---------------------------------------------------------------- statements


def _with_successor(statements):
    return statements.annotate(successor_id=F("replaced_by__id")).select_related("issued_by")


@statements_router.get("", response=list[StatementOut])
def list_statements(request, filters: Query[StatementFilters]):
    """A manager: every statement (the latest versions unless `all_versions`). A
    professional: their own. Reception: none (403), as on the billing page."""
    user = request.auth
    if roles.is_staff(user):
        manager_only(user, "billing.view_statement")
    else:
        staff_or_professional(user)
    statements = _with_successor(statements_visible_to(user))
    if not filters.all_versions:
        statements = statements.filter(replaced_by__isnull=True)
    if filters.month:
        year, month = year_month(filters.month)
        statements = statements.filter(year=year, month=month)
    if filters.professional:
        statements = statements.filter(professional_id__in=filters.professional)
    if filters.currency:
        statements = statements.filter(currency=filters.currency)
    statements = statements.order_by("-year", "-month", "professional__name", "-version")
    return statements[filters.offset : filters.offset + filters.limit]


def _statement(user, pk: int):
    """The statement with its successor's id, if `user` may see it (statement_for's rule:
    a manager, or its own professional); 404 otherwise."""
    statement = _with_successor(statements_visible_to(user)).filter(pk=pk).first()
    if statement is None:
        raise Http404(_("There is no statement #%(id)s, or you may not see it.") % {"id": pk})
    return statement


@statements_router.post("", response={201: StatementOut})
def issue_statement(request, payload: StatementIn):
    """A manager: issue the professional's statement for the month (a new version when
    one was issued before; the old one stays, replaced)."""
    manager_only(request.auth, "billing.add_statement")
    professional = professional_for(request.auth, payload.professional_id)
    year, month = year_month(payload.month)
    statement = services.issue_statement(
        professional, year, month, currency=payload.currency, **audit_of(request)
    )
    return Status(201, _statement(request.auth, statement.pk))


@statements_router.post("/batches", response={201: BatchOut})
def start_statement_batch(request, payload: BatchIn):
    """A manager: plan "issue all statements for a month"; advance it until it finishes."""
    manager_only(request.auth, "billing.add_statement")
    year, month = year_month(payload.month)
    batch = services.start_batch(
        year, month, send_email=payload.send_email, by=request.auth, source=Source.API
    )
    return Status(201, batch_out(batch, batch_done(batch)))


@statements_router.get("/batches/{batch_id}", response=BatchOut)
def get_statement_batch(request, batch_id: int = RowId):
    manager_only(request.auth, "billing.add_statement")
    batch = batch_for(request.auth, batch_id)
    return batch_out(batch, batch_done(batch))


@statements_router.post("/batches/{batch_id}/advance", response=BatchOut)
def advance_statement_batch(request, batch_id: int = RowId):
    """A manager: issue a few more of the batch's statements (as each poll of the batch
    page does); a finished batch is left as it is."""
    manager_only(request.auth, "billing.add_statement")
    batch = batch_for(request.auth, batch_id)
    if batch.finished_at is None:
        done = services.advance_batch(batch, by=request.auth, source=Source.API)
    else:
        done = batch_done(batch)
    return batch_out(batch, done)


@statements_router.get("/{statement_id}", response=StatementOut)
def get_statement(request, statement_id: int = RowId):
    """A manager: any statement. A professional: their own (404 for anyone else's)."""
    return _statement(request.auth, statement_id)


@statements_router.get(
    "/{statement_id}/pdf", response={200: None}, openapi_extra={"responses": PDF}
)
def download_statement(request, statement_id: int = RowId):
    actor = actor_from_request(request, Source.API, by=request.auth)
    statement = statement_pdf_for(actor, statement_id, path=request.path)
    response = HttpResponse(bytes(statement.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statement.filename}"'
    return response


# ---------------------------------------------------------------- exports


@exports_router.get("/{kind}", response={200: None}, openapi_extra={"responses": CSV})
def export_csv(request, kind: ExportKind, filters: Query[ExportFilters]):
    """A manager: the billing page's CSV exports (bookings with their charges and paid
    state, payments, professionals who joined), in the reader's language (Accept-Language)
    and number format, times in each location's zone."""
    manager_only(request.auth, "billing.export_billing")
    values = filters.dict()
    if filters.location is not None:
        values["location"] = access.location_for(request.auth, filters.location)
    if filters.professional is not None:
        values["professional"] = professional_for(request.auth, filters.professional)
    values["status"] = values["status"] or ""
    chosen = exports.Filters(**values)
    place = chosen.location or Location.objects.first()
    tz = place.zone if place else ZoneInfo("UTC")
    if kind == "bookings":
        body = exports.bookings_csv(chosen)
    elif kind == "payments":
        body = exports.payments_csv(chosen, tz)
    else:
        body = exports.professionals_csv(chosen, tz)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


# ---------------------------------------------------------------- the month table


@month_table_router.get("", response=MonthTableOut)
def get_month_table(request, query: Query[MonthTableQuery]):
    """The professionals' month table (the manager's page): per professional and currency,
    the month's sessions, hours, gross, commission, rent and balance, exactly as their
    statements say. A manager's; an unknown location answers 404."""
    manager_only(request.auth, "billing.view_statement")
    if query.location is not None:
        access.location_for(request.auth, query.location)  # an unknown one: 404
    year, month = year_month(query.month)
    rows = month_table.sorted_rows(
        month_table.month_table(year, month, location_id=query.location), query.sort
    )
    return {
        "month": query.month,
        "location": query.location,
        "sort": query.sort,
        "rows": [
            {
                "professional": row.professional,
                "currency": row.currency,
                "sessions": row.sessions,
                "hours": f"{row.hours:.2f}",
                **{
                    name: amount(getattr(row, name), row.currency or "EUR")
                    for name in ("gross", "commission", "rent", "balance")
                },
            }
            for row in rows
        ],
    }
