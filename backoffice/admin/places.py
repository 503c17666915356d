"""Admin for staff: locations (with their opening hours), rooms and features. Reception
reads them; a manager changes them (accounts.roles)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from backoffice import calendar_html
from backoffice.admin.numbers import LocalNumbers
from billing import money as billing_money
from scheduling.models import Feature, Location, OpeningHours, Room
from scheduling.policy import POLICY_FIELDS


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    max_num = 7


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "tz", "currency", "room_count", "address"]
    search_fields = ["name", "address"]
    list_filter = ["currency", "tz", "approval_mode"]
    inlines = [OpeningHoursInline]
    fieldsets = [
        (None, {"fields": ["name", "address", "tz", "currency"]}),
        (
            _("Booking lengths (everyone)"),
            {"fields": ["min_booking_minutes", "max_booking_minutes"]},
        ),
        (
            _("Policy for professionals' own bookings (portal and API)"),
            {
                "fields": POLICY_FIELDS,
                "description": _(
                    "Staff are not bound by the horizon, lengths and approval. A known "
                    "professional has at least one executed booking. A cancellation after "
                    "the deadline is late whoever cancels, and billed as the location's "
                    "billing policy says, unless staff waive the fee: a manager always may, "
                    "reception only where this location allows it."
                ),
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Only who may waive a fee anywhere (a manager) grants reception the right here.
        if request.user.has_perm("scheduling.waive_late_fee"):
            return []
        return ["reception_may_waive_late_fee"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(room_total=Count("rooms"))

    @admin.display(description=_("rooms"), ordering="room_total")
    def room_count(self, location):
        return location.room_total


@admin.register(Feature)
class FeatureAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Room)
class RoomAdmin(LocalNumbers, admin.ModelAdmin):
    list_display = ["name", "location", "price", "swatch", "feature_list", "active"]
    list_filter = ["location", "active", "features"]
    search_fields = ["name", "location__name", "features__name"]
    list_select_related = ["location"]
    filter_horizontal = ["features"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("features")

    @admin.display(description=_("hourly price"), ordering="hourly_price")
    def price(self, room):
        return billing_money.format_money(room.hourly_price, room.location.currency)

    @admin.display(description=_("colour"))
    def swatch(self, room):
        return format_html("{} {}", calendar_html.swatch(room.colour, "1.2em"), room.colour)

    @admin.display(description=_("features"))
    def feature_list(self, room):
        return ", ".join(feature.name for feature in room.features.all())
