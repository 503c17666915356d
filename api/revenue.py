"""API handlers for revenue agreements (rent, commission or both, and who collects the
patient's money): a manager lists, reads, creates and changes them; a professional reads
their own. Writes go through `billing.services.revenue`."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import AuthorizationError

from accounts import roles
from accounts.audit import Source, actor_from_request
from api.patient_schemas import (
    RevenueAgreementFilters,
    RevenueAgreementIn,
    RevenueAgreementOut,
    RevenueAgreementPatch,
)
from api.scheduling import manager_only
from api.schemas import MAX_ID
from billing.models import RevenueAgreement
from billing.services.revenue import save_revenue_agreement
from professionals.access import professional_for

router = Router(tags=["prices"])

AgreementId = Path(..., ge=1, le=MAX_ID)


def _visible(user):
    """A manager's: every agreement; a professional's: their own; anyone else's: none."""
    rows = RevenueAgreement.objects.select_related("professional")
    if roles.may(user, "billing.view_revenueagreement"):
        return rows
    professional = roles.professional_of(user)
    if professional is None:
        if roles.is_staff(user):
            raise AuthorizationError(message=_("Only a manager may do this."))
        return rows.none()
    return rows.filter(professional=professional)


def _agreement(user, pk: int) -> RevenueAgreement:
    try:
        return _visible(user).get(pk=pk)
    except RevenueAgreement.DoesNotExist:
        raise Http404(_("There is no revenue agreement #%(id)s.") % {"id": pk}) from None


def _audit(request) -> dict:
    return actor_from_request(request, Source.API, by=request.auth).as_kwargs()


@router.get("", response=list[RevenueAgreementOut])
def list_revenue_agreements(request, filters: Query[RevenueAgreementFilters]):
    """A manager: every revenue agreement (by professional, latest first); a professional:
    their own."""
    found = _visible(request.auth)
    if filters.professional:
        found = found.filter(professional_id__in=filters.professional)
    found = found.order_by("professional__name", "-valid_from", "pk")
    return found[filters.offset : filters.offset + filters.limit]


@router.get("/{agreement_id}", response=RevenueAgreementOut)
def get_revenue_agreement(request, agreement_id: int = AgreementId):
    return _agreement(request.auth, agreement_id)


@router.post("", response={201: RevenueAgreementOut})
def create_revenue_agreement(request, payload: RevenueAgreementIn):
    manager_only(request.auth, "billing.add_revenueagreement")
    values = payload.dict()
    values["professional"] = professional_for(request.auth, values.pop("professional_id"))
    agreement = save_revenue_agreement(RevenueAgreement(), values, **_audit(request))
    return Status(201, _agreement(request.auth, agreement.pk))


@router.patch("/{agreement_id}", response=RevenueAgreementOut)
def update_revenue_agreement(
    request, payload: RevenueAgreementPatch, agreement_id: int = AgreementId
):
    manager_only(request.auth, "billing.change_revenueagreement")
    agreement = _agreement(request.auth, agreement_id)
    save_revenue_agreement(agreement, payload.dict(exclude_unset=True), **_audit(request))
    return _agreement(request.auth, agreement_id)
