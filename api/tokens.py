"""Personal API tokens over the API: list, create and revoke your own; a manager may list and
revoke anyone's. The raw token is in the answer to its creation and nowhere else, ever."""

from datetime import datetime
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from accounts import roles
from accounts.models import ApiToken

router = Router(tags=["tokens"])

MAX_ID = 2**63 - 1


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    user: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_user(obj):
        return obj.user.get_username()


class NewTokenOut(TokenOut):
    token: str = Field(description="The token itself. Shown only now: copy it.")


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]


def tokens_visible_to(user):
    tokens = ApiToken.objects.select_related("user")
    return tokens if roles.may(user, "accounts.view_apitoken") else tokens.filter(user=user)


def token_for(user, pk: int) -> ApiToken:
    """The token if it is `user`'s own (or `user` is a manager), else 404."""
    try:
        return tokens_visible_to(user).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404(_("There is no API token %(id)d of yours.") % {"id": pk}) from None


@router.get("", response=list[TokenOut])
def list_tokens(
    request,
    everyone: bool = Query(False, description="A manager: every user's tokens, not only yours."),
):
    tokens = tokens_visible_to(request.auth)
    if not (everyone and roles.may(request.auth, "accounts.view_apitoken")):
        tokens = tokens.filter(user=request.auth)
    return tokens


@router.post("", response={201: NewTokenOut})
def create_token(request, payload: TokenIn):
    token, raw = ApiToken.issue(request.auth, payload.name)
    token.token = raw
    return Status(201, token)


@router.delete("/{token_id}", response={204: None})
def revoke_token(request, token_id: int = Path(..., ge=1, le=MAX_ID)):
    """Revoke at once; the token is kept (revoked) so its history stays readable."""
    token_for(request.auth, token_id).revoke()
    return Status(204, None)
