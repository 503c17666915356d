"""Each location's booking policy over the API, as on the calendar's Policies page
(backoffice/views/policies.py): every staff member reads it, a manager changes it. It binds
what professionals book themselves (see scheduling/policy.py) and says whether reception
may waive a late-cancellation fee there.

The write is the page's: `scheduling.services.save_location` with the policy fields only,
recorded with who, through the API, from where."""

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from ninja.errors import AuthorizationError
from pydantic import Field

from accounts import roles
from api.scheduling import _audit, manager_only, staff_only
from api.schemas import MAX_ID, BodyBool, BodyMinutes, In, LocationRef
from scheduling import services
from scheduling.access import location_for
from scheduling.models import ApprovalMode, Location
from scheduling.policy import POLICY_FIELDS

router = Router(tags=["policies"])

LocationId = Path(..., ge=1, le=MAX_ID)

# Bounds a person could mean: a deadline up to a year before the start, a horizon up to
# ten years ahead. The model accepts more; nobody sets those on purpose.
DeadlineHours = Annotated[int, Field(ge=0, le=24 * 365, strict=True)]
HorizonDays = Annotated[int, Field(ge=1, le=3650, strict=True)]


class PolicyOut(Schema):
    location: LocationRef
    cancellation_deadline_hours: int = Field(
        description="Free cancellation until this many hours before the start; later is late."
    )
    booking_horizon_days: int = Field(description="A professional books at most this far ahead.")
    portal_min_minutes: int | None = Field(
        description="Shortest booking a professional may make; null: the location's own."
    )
    portal_max_minutes: int | None = Field(
        description="Longest booking a professional may make; null: the location's own."
    )
    approval_mode: ApprovalMode = Field(
        description="auto, manual, or known (auto once a professional has an executed booking)."
    )
    reception_may_waive_late_fee: bool = Field(
        description="Reception may waive a late cancellation's fee here (a manager always may)."
    )

    @staticmethod
    def resolve_location(obj):
        return obj


class PolicyPatch(In):
    """Only the fields given change. `portal_min_minutes` and `portal_max_minutes` may be
    null (the location's own limits); null is refused for the others."""

    cancellation_deadline_hours: DeadlineHours = None
    booking_horizon_days: HorizonDays = None
    portal_min_minutes: BodyMinutes | None = None
    portal_max_minutes: BodyMinutes | None = None
    approval_mode: ApprovalMode = None
    reception_may_waive_late_fee: BodyBool = None


@router.get("/policies", response=list[PolicyOut])
def list_location_policies(request):
    """Staff: every location's policy, by name (the Policies page)."""
    staff_only(request.auth)
    return Location.objects.order_by("name")


@router.get("/locations/{location_id}/policy", response=PolicyOut)
def get_location_policy(request, location_id: int = LocationId):
    """Staff: one location's policy."""
    staff_only(request.auth)
    return location_for(request.auth, location_id)


@router.patch("/locations/{location_id}/policy", response=PolicyOut)
def update_location_policy(request, payload: PolicyPatch, location_id: int = LocationId):
    """A manager: change a location's policy (the same check as the page: who may change
    locations; granting reception the waiver also needs the right to waive)."""
    manager_only(request.auth, "scheduling.change_location")
    values = payload.dict(exclude_unset=True)
    if "reception_may_waive_late_fee" in values and not roles.may(
        request.auth, "scheduling.waive_late_fee"
    ):
        raise AuthorizationError(
            message=_("Only who may waive late fees may let reception waive them.")
        )
    location = location_for(request.auth, location_id)
    values = {field: values[field] for field in POLICY_FIELDS if field in values}
    services.save_location(location, values, **_audit(request))
    return location_for(request.auth, location_id)
