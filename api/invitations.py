"""Inviting a professional by email, as the button on their staff page and the admin
action do: staff send a one-time link to set the password (sending again voids the last).
The write is `accounts.invitations.invite`; its refusals (inactive, already has a password)
answer 409 with its sentence and send nothing."""

from datetime import datetime
from typing import Literal

from ninja import Path, Router, Schema, Status
from pydantic import Field

from accounts import invitations
from api.scheduling import staff_only
from api.schemas import MAX_ID
from professionals.access import professional_for
from scheduling import queries

router = Router(tags=["professionals"])

ProfessionalId = Path(..., ge=1, le=MAX_ID)


class InvitationOut(Schema):
    id: int
    email: str
    sent_at: datetime
    sent_by: str | None
    accepted_at: datetime | None

    @staticmethod
    def resolve_sent_by(obj):
        return obj.sent_by.get_username() if obj.sent_by else None


class InvitationsOut(Schema):
    account_state: Literal["accepted", "invited", "active", "none"] = Field(
        description=(
            "accepted: set a password from an invitation; invited: sent, not used yet; "
            "active: has a password and was never invited; none: no password, not invited."
        )
    )
    invitations: list[InvitationOut] = Field(description="Latest first.")


@router.get("/professionals/{professional_id}/invitations", response=InvitationsOut)
def list_invitations(request, professional_id: int = ProfessionalId):
    """Staff: whether the professional's account is set up, and the invitations sent."""
    staff_only(request.auth)
    professional = professional_for(request.auth, professional_id)
    user = professional.user
    return {
        "account_state": invitations.state_of(user),
        "invitations": list(user.invitations.select_related("sent_by").order_by("-sent_at")),
    }


@router.post("/professionals/{professional_id}/invitations", response={201: InvitationOut})
def invite_professional(request, professional_id: int = ProfessionalId):
    """Staff: email the professional a link to set their password, in their language (their
    choice, else the location they book at). 409 when they are inactive or already have a
    password (they use "Forgot your password?")."""
    staff_only(request.auth)
    professional = professional_for(request.auth, professional_id)
    invitation = invitations.invite(
        professional,
        by=request.auth,
        base_url=request.build_absolute_uri("/"),
        location=queries.usual_location(professional),
    )
    return Status(201, invitation)
