"""Prices, payments and statements.

Money rows are append-only: a mistaken payment is answered by a reversal row, an issued
statement by a new version. Balances and payment states are derived from these rows (see
billing.ledger), never stored."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scheduling.charging import ChargeKind
from scheduling.models import Source

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def validate_payment_methods(value) -> None:
    if not isinstance(value, list) or any(item not in PaymentMethod.values for item in value):
        raise ValidationError(
            _("Choose payment methods among: %(methods)s.")
            % {"methods": ", ".join(PaymentMethod.values)}
        )


class BillingPolicy(models.Model):
    """What a late cancellation and a no-show cost at one location. A location without a
    row uses the defaults below."""

    DEFAULT_LATE_CANCEL_PERCENT = Decimal("50")
    DEFAULT_NO_SHOW_PERCENT = Decimal("100")

    location = models.OneToOneField(
        "scheduling.Location",
        on_delete=models.CASCADE,
        related_name="billing_policy",
        verbose_name=_("location"),
    )
    late_cancel_percent = models.DecimalField(
        _("late cancellation charge (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_LATE_CANCEL_PERCENT,
        validators=PERCENT,
        help_text=_(
            "Applies to cancellations made late from now on; earlier ones keep the "
            "percentage in force when they happened."
        ),
    )
    no_show_percent = models.DecimalField(
        _("no-show charge (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_NO_SHOW_PERCENT,
        validators=PERCENT,
        help_text=_(
            "Applies to no-shows marked from now on; earlier ones keep the percentage in "
            "force when they were marked."
        ),
    )
    # A list of PaymentMethod values; empty means the defaults of the location's currency
    # (billing.payment_methods), so a new location needs no row to take payments.
    payment_methods = models.JSONField(
        _("payment methods accepted"),
        default=list,
        blank=True,
        validators=[validate_payment_methods],
        help_text=_(
            "None ticked: the defaults of the location's currency (cash, card and bank "
            "transfer everywhere; Pix in BRL)."
        ),
    )

    # What a session that did not happen as booked counts for a commission: the share of
    # its price the patient is charged (and the clinic takes its commission on).
    no_show_session_percent = models.DecimalField(
        _("share of the price a no-show session counts (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=PERCENT,
    )
    late_cancel_session_percent = models.DecimalField(
        _("share of the price a late-cancelled session counts (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=PERCENT,
    )

    class Meta:
        verbose_name = _("billing policy")
        verbose_name_plural = _("billing policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(late_cancel_percent__gte=0, late_cancel_percent__lte=100),
                name="late_cancel_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(no_show_percent__gte=0, no_show_percent__lte=100),
                name="no_show_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return str(self.location)


class ChargeRule(models.Model):
    """The percentage of its price that a booking's late cancellation or no-show costs,
    fixed by the booking service in the transaction that cancelled it late or marked it a
    no-show (billing.charge_rules.fix). Like a booking keeps the price it was booked at,
    its charge keeps the rule it was incurred under: changing a location's billing
    policy in March never rewrites January's charges. Undo and do again fixes the rule
    in force at the second time."""

    booking = models.OneToOneField(
        "scheduling.Booking",
        on_delete=models.CASCADE,
        related_name="charge_rule",
        verbose_name=_("booking"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ChargeKind.choices)
    percent = models.DecimalField(
        _("percentage of the price"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    fixed_at = models.DateTimeField(_("fixed at"))

    class Meta:
        verbose_name = _("charge rule")
        verbose_name_plural = _("charge rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="charge_rule_percent_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.percent}% (booking #{self.booking_id})"


class PriceAgreement(models.Model):
    """A professional's own hourly rate or discount, from one date to another, for every
    room, one location or one room. The most specific agreement in force on the booking's
    local date wins (room, then location, then everywhere; the latest start among equals)."""

    professional = models.ForeignKey(
        "professionals.Professional",
        on_delete=models.CASCADE,
        related_name="price_agreements",
        verbose_name=_("professional"),
    )
    location = models.ForeignKey(
        "scheduling.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    room = models.ForeignKey(
        "scheduling.Room",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until (inclusive)"), null=True, blank=True)
    hourly_price = models.DecimalField(
        _("hourly price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In the location's currency. Leave empty to give a discount instead."),
    )
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["professional", "-valid_from"]
        verbose_name = _("price agreement")
        verbose_name_plural = _("price agreements")
        constraints = [
            models.CheckConstraint(
                condition=(Q(hourly_price__isnull=False) & Q(discount_percent__isnull=True))
                | (Q(hourly_price__isnull=True) & Q(discount_percent__isnull=False)),
                name="agreement_is_a_price_or_a_discount",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(hourly_price__isnull=True) | Q(hourly_price__gte=0),
                name="agreement_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__isnull=True)
                | Q(discount_percent__gte=0, discount_percent__lte=100),
                name="agreement_discount_0_100",
            ),
        ]

    def __str__(self) -> str:
        what = (
            f"{self.hourly_price}/h"
            if self.hourly_price is not None
            else f"-{self.discount_percent}%"
        )
        return f"{self.professional} {what} from {self.valid_from}"

    def clean(self) -> None:
        if (self.hourly_price is None) == (self.discount_percent is None):
            raise ValidationError(_("Give either an hourly price or a discount, not both."))
        if self.room_id and self.location_id and self.room.location_id != self.location_id:
            raise ValidationError({"room": _("That room is not at that location.")})


class ShareModel(models.TextChoices):
    RENT = "rent", _("Hourly rent")
    COMMISSION = "commission", _("Commission")
    BOTH = "both", _("Hourly rent and commission")


class Collector(models.TextChoices):
    """Who takes the patient's money for a session."""

    CLINIC = "clinic", _("The clinic")
    PROFESSIONAL = "professional", _("The professional")


class RevenueAgreement(models.Model):
    """How a professional and the clinic share what the professional earns, from one date
    to another: hourly rent for the rooms (today's model, priced by PriceAgreement),
    a commission (the clinic's share of each session's price), or both; and who collects
    the patient's money. A professional without an agreement in force pays rent only."""

    professional = models.ForeignKey(
        "professionals.Professional",
        on_delete=models.CASCADE,
        related_name="revenue_agreements",
        verbose_name=_("professional"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until (inclusive)"), null=True, blank=True)
    model = models.CharField(_("model"), max_length=12, choices=ShareModel.choices)
    clinic_share_percent = models.DecimalField(
        _("clinic's share of each session (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("The professional keeps the rest. Needed for a commission."),
    )
    collector = models.CharField(
        _("who collects the patient's payment"),
        max_length=12,
        choices=Collector.choices,
        default=Collector.PROFESSIONAL,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["professional", "-valid_from"]
        verbose_name = _("revenue agreement")
        verbose_name_plural = _("revenue agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="revenue_agreement_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(clinic_share_percent__isnull=True)
                | Q(clinic_share_percent__gte=0, clinic_share_percent__lte=100),
                name="revenue_agreement_share_0_100",
            ),
            models.CheckConstraint(
                condition=Q(model="rent") | Q(clinic_share_percent__isnull=False),
                name="revenue_agreement_commission_has_a_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional} {self.get_model_display()} from {self.valid_from}"

    @property
    def takes_commission(self) -> bool:
        return self.model in (ShareModel.COMMISSION, ShareModel.BOTH)

    @property
    def charges_rent(self) -> bool:
        return self.model in (ShareModel.RENT, ShareModel.BOTH)

    @property
    def professional_share_percent(self) -> Decimal | None:
        if self.clinic_share_percent is None:
            return None
        return Decimal("100") - self.clinic_share_percent

    def clean(self) -> None:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The agreement cannot end before it starts.")})
        if self.model != ShareModel.RENT and self.clinic_share_percent is None:
            raise ValidationError(
                {"clinic_share_percent": _("A commission needs the clinic's share in %.")}
            )
        if self.model == ShareModel.RENT:
            self.clinic_share_percent = None


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    PIX = "pix", _("Pix")


class Payment(models.Model):
    """Money received from a professional, or (with `reverses`) the reversal of such a
    payment: a row with the opposite amount. Never edited, never deleted."""

    professional = models.ForeignKey(
        "professionals.Professional",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("professional"),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    received_on = models.DateField(_("received on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [("reverse_payment", _("Can reverse a payment"))]
        indexes = [models.Index(fields=["professional", "received_on"])]
        constraints = [
            # A payment is positive; only a reversal is negative. The one-to-one on
            # `reverses` makes a second reversal of the same payment impossible.
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
                | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="payment_positive_reversal_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.professional} {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        # Money received is history: a mistake is answered by a reversal, not an edit.
        if not self._state.adding:
            raise ValueError("A recorded payment cannot be changed; reverse it instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A recorded payment cannot be deleted; reverse it instead.")

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class Allocation(models.Model):
    """The part of a payment that settles one booking's charge. A reversal carries the
    opposite allocations of the payment it reverses."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("payment")
    )
    booking = models.ForeignKey(
        "scheduling.Booking",
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("booking"),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "booking"], name="allocation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of payment #{self.payment_id} → booking #{self.booking_id}"


class StatementBatch(models.Model):
    """ "Issue all statements for a month": what to issue, so any worker (a page poll, the
    management command) can carry on where the last one stopped."""

    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    month = models.PositiveSmallIntegerField(verbose_name=_("month"))
    targets = models.JSONField(
        default=list, help_text="[[professional_id, currency], ...]", verbose_name=_("targets")
    )
    send_email = models.BooleanField(default=False, verbose_name=_("send email"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    source = models.CharField(max_length=12, choices=Source.choices, verbose_name=_("source"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("statement batch")
        verbose_name_plural = _("statement batches")

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} ({len(self.targets)})"

    @property
    def total(self) -> int:
        return len(self.targets)


class Statement(models.Model):
    """One issued monthly statement: the PDF exactly as sent and its totals. Immutable;
    issuing again creates a new version that `replaces` this one."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    professional = models.ForeignKey(
        "professionals.Professional",
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("professional"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    currency = models.CharField(_("currency"), max_length=3)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    opening_balance = models.DecimalField(_("opening balance"), max_digits=12, decimal_places=2)
    charges_total = models.DecimalField(_("charges"), max_digits=12, decimal_places=2)
    payments_total = models.DecimalField(_("payments"), max_digits=12, decimal_places=2)
    closing_balance = models.DecimalField(_("closing balance"), max_digits=12, decimal_places=2)
    totals = models.JSONField(_("totals"), default=dict)
    line_count = models.PositiveIntegerField(_("charges"), default=0)
    pdf = models.BinaryField(_("PDF"))
    # The patients the PDF names (its sessions'): each download is a read of each of them,
    # recorded (billing.access.statement_pdf_for). Kept as the PDF is: as issued.
    patient_ids = models.JSONField(_("patients named"), default=list, blank=True)
    batch = models.ForeignKey(
        StatementBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("batch"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)

    class Meta:
        ordering = ["-year", "-month", "professional__name", "-version"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        permissions = [("export_billing", _("Can export bookings, payments and balances"))]
        constraints = [
            # Only one first version per professional, month and currency; later versions
            # each replace exactly one earlier statement (the one-to-one above).
            models.UniqueConstraint(
                fields=["professional", "year", "month", "currency"],
                condition=Q(replaces__isnull=True),
                name="one_first_statement_per_month",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="statement_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        # Issued statements are documents that were sent: only the service inserts them.
        if not self._state.adding:
            raise ValueError("An issued statement cannot be changed; issue a new version.")
        super().save(*args, **kwargs)

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def filename(self) -> str:
        return f"statement-{self.number}.pdf"


class PaymentKey(models.Model):
    """A client's retry key for recording a payment (the API's Idempotency-Key). Stored in
    the same transaction as the payment it produced, so a repeated request finds it and
    answers with the first payment instead of recording the money twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=200)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="+", verbose_name=_("payment")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment idempotency key")
        verbose_name_plural = _("payment idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="payment_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} → #{self.payment_id}"
