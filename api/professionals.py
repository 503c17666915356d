"""API handlers for professionals. Staff list, create, update, deactivate and reactivate
them; a professional sees only their own profile. Creating one creates its login account
(through the same form the backoffice uses)."""

from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Path, Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from accounts import roles
from accounts.audit import Source, actor_from_request
from api.scheduling import staff_only
from api.schemas import MAX_ID, NO_NUL
from professionals import services
from professionals.access import professional_for, professionals_visible_to
from professionals.forms import ProfessionalForm
from professionals.models import Professional

router = Router(tags=["professionals"])

ProfessionalId = Path(..., ge=1, le=MAX_ID)


def _text(max_length: int, min_length: int = 0):
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=NO_NUL)]


# At most 150 characters: the email is also the login account's username.
Email = Annotated[
    str, Field(min_length=3, max_length=150, pattern=NO_NUL, json_schema_extra={"format": "email"})
]


class ProfessionalOut(Schema):
    id: int
    name: str
    profession: str
    registration_number: str
    email: str
    phone: str
    active: bool
    internal_notes: str | None = Field(None, description="Staff only; null for others.")


class ProfessionalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: _text(150, 1)
    email: Email
    profession: _text(100) = ""
    registration_number: _text(60) = ""
    phone: _text(40) = ""
    internal_notes: _text(5000) = ""


class ProfessionalPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: _text(150, 1) | None = None
    email: Email | None = None
    profession: _text(100) | None = None
    registration_number: _text(60) | None = None
    phone: _text(40) | None = None
    internal_notes: _text(5000) | None = None


def _api_actor(request) -> dict:
    return actor_from_request(request, Source.API, by=request.auth).as_kwargs()


def _out(professional: Professional, *, staff: bool) -> ProfessionalOut:
    out = ProfessionalOut.from_orm(professional)
    if not staff:
        out.internal_notes = None
    return out


def _saved(form: ProfessionalForm) -> Professional:
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.save()


@router.get("", response=list[ProfessionalOut])
def list_professionals(
    request,
    q: str | None = Query(None, max_length=100, pattern=NO_NUL),
    active: bool | None = None,
):
    """Staff: everyone (search by name, email, profession, phone). A professional: themselves."""
    found = professionals_visible_to(request.auth).matching(q)
    if active is not None:
        found = found.filter(active=active)
    staff = roles.is_staff(request.auth)
    return [_out(p, staff=staff) for p in found]


@router.get("/{professional_id}", response=ProfessionalOut)
def get_professional(request, professional_id: int = ProfessionalId):
    professional = professional_for(request.auth, professional_id)
    return _out(professional, staff=roles.is_staff(request.auth))


@router.post("", response={201: ProfessionalOut})
def create_professional(request, payload: ProfessionalIn):
    """Also creates the professional's login account (no password: an invitation sets it)."""
    staff_only(request.auth)
    professional = _saved(ProfessionalForm(data=payload.dict()))
    return Status(201, _out(professional, staff=True))


@router.patch("/{professional_id}", response=ProfessionalOut)
def update_professional(request, payload: ProfessionalPatch, professional_id: int = ProfessionalId):
    staff_only(request.auth)
    professional = professional_for(request.auth, professional_id)
    fields = ProfessionalForm.Meta.fields
    data = {field: getattr(professional, field) for field in fields}
    data.update(payload.dict(exclude_unset=True, exclude_none=True))
    return _out(_saved(ProfessionalForm(data=data, instance=professional)), staff=True)


@router.post("/{professional_id}/deactivate", response=ProfessionalOut)
def deactivate_professional(request, professional_id: int = ProfessionalId):
    staff_only(request.auth)
    professional = professional_for(request.auth, professional_id)
    services.set_active(professional, False, **_api_actor(request))
    return _out(professional_for(request.auth, professional_id), staff=True)


@router.post("/{professional_id}/reactivate", response=ProfessionalOut)
def reactivate_professional(request, professional_id: int = ProfessionalId):
    staff_only(request.auth)
    professional = professional_for(request.auth, professional_id)
    services.set_active(professional, True, **_api_actor(request))
    return _out(professional_for(request.auth, professional_id), staff=True)
