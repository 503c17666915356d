"""Who a user is to the clinic: staff (reception), manager, or a professional."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def is_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_manager(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(
        is_staff(user) and (user.is_superuser or user.groups.filter(name="manager").exists())
    )


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
    from django.urls import NoReverseMatch, reverse

    if is_staff(user):
        return reverse("scheduling:calendar")
    try:
        return reverse("portal:home")
    except NoReverseMatch:  # until the portal app is installed
        return reverse("billing:statement-mine")
