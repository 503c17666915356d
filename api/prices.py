"""API handlers for price agreements (a manager's, as in the billing admin: list, create,
change, end, delete) and each location's billing policy (staff read it, a manager changes
it). Writes go through `billing.services.agreements`."""

from django.utils import timezone
from ninja import Query, Router, Status

from api.billing import RowId, audit_of
from api.billing_schemas import (
    AgreementFilters,
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    BillingPolicyOut,
    BillingPolicyPatch,
    EndIn,
)
from api.scheduling import manager_only
from billing import payment_methods
from billing.access import (
    agreement_for,
)
from billing.charge_rules import policy_for
from billing.models import PriceAgreement
from billing.services import agreements
from professionals.access import professional_for
from scheduling import access
from scheduling.models import Location

agreements_router = Router(tags=["prices"])
billing_policies_router = Router(tags=["prices"])

# ---------------------------------------------------------------- agreements


def _agreement_values(user, values: dict) -> dict:
    """Body ids → rows the user may see (404 otherwise); strings stay strings for the
    model to read as decimals."""
    if "professional_id" in values:
        values["professional"] = professional_for(user, values.pop("professional_id"))
    if "location_id" in values:
        pk = values.pop("location_id")
        values["location"] = access.location_for(user, pk) if pk else None
    if "room_id" in values:
        pk = values.pop("room_id")
        values["room"] = access.room_for(user, pk, features=False) if pk else None
    return values


@agreements_router.get("", response=list[AgreementOut])
def list_agreements(request, filters: Query[AgreementFilters]):
    """A manager: the price agreements, by professional, latest first."""
    manager_only(request.auth, "billing.view_priceagreement")
    found = PriceAgreement.objects.select_related("professional", "location", "room")
    if filters.professional:
        found = found.filter(professional_id__in=filters.professional)
    if filters.current:
        today = timezone.now().date()
        found = found.exclude(valid_until__lt=today)
    return found.order_by("professional__name", "-valid_from", "pk")


@agreements_router.get("/{agreement_id}", response=AgreementOut)
def get_agreement(request, agreement_id: int = RowId):
    manager_only(request.auth, "billing.view_priceagreement")
    return agreement_for(request.auth, agreement_id)


@agreements_router.post("", response={201: AgreementOut})
def create_agreement(request, payload: AgreementIn):
    """A manager: a professional's own hourly price or discount from a day on. Bookings
    already made keep their price."""
    manager_only(request.auth, "billing.add_priceagreement")
    values = _agreement_values(request.auth, payload.dict())
    agreement = agreements.save_agreement(PriceAgreement(), values, **audit_of(request))
    return Status(201, agreement_for(request.auth, agreement.pk))


@agreements_router.patch("/{agreement_id}", response=AgreementOut)
def update_agreement(request, payload: AgreementPatch, agreement_id: int = RowId):
    manager_only(request.auth, "billing.change_priceagreement")
    agreement = agreement_for(request.auth, agreement_id)
    values = _agreement_values(request.auth, payload.dict(exclude_unset=True))
    agreements.save_agreement(agreement, values, **audit_of(request))
    return agreement_for(request.auth, agreement_id)


@agreements_router.post("/{agreement_id}/end", response=AgreementOut)
def end_agreement(request, payload: EndIn, agreement_id: int = RowId):
    """A manager: end the agreement on a day (its last, inclusive)."""
    manager_only(request.auth, "billing.change_priceagreement")
    agreement = agreement_for(request.auth, agreement_id)
    agreements.end_agreement(agreement, payload.on, **audit_of(request))
    return agreement_for(request.auth, agreement_id)


@agreements_router.delete("/{agreement_id}", response={204: None})
def delete_agreement(request, agreement_id: int = RowId):
    """A manager: delete an agreement (as the admin may); bookings keep their prices."""
    manager_only(request.auth, "billing.delete_priceagreement")
    agreements.delete_agreement(agreement_for(request.auth, agreement_id), **audit_of(request))
    return Status(204, None)


# ---------------------------------------------------------------- billing policies


def _policy_out(location) -> dict:
    policy = policy_for(location)
    return {
        "location": location,
        "late_cancel_percent": str(policy.late_cancel_percent),
        "no_show_percent": str(policy.no_show_percent),
        "payment_methods": list(policy.payment_methods),
        "methods_accepted": payment_methods.accepted_under(policy, location),
    }


@billing_policies_router.get("", response=list[BillingPolicyOut])
def list_billing_policies(request):
    """Staff: each location's billing policy (the defaults where none was set)."""
    manager_only(request.auth, "billing.view_billingpolicy")
    return [_policy_out(location) for location in Location.objects.order_by("name")]


@billing_policies_router.get("/{location_id}", response=BillingPolicyOut)
def get_billing_policy(request, location_id: int = RowId):
    manager_only(request.auth, "billing.view_billingpolicy")
    return _policy_out(access.location_for(request.auth, location_id))


@billing_policies_router.patch("/{location_id}", response=BillingPolicyOut)
def update_billing_policy(request, payload: BillingPolicyPatch, location_id: int = RowId):
    """A manager: what a late cancellation and a no-show cost there (from now on), and
    the payment methods it accepts."""
    manager_only(request.auth, "billing.change_billingpolicy")
    location = access.location_for(request.auth, location_id)
    agreements.save_billing_policy(
        policy_for(location), payload.dict(exclude_unset=True), **audit_of(request)
    )
    return _policy_out(location)
