"""Admin: prices and policies are edited here; money rows are read-only (payments and
reversals go through the billing page, statements are issued, never edited)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from backoffice.admin.numbers import LocalNumbers
from backoffice.admin.read_only import ReadOnly
from billing import payment_methods
from billing.models import (
    Allocation,
    BillingPolicy,
    Payment,
    PaymentMethod,
    PriceAgreement,
    RevenueAgreement,
    Statement,
)
from billing.services.revenue import check_no_overlap


class PaymentMethodsField(forms.MultipleChoiceField):
    """Ticks for the policy's payment methods (the column holds a JSON list)."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        return payment_methods.ordered(super().clean(value))


@admin.register(BillingPolicy)
class BillingPolicyAdmin(LocalNumbers, admin.ModelAdmin):
    list_display = ["location", "late_cancel_percent", "no_show_percent", "methods"]
    list_select_related = ["location"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "payment_methods":
            return PaymentMethodsField(
                label=db_field.verbose_name,
                choices=PaymentMethod.choices,
                required=False,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("payment methods accepted"))
    def methods(self, policy):
        accepted = payment_methods.accepted_under(policy, policy.location)
        return ", ".join(payment_methods.label(method) for method in accepted)


@admin.register(PriceAgreement)
class PriceAgreementAdmin(LocalNumbers, admin.ModelAdmin):
    list_display = [
        "professional",
        "location",
        "room",
        "valid_from",
        "valid_until",
        "hourly_price",
        "discount_percent",
    ]
    list_filter = ["location"]
    search_fields = ["professional__name"]


class RevenueAgreementForm(forms.ModelForm):
    class Meta:
        model = RevenueAgreement
        fields = [
            "professional",
            "valid_from",
            "valid_until",
            "model",
            "clinic_share_percent",
            "collector",
            "note",
        ]

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                check_no_overlap(self.instance)
            except forms.ValidationError as error:
                self.add_error(None, error)


@admin.register(RevenueAgreement)
class RevenueAgreementAdmin(LocalNumbers, admin.ModelAdmin):
    """Rent, commission or both, with dates; the form refuses an agreement overlapping
    another of the same professional (billing.services.revenue's rule; the API writes
    through that service)."""

    form = RevenueAgreementForm
    list_display = [
        "professional",
        "valid_from",
        "valid_until",
        "model",
        "clinic_share_percent",
        "collector",
    ]
    list_filter = ["model", "collector"]
    list_select_related = ["professional"]
    search_fields = ["professional__name"]


class AllocationInline(ReadOnly, admin.TabularInline):
    model = Allocation
    fk_name = "payment"
    extra = 0


@admin.register(Payment)
class PaymentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["pk", "received_on", "professional", "amount", "currency", "method", "reverses"]
    list_filter = ["method", "currency"]
    search_fields = ["professional__name", "note"]
    inlines = [AllocationInline]


@admin.register(Statement)
class StatementAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "professional", "year", "month", "version", "closing_balance"]
    list_filter = ["year", "month"]
    search_fields = ["number", "professional__name"]
    exclude = ["pdf"]
