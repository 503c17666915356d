"""The billing page (staff), payments and reversals, statements and exports.

Views translate: they parse a form, call one service or query, and render."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.access import permission_required, staff_required
from accounts.audit import actor_from_request
from backoffice.billing_forms import ExportForm, PaymentForm, ReversalForm, parse_month
from billing import exports, ledger, money, month_table, payment_methods, reports, services
from billing.access import batch_for, statement_pdf_for
from billing.errors import BillingError
from billing.models import Payment, Statement
from billing.services.statements import batch_done
from professionals.access import professional_for, professionals_visible_to
from professionals.models import Professional
from scheduling.local_time import at_location
from scheduling.models import Location, Source


def _payment_fields(user, professional_id=None, currency=None, *, chosen=None) -> dict:
    """What the payment form's currency, method and date offer for the professional
    picked: their location's currency, the methods it accepts, today in its zone. `chosen`
    keeps what was typed (a refused form shows it again)."""
    professional = None
    if professional_id:
        try:
            professional = professionals_visible_to(user).filter(pk=int(professional_id)).first()
        except (TypeError, ValueError):
            professional = None
    currencies = sorted(set(Location.objects.values_list("currency", flat=True)))
    if currency not in currencies:
        currency = None
    setup = payment_methods.setup_for(professional, currency)
    chosen = chosen or {}
    return {
        "currencies": currencies,
        "chosen_professional": professional.pk if professional else None,
        "setup": setup,
        "chosen_method": chosen.get("method") or (setup.method_values or [""])[0],
        "received_on": chosen.get("received_on") or setup.today.isoformat(),
    }


def _with_local_issue_times(statements) -> list:
    """Each statement with `local_issued_at`: when it was issued, in the zone of a location
    billing in its currency (a BRL statement in São Paulo's time)."""
    zones = {}
    for currency, tz in Location.objects.order_by("-name").values_list("currency", "tz"):
        zones[currency] = tz
    found = list(statements)
    for statement in found:
        statement.local_issued_at = at_location(
            statement.issued_at, zones.get(statement.currency, "UTC")
        )
    return found


def _overview_context(user, year: int, month: int, payment_form=None) -> dict:
    professionals = Professional.objects.in_bulk()
    balances = sorted(
        (
            (professionals[row.professional_id], row)
            for row in ledger.all_balances().values()
            if row.professional_id in professionals
        ),
        key=lambda item: (-item[1].balance, item[0].name),
    )
    income = reports.month_income(year, month)
    return {
        "year": year,
        "month": month,
        "period": f"{year}-{month:02d}",
        "balances": balances,
        # A balance row is per professional *and currency*: one who owes in BRL and in
        # EUR is one professional who owes money, not two.
        "owing_count": len({p.pk for p, row in balances if row.balance > 0}),
        "income": income,
        "income_totals": reports.income_totals(income),
        "payments": Payment.objects.select_related(
            "professional", "created_by", "reversal"
        ).order_by("-created_at", "-pk")[:25],
        # Read only for who may see them (reception's page has no statements section).
        "statements": _with_local_issue_times(
            Statement.objects.filter(year=year, month=month, replaced_by__isnull=True)
            .select_related("professional")
            .order_by("professional__name")
        )
        if user.has_perm("billing.view_statement")
        else [],
        "professionals": Professional.objects.order_by("name"),
        "payment_form": payment_form or PaymentForm(),
        "reversal_form": ReversalForm(),
    }


@staff_required
@require_GET
def overview(request):
    year, month = parse_month(request.GET.get("month"))
    context = _overview_context(request.user, year, month)
    context.update(_payment_fields(request.user, request.GET.get("professional")))
    return render(request, "backoffice/billing/overview.html", context)


@staff_required
@require_GET
def payment_fields(request):
    """The payment form's currency, method and date for the professional (and currency)
    chosen: htmx asks for them again when either select changes."""
    context = _payment_fields(
        request.user, request.GET.get("professional"), request.GET.get("currency")
    )
    return render(request, "backoffice/billing/partials/payment_fields.html", context)


@staff_required
@require_POST
def payment_record(request):
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = services.record_payment(
                professional=form.cleaned_data["professional"],
                amount=form.cleaned_data["amount"],
                currency=form.cleaned_data["currency"],
                method=form.cleaned_data["method"],
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
                bookings=form.cleaned_data["bookings"],
                **actor_from_request(request, Source.BACKOFFICE).as_kwargs(),
            )
        except BillingError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(
                request,
                _("Payment #%(id)s of %(amount)s from %(name)s recorded.")
                % {
                    "id": payment.pk,
                    "amount": money.format_money(payment.amount, payment.currency),
                    "name": payment.professional.name,
                },
            )
            return redirect(f"{reverse('billing:overview')}?month={request.GET.get('month', '')}")
    year, month = parse_month(request.GET.get("month"))
    context = _overview_context(request.user, year, month, form)
    context.update(
        _payment_fields(
            request.user,
            request.POST.get("professional"),
            request.POST.get("currency"),
            chosen=request.POST,
        )
    )
    return render(request, "backoffice/billing/overview.html", context, status=422)


@permission_required("billing.reverse_payment")
@require_POST
def payment_reverse(request, pk: int):
    form = ReversalForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        reversal = services.reverse_payment(
            pk, reason=reason, **actor_from_request(request, Source.BACKOFFICE).as_kwargs()
        )
    except BillingError as error:
        messages.error(request, error.message)
        return redirect(reverse("billing:overview") + "#payments")
    messages.success(
        request,
        _("Payment #%(id)s reversed by #%(reversal)s.")
        % {"id": reversal.reverses_id, "reversal": reversal.pk},
    )
    return redirect(reverse("billing:overview") + "#payments")


@permission_required("billing.add_statement")
@require_POST
def statement_issue(request):
    year, month = parse_month(request.POST.get("month"))
    chosen = request.POST.get("professional", "")
    professional = professional_for(request.user, int(chosen) if chosen.isdigit() else 0)
    try:
        statement = services.issue_statement(
            professional,
            year,
            month,
            currency=request.POST.get("currency") or None,
            **actor_from_request(request, Source.BACKOFFICE).as_kwargs(),
        )
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Statement %(number)s issued.") % {"number": statement})
    return redirect(f"{reverse('billing:overview')}?month={year}-{month:02d}#statements")


@login_required
@require_GET
def statement_download(request, pk: int):
    actor = actor_from_request(request, Source.BACKOFFICE)
    statement = statement_pdf_for(actor, pk, path=request.path)
    response = HttpResponse(bytes(statement.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statement.filename}"'
    return response


@permission_required("billing.add_statement")
@require_POST
def batch_start(request):
    year, month = parse_month(request.POST.get("month"))
    batch = services.start_batch(
        year,
        month,
        send_email=bool(request.POST.get("send_email")),
        by=request.user,
        source=Source.BACKOFFICE,
    )
    return redirect("billing:batch-detail", batch.pk)


@permission_required("billing.add_statement")
def batch_detail(request, pk: int):
    """The batch page; each htmx poll (POST) issues a few more statements and returns the
    progress, until all are done. Closing the page pauses; the command can finish it."""
    batch = batch_for(request.user, pk)
    if request.method == "POST" and batch.finished_at is None:
        done = services.advance_batch(batch, by=request.user, source=Source.BACKOFFICE)
    else:
        done = batch_done(batch)
    context = {"batch": batch, "done": done}
    if request.htmx:
        return render(request, "backoffice/billing/partials/batch_progress.html", context)
    return render(request, "backoffice/billing/batch_detail.html", context)


@permission_required("billing.export_billing")
@require_GET
def export_page(request):
    return render(request, "backoffice/billing/exports.html", {"form": ExportForm()})


@permission_required("billing.export_billing")
@require_GET
def export_csv(request, kind: str):
    form = ExportForm(request.GET)
    if kind not in dict(ExportForm.KINDS) or not form.is_valid():
        return render(request, "backoffice/billing/exports.html", {"form": form}, status=422)
    filters = exports.Filters(**form.cleaned_data)
    location = filters.location or Location.objects.first()
    tz = location.zone if location else ZoneInfo("UTC")
    if kind == "bookings":
        body = exports.bookings_csv(filters)
    elif kind == "payments":
        body = exports.payments_csv(filters, tz)
    else:
        body = exports.professionals_csv(filters, tz)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


def _month_table_context(request) -> dict:
    """The month (or, with ?year=YYYY and no month, the whole year by month), location and
    sort asked for, and the table's rows (billing.month_table): `rows` is a list of
    (month number, Row), month by month, each month sorted."""
    year_only = None
    if not request.GET.get("month"):
        try:
            year_only = int(request.GET.get("year") or 0) or None
        except ValueError:
            year_only = None
        if year_only is not None and not 2000 <= year_only <= 2100:
            year_only = None
    year, month = parse_month(request.GET.get("month"))
    if year_only is not None:
        year = year_only
    locations = list(Location.objects.order_by("name"))
    location_id = None
    try:
        chosen = int(request.GET.get("location") or 0)
    except ValueError:
        chosen = 0
    if any(location.pk == chosen for location in locations):
        location_id = chosen
    sort = month_table.parse_sort(request.GET.get("sort"))
    if year_only is not None:
        tables = month_table.year_table(year, location_id=location_id)
    else:
        tables = {month: month_table.month_table(year, month, location_id=location_id)}
    rows = [
        (number, row)
        for number, table in sorted(tables.items())
        for row in month_table.sorted_rows(table, sort)
    ]
    return {
        "year": year,
        "month": month,
        "year_only": year_only is not None,
        "period": str(year) if year_only is not None else f"{year}-{month:02d}",
        "query": f"year={year}" if year_only is not None else f"month={year}-{month:02d}",
        "locations": locations,
        "location_id": location_id,
        "sort": sort,
        "rows": rows,
    }


MONTH_TABLE_HEADINGS = [
    ("name", gettext_lazy("Professional")),
    ("currency", gettext_lazy("Currency")),
    ("sessions", gettext_lazy("Sessions")),
    ("hours", gettext_lazy("Hours")),
    ("gross", gettext_lazy("Gross")),
    ("commission", gettext_lazy("Commission")),
    ("rent", gettext_lazy("Rent")),
    ("balance", gettext_lazy("Balance of the month")),
]


@permission_required("billing.view_statement")
@require_GET
def month_table_page(request):
    """The professionals' month table: the statements' figures, one row per professional
    and currency, sortable (?sort=balance, ?sort=-balance)."""
    context = _month_table_context(request)
    context["headings"] = [
        (key, str(label), "-" + key if context["sort"] == key else key)
        for key, label in MONTH_TABLE_HEADINGS
    ]
    return render(request, "backoffice/billing/month_table.html", context)


@permission_required("billing.view_statement")
@require_GET
def month_table_csv(request):
    """The same table as CSV, in the same order."""
    context = _month_table_context(request)
    headings = [str(label) for _k, label in MONTH_TABLE_HEADINGS]
    if context["year_only"]:
        body = month_table.as_csv(
            [row for _n, row in context["rows"]],
            headings,
            months=[f"{context['year']}-{n:02d}" for n, _row in context["rows"]],
            month_heading=_("Month"),
        )
    else:
        body = month_table.as_csv([row for _n, row in context["rows"]], headings)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="month-table-{context["period"]}.csv"'
    return response
