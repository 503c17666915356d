"""Healthcare professionals who rent rooms; each has a login account of their own."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProfessionalQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def matching(self, text: str):
        """Those whose name, email, profession or phone contains `text` (any case); all
        when `text` is blank. One search for the staff list, the booking form, the API."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(email__icontains=text)
            | models.Q(profession__icontains=text)
            | models.Q(phone__icontains=text)
        )


class Professional(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="professional",
        verbose_name=_("login account"),
    )
    name = models.CharField(_("name"), max_length=150)
    profession = models.CharField(_("profession"), max_length=100, blank=True)
    registration_number = models.CharField(
        _("registration / licence number"), max_length=60, blank=True
    )
    email = models.EmailField(_("email"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)
    default_session_price = models.DecimalField(
        _("default session price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What a patient pays for a session, in the currency of its location."),
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Seen by staff only.")
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = ProfessionalQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")

    def __str__(self) -> str:
        return self.name
