"""The private calendar feed of a professional: the URL is the secret."""

import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits, 43 characters


class CalendarFeed(models.Model):
    """One address a professional's calendar app subscribes to. At most one is live per
    professional; regenerating revokes the old one (its URL then answers 404)."""

    professional = models.ForeignKey(
        "professionals.Professional",
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("professional"),
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False, verbose_name=_("token")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["professional"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_feed_per_professional",
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional} ({'revoked' if self.revoked_at else 'live'})"

    @classmethod
    def live_for(cls, professional):
        return cls.objects.filter(professional=professional, revoked_at__isnull=True).first()

    @classmethod
    def issue(cls, professional, *, by) -> "CalendarFeed":
        """A new address; the old one (if any) stops working in the same transaction."""
        with transaction.atomic():
            cls.revoke_all(professional)
            return cls.objects.create(professional=professional, created_by=by)

    @classmethod
    def revoke_all(cls, professional) -> int:
        return cls.objects.filter(professional=professional, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
