"""Permission-scoped fetches: a view never reads a statement or payment without them."""

from django.http import Http404

from accounts import roles

from .models import Statement, StatementBatch


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
