"""Admin: prices and policies are edited here; money rows are read-only (payments and
reversals go through the billing page, statements are issued, never edited)."""

from django.contrib import admin

from .models import Allocation, BillingPolicy, Payment, PriceAgreement, Statement


@admin.register(BillingPolicy)
class BillingPolicyAdmin(admin.ModelAdmin):
    list_display = ["location", "late_cancel_percent", "no_show_percent"]
    # The deadline is the location's (scheduling policy); each booking records whether it
    # was cancelled late, and billing charges that.
    exclude = ["cancellation_deadline_hours"]


@admin.register(PriceAgreement)
class PriceAgreementAdmin(admin.ModelAdmin):
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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AllocationInline(admin.TabularInline):
    model = Allocation
    fk_name = "payment"
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "received_on", "professional", "amount", "currency", "method", "reverses"]
    list_filter = ["method", "currency"]
    search_fields = ["professional__name", "note"]
    inlines = [AllocationInline]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["number", "professional", "year", "month", "version", "closing_balance"]
    list_filter = ["year", "month"]
    search_fields = ["number", "professional__name"]
    exclude = ["pdf"]
