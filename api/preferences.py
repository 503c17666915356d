"""Who I am and what I chose: the API side of the site's front door (which sends staff to
the calendar and a professional to the portal) and of the language switch (staff menu,
portal settings). The choice is `accounts.languages.choose`, the same write as the switch,
recorded with who, through the API, from where; it sets which language the clinic's pages,
emails and statements speak to this user. The API itself always answers in the language of
the request's Accept-Language."""

from typing import Literal

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from ninja import Router, Schema
from pydantic import Field

from accounts import languages, roles
from api.scheduling import _audit
from api.schemas import In

router = Router(tags=["me"])

# "" = no choice of my own: follow the browser (a message that leaves: my location's).
Language = Literal[tuple([""] + [code for code, _name in settings.LANGUAGES])]


class MeOut(Schema):
    username: str
    email: str
    name: str
    role: Literal["manager", "reception", "professional", "none"] = Field(
        description="manager and reception are staff; none: an account with no role yet."
    )
    professional_id: int | None = Field(description="My professional profile, if I have one.")
    language: Language = Field(description="My language choice ('' = follow the browser).")


class PreferencesOut(Schema):
    language: Language = Field(description="'' = follow the browser.")


class PreferencesIn(In):
    language: Language = Field(
        description="One of the clinic's languages, or '' to follow the browser."
    )


def _role(user) -> str:
    if roles.is_staff(user):
        return "manager" if user.has_perm("scheduling.change_location") else "reception"
    return "professional" if roles.professional_of(user) else "none"


@router.get("/me", response=MeOut)
def get_me(request):
    """Anyone signed in: who I am to the clinic (what the front door decides by)."""
    user = request.auth
    professional = roles.professional_of(user)
    return {
        "username": user.get_username(),
        "email": user.email,
        "name": professional.name if professional else user.get_full_name(),
        "role": _role(user),
        "professional_id": professional.pk if professional else None,
        "language": languages.chosen_by(user),
    }


@router.get("/me/preferences", response=PreferencesOut)
def get_preferences(request):
    return {"language": languages.chosen_by(request.auth)}


@router.put("/me/preferences", response=PreferencesOut)
def update_preferences(request, payload: PreferencesIn):
    """Anyone signed in: choose the language the clinic speaks to me."""
    user = request.auth
    languages.choose(user, payload.language, **_audit(request))
    if request.session.get(SESSION_KEY) == str(user.pk):
        # Signed in with this very session: its pages speak the new choice at once, as
        # after the switch (a token's request has no session of this user to update).
        request.session[languages.SESSION_KEY] = payload.language
    return {"language": languages.chosen_by(request.auth)}
