"""Who a user is to the clinic: reception, manager, or a professional.

Staff roles are Django groups with permissions (`GRANTS`): what a group may do is read
from `user.has_perm`, so the admin, the staff pages and the API ask the same question.
`sync_groups` writes the groups; a migration runs it once and `post_migrate` runs it
again, so a model added later (whose permissions only exist after `migrate`) reaches
its groups, and a test database flushed between tests gets its groups back."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

RECEPTION = "reception"
MANAGER = "manager"

_VIEW = ("view",)
_WRITE = ("view", "add", "change")

# app label → model → actions (or full codenames), per group. Reception runs the day:
# bookings, payments, professionals, the calendar and its menus. A manager does all of
# that plus prices, agreements, policies, reversals, statements, exports and users.
_RECEPTION = {
    "scheduling": {
        "location": _VIEW,
        "openinghours": _VIEW,
        "room": _VIEW,
        "feature": _VIEW,
        "booking": _WRITE,
        "bookingchange": _VIEW,
    },
    "professionals": {"professional": _WRITE},
    "patients": {
        "patient": _WRITE,
        "relationship": ("view", "add", "delete"),
        "carelink": ("view", "add", "delete"),
    },
    "billing": {"payment": ("view", "add"), "billingpolicy": _VIEW},
    "accounts": {"invitation": ("view", "add")},
}
_MANAGER_ALSO = {
    "scheduling": {
        "booking": ("waive_late_fee",),  # reception only where the location allows it
        "location": _WRITE,
        "openinghours": ("view", "add", "change", "delete"),
        "room": _WRITE,
        "feature": ("view", "add", "change", "delete"),
    },
    "billing": {
        "payment": ("reverse_payment",),
        "billingpolicy": _WRITE,
        "chargerule": ("view", "add", "change", "delete"),
        "priceagreement": ("view", "add", "change", "delete"),
        "statement": ("view", "add", "export_billing"),
        "statementbatch": ("view", "add"),
        "revenueagreement": ("view", "add", "change", "delete"),
    },
    "patients": {
        "patient": ("export_patient", "erase_patient"),
        "patientread": _VIEW,
        "patientchange": _VIEW,
    },
    "accounts": {"apitoken": _WRITE},
    "auth": {"user": _WRITE, "group": _VIEW},
    "account": {"emailaddress": _WRITE},  # allauth's: the address each user logs in with
}


def _codenames(grants: dict) -> set[tuple[str, str]]:
    found = set()
    for app_label, models in grants.items():
        for model, actions in models.items():
            for action in actions:
                codename = action if "_" in action else f"{action}_{model}"
                found.add((app_label, codename))
    return found


GRANTS: dict[str, set[tuple[str, str]]] = {
    RECEPTION: _codenames(_RECEPTION),
    MANAGER: _codenames(_RECEPTION) | _codenames(_MANAGER_ALSO),
}


def sync_groups(apps=None) -> None:
    """Make each role's group hold exactly its grants (permissions that do not exist yet,
    because their app is not migrated, are skipped and added on a later run)."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=name)
        labels = {app_label for app_label, _codename in wanted}
        found = [
            permission
            for permission in Permission.objects.filter(
                content_type__app_label__in=labels
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(found)


def is_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Clinic staff: reception, a manager or a superuser (the staff pages' door)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def may(user: AbstractBaseUser | AnonymousUser, permission: str) -> bool:
    """Whether staff `user` holds `permission` ("billing.reverse_payment"), by role."""
    return is_staff(user) and user.has_perm(permission)


def professional_of(user: AbstractBaseUser | AnonymousUser):
    """The user's Professional profile, or None (staff, anonymous, or no profile)."""
    if not user.is_authenticated:
        return None
    try:
        return user.professional
    except Exception:  # RelatedObjectDoesNotExist
        return None


def home_url(user: AbstractBaseUser | AnonymousUser) -> str:
    """Where `user` starts: staff on the calendar, a professional on the portal."""
    from django.urls import reverse

    if is_staff(user):
        return reverse("calendar:calendar")
    return reverse("portal:home")
