"""Permission-scoped fetches: a view never reads a statement or payment without them."""

from django.http import Http404
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import Actor
from patients.access import record_reads
from patients.models import Patient, ReadKind

from .models import Payment, PriceAgreement, Statement, StatementBatch


def payments_visible_to(user):
    """Staff: every payment and reversal. A professional: their own. Anyone else: none."""
    query = Payment.objects.select_related("professional", "created_by", "reversal")
    if roles.is_staff(user):
        return query
    professional = roles.professional_of(user)
    if professional is None:
        return query.none()
    return query.filter(professional=professional)


def payment_for(user, pk: int) -> Payment:
    """The payment if `user` may see it (payments_visible_to), else 404 as for none."""
    try:
        return payments_visible_to(user).get(pk=pk)
    except Payment.DoesNotExist:
        raise Http404(
            _("There is no payment #%(id)s, or you may not see it.") % {"id": pk}
        ) from None


def statements_visible_to(user):
    """A manager: every statement. A professional: their own. Reception and anyone else:
    none (the billing page shows reception no statements)."""
    query = Statement.objects.select_related("professional").defer("pdf")
    if roles.may(user, "billing.view_statement"):
        return query
    professional = roles.professional_of(user)
    if professional is None:
        return query.none()
    return query.filter(professional=professional)


def agreement_for(user, pk: int) -> PriceAgreement:
    """A price agreement, for those who see agreements (a manager); 404 otherwise."""
    if not roles.may(user, "billing.view_priceagreement"):
        raise Http404
    try:
        return PriceAgreement.objects.select_related("professional", "location", "room").get(pk=pk)
    except PriceAgreement.DoesNotExist:
        raise Http404(_("There is no price agreement #%(id)s.") % {"id": pk}) from None


def statement_for(user, pk: int) -> Statement:
    """The statement if `user` is a manager (statements are a manager's) or the
    professional it belongs to; 404 otherwise, so nobody learns that another's
    statement exists."""
    query = Statement.objects.select_related("professional")
    if not roles.may(user, "billing.view_statement"):
        professional = roles.professional_of(user)
        if professional is None:
            raise Http404
        query = query.filter(professional=professional)
    try:
        return query.get(pk=pk)
    except Statement.DoesNotExist:
        raise Http404 from None


def batch_for(user, pk: int) -> StatementBatch:
    """A statement batch, for those who issue statements (a manager); 404 otherwise."""
    if not roles.may(user, "billing.add_statement"):
        raise Http404
    try:
        return StatementBatch.objects.get(pk=pk)
    except StatementBatch.DoesNotExist:
        raise Http404 from None


def statement_pdf_for(actor: Actor, pk: int, *, path: str = "") -> Statement:
    """The statement for its PDF, as statement_for (404 for anyone who may not see it);
    the PDF names its sessions' patients, so this is an export read of each, by the
    reader. Patients gone since (never: they are erased, not deleted) are skipped."""
    statement = statement_for(actor.by, pk)
    named = Patient.objects.filter(pk__in=statement.patient_ids).values_list("pk", flat=True)
    if statement.patient_ids:
        record_reads(actor, list(named), ReadKind.EXPORT, path=path)
    return statement
