"""Issue monthly statements, one at a time or all of a month in a batch.

Guarantees: an issued statement (its PDF bytes and totals) never changes; issuing again
creates a new version that names the one it replaces; numbers are unique (YYYY-MM-NNNN)
and the database refuses two first versions or two replacements of one statement."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import languages
from accounts.audit import Actor, user_or_none
from patients.access import record_reads
from patients.models import ReadKind
from professionals.models import Professional
from scheduling.models import Booking

from .. import payment_methods
from .. import statement_document as statements
from ..errors import BillingError
from ..models import Payment, RevenueAgreement, ShareModel, Statement, StatementBatch
from .payments import check_currency

ATTEMPTS = 5


def _check_period(year: int, month: int) -> None:
    if not (1 <= int(month) <= 12) or not (2000 <= int(year) <= 2100):
        raise BillingError(
            _("%(year)s-%(month)s is not a month.") % {"year": year, "month": month},
            field="month",
        )


def current_statement(professional, year: int, month: int, currency: str) -> Statement | None:
    """The latest version (the one nothing replaces), or None."""
    return (
        Statement.objects.filter(
            professional=professional, year=year, month=month, currency=currency
        )
        .filter(replaced_by__isnull=True)
        .first()
    )


def _next_number(year: int, month: int) -> str:
    prefix = f"{year}-{month:02d}-"
    last = (
        Statement.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def issue_statement(
    professional: Professional,
    year: int,
    month: int,
    *,
    currency: str | None = None,
    by,
    source: str,
    ip: str | None = None,
    batch: StatementBatch | None = None,
    send_email: bool = False,
) -> Statement:
    """Issue `professional`'s statement for the month: compute it, render the PDF, store
        both. If one was issued before, the new one is the next version and replaces it.

        The PDF is rendered before the transaction (the layout takes most of a second and
        must not hold the database's write lock); inside it the number and the predecessor
        are checked again, and if someone issued a statement meanwhile it is rendered again
        on top of theirs. With `send_email` the PDF is emailed to the professional after
        commit. Raises BillingError for a month that is not one, or a currency no location
    bills in. `ip` (the client's address)
        is taken like every service's, but no billing row has a field for it yet, so it is
        not stored."""
    _check_period(year, month)
    currency = check_currency(currency) if currency else _default_currency(professional)
    place = billing_place(professional, currency)
    with translation.override(language_for(professional, place)):
        statement = _issue(
            professional, year, month, currency, by, source, batch, send_email, place, ip
        )
    if statement is None:
        raise BillingError(
            _("Statements were being issued by someone else at the same time; try again.")
        )
    return statement


def _issue(professional, year, month, currency, by, source, batch, send_email, place, ip):
    """issue_statement's work, in the statement's language (its lines and its PDF); None
    when others kept issuing first. A statement with sessions names their patients: that
    is a read of each (an export to the professional), recorded."""
    content = statements.build(professional, year, month, currency)
    patient_ids = [p.pk for line in content.sessions for p in line.booking.patients.all()]
    for _attempt in range(ATTEMPTS):
        previous = current_statement(professional, year, month, currency)
        if batch is not None and previous is not None:
            return previous  # a batch issues what is missing, it never re-issues
        number = _next_number(year, month)
        version = previous.version + 1 if previous else 1
        pdf = statements.render_pdf(
            content,
            number=number,
            version=version,
            replaces=previous.number if previous else None,
            issued_on=_today_at(place),
        )
        statement = Statement(
            number=number,
            professional=professional,
            year=year,
            month=month,
            currency=currency,
            version=version,
            replaces=previous,
            opening_balance=content.opening_balance,
            charges_total=content.charges_total,
            payments_total=content.payments_total,
            closing_balance=content.closing_balance,
            totals=content.totals(),
            line_count=len(content.lines),
            pdf=pdf,
            patient_ids=list(dict.fromkeys(patient_ids)),
            batch=batch,
            issued_by=user_or_none(by),
            source=source,
        )
        try:
            with transaction.atomic(durable=True):
                latest = current_statement(professional, year, month, currency)
                if (latest and latest.pk) != (previous and previous.pk) or (
                    _next_number(year, month) != number
                ):
                    raise _Overtaken
                statement.save(force_insert=True)
                if patient_ids:
                    record_reads(Actor(by, source, ip), patient_ids, ReadKind.EXPORT)
                if send_email:
                    transaction.on_commit(lambda s=statement: email_statement(s))
        except (_Overtaken, IntegrityError):
            # Someone issued a statement at the same moment (same number or same
            # predecessor): render again on top of theirs.
            continue
        return statement
    return None


class _Overtaken(Exception):
    """Another statement of the month was stored between rendering and storing ours."""


def billing_place(professional, currency: str):
    """The location that bills `professional` in `currency` (the first, when several do),
    or None: its zone dates the statement and its language is the default one."""
    places = payment_methods.locations_for(professional, currency)
    return places[0] if places else None


def language_for(professional, place) -> str:
    """The language a statement (and its email) is written in: the professional's choice,
    else that of `place` (billing_place), else the site's."""
    return languages.for_recipient(professional.user, place)


def _today_at(place):
    """The issue date printed on a statement: today where the professional books in that
    currency (in Kiritimati it is already tomorrow while UTC is still today)."""
    return payment_methods.today_at(place) if place else timezone.now().date()


def _default_currency(professional) -> str:
    currencies = sorted(active_currencies(professional))
    return currencies[0] if currencies else "EUR"


def active_currencies(professional) -> set[str]:
    booked = Booking.objects.filter(professional=professional).values_list("currency", flat=True)
    sessions = (
        Booking.objects.filter(
            professional=professional,
            session_price__isnull=False,
            professional__revenue_agreements__model__in=[ShareModel.COMMISSION, ShareModel.BOTH],
        )
        .exclude(session_currency="")
        .values_list("session_currency", flat=True)
    )
    paid = Payment.objects.filter(professional=professional).values_list("currency", flat=True)
    return set(booked.distinct()) | set(sessions.distinct()) | set(paid.distinct())


def email_statement(statement: Statement) -> None:
    """Send the statement's PDF to the professional (Django's email backend)."""
    professional = statement.professional
    place = billing_place(professional, statement.currency)
    with translation.override(language_for(professional, place)):
        _send_statement(statement, professional)


def _send_statement(statement: Statement, professional) -> None:
    message = EmailMessage(
        subject=_("Your statement %(number)s for %(period)s")
        % {"number": statement.number, "period": statement.period},
        body=_(
            "Hello %(name)s,\n\nAttached is your statement for %(period)s.\n\nKind regards,\n"
            "The reception"
        )
        % {"name": professional.name, "period": statement.period},
        to=[professional.email],
    )
    message.attach(statement.filename, bytes(statement.pdf), "application/pdf")
    message.send()


# ---------------------------------------------------------------- batches


def start_batch(year: int, month: int, *, send_email: bool, by, source: str) -> StatementBatch:
    """Plan "issue all statements for a month": every professional and currency with a
    booking or a payment up to the end of that month (so an open balance is reported too)
    that has no statement for that month yet."""
    _check_period(year, month)
    last_day = statements.month_bounds(year, month)[1]
    # Whatever starts before the last day 00:00 UTC is in the month or earlier in every
    # zone; the two days after that are checked one by one in their location's zone.
    cut = statements.date_to_utc_bound(last_day)
    pairs = set(
        Booking.objects.filter(starts_at__lt=cut).values_list("professional_id", "currency")
    )
    edge = Booking.objects.filter(
        starts_at__gte=cut, starts_at__lt=cut + timedelta(days=2)
    ).values_list("professional_id", "currency", "starts_at", "room__location__tz")
    pairs |= {
        (pro, cur)
        for pro, cur, starts_at, tz in edge
        if starts_at.astimezone(ZoneInfo(tz)).date() <= last_day
    }
    pairs |= set(
        Payment.objects.filter(received_on__lte=last_day).values_list("professional_id", "currency")
    )
    pairs |= _session_pairs(cut + timedelta(days=2))
    issued = _issued_pairs(year, month)
    targets = sorted([list(pair) for pair in pairs - issued])
    with transaction.atomic(durable=True):
        return StatementBatch.objects.create(
            year=year,
            month=month,
            targets=targets,
            send_email=send_email,
            created_by=user_or_none(by),
            source=source,
        )


def _session_pairs(before) -> set[tuple[int, str]]:
    """(professional, currency) of sessions priced in another currency than their room,
    for professionals who ever had a commission: they get a statement in that currency."""
    on_commission = RevenueAgreement.objects.exclude(model=ShareModel.RENT).values(
        "professional_id"
    )
    return set(
        Booking.objects.filter(
            starts_at__lt=before,
            professional_id__in=on_commission,
            session_price__isnull=False,
        )
        .exclude(session_currency="")
        .values_list("professional_id", "session_currency")
    )


def _issued_pairs(year: int, month: int) -> set[tuple[int, str]]:
    return set(
        Statement.objects.filter(year=year, month=month).values_list("professional_id", "currency")
    )


def batch_done(batch: StatementBatch) -> int:
    """How many of the batch's statements exist (issued by it or meanwhile by someone)."""
    issued = _issued_pairs(batch.year, batch.month)
    return sum(1 for pro, cur in batch.targets if (pro, cur) in issued)


def advance_batch(batch: StatementBatch, *, limit: int = 5, by, source: str) -> int:
    """Issue up to `limit` more statements of the batch; returns how many are done.

    Safe to call from several workers at once: a target already issued in this month is
    skipped, and a concurrent duplicate is refused by the database."""
    issued = _issued_pairs(batch.year, batch.month)
    pending = [(pro, cur) for pro, cur in batch.targets if (pro, cur) not in issued]
    professionals = Professional.objects.in_bulk([pro for pro, _cur in pending[:limit]])
    for pro_id, currency in pending[:limit]:
        try:
            issue_statement(
                professionals[pro_id],
                batch.year,
                batch.month,
                currency=currency,
                by=by,
                source=source,
                batch=batch,
                send_email=batch.send_email,
            )
        except IntegrityError:
            continue  # another worker issued it a moment ago
    done = batch_done(batch)
    if len(pending) <= limit and batch.finished_at is None:
        StatementBatch.objects.filter(pk=batch.pk, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
        batch.refresh_from_db(fields=["finished_at"])
    return done
