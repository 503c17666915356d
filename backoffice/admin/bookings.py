"""Admin for staff: bookings (locations and rooms are in places.py).

Bookings are written only by the booking service: the form hands every add and edit to it
(backoffice.admin.forms), the status actions call it one booking at a time, and nothing can be
deleted (cancel instead). Claims, history and idempotency keys are read-only."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import formats
from accounts.audit import actor_from_request
from backoffice import history
from backoffice.admin.forms import BookingAdminForm, refusal_messages
from backoffice.admin.read_only import ReadOnly
from billing import late_fees
from billing import ledger as billing_ledger
from billing import marks as billing_marks
from billing import money as billing_money
from scheduling import services
from scheduling.errors import BookingError
from scheduling.models import (
    Booking,
    BookingChange,
    BookingStatus,
    IdempotencyKey,
    SlotClaim,
    Source,
)


def local_span(booking: Booking) -> str:
    """ "Mon 03 Mar 2025 09:00–10:00 (-03)" in the booking's location zone."""
    tz = booking.room.location.zone
    start, end = booking.starts_at.astimezone(tz), booking.ends_at.astimezone(tz)
    return f"{formats.span(start, end)} ({formats.offset(start)})"


def changeform_outside_transaction(model_admin, request, object_id, form_url, extra_context):
    """Django's add/change view without the transaction its public `changeform_view`
    wraps every POST in. The booking service opens its own durable transaction (so nobody
    nests it by accident) and refuses to run inside another; no public admin hook skips
    the wrapper, so this one adapter calls Django's private `_changeform_view`.
    tests/admin/test_django_contract.py fails loudly if a Django upgrade changes that."""
    return model_admin._changeform_view(request, object_id, form_url, extra_context)


class UpcomingFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Started or over"))]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gte=timezone.now())
        if self.value() == "past":
            return queryset.filter(starts_at__lt=timezone.now())
        return queryset


class BookingChangeInline(ReadOnly, admin.TabularInline):
    """The booking's history in words, each time in the zone of the booking's location."""

    model = BookingChange
    extra = 0
    can_delete = False
    fields = ["when", "what", "by_whom", "ip"]
    readonly_fields = fields
    verbose_name = _("change")
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "booking__room__location")

    def _zone(self, change):
        return change.booking.room.location.zone

    @admin.display(description=_("when"))
    def when(self, change):
        return history.local_at(change, self._zone(change))

    @admin.display(description=_("what"))
    def what(self, change):
        return history.describe(change, self._zone(change), self._rooms(change))

    def _rooms(self, change) -> dict[int, str]:
        # The names of every room the booking's history mentions, read once per page (an
        # inline is built for each request), not once per change.
        cached = getattr(self, "_room_cache", None)
        if cached is None or cached[0] != change.booking_id:
            changes = BookingChange.objects.filter(booking_id=change.booking_id).only("diff")
            cached = self._room_cache = (change.booking_id, history.room_names(changes))
        return cached[1]

    @admin.display(description=_("by"))
    def by_whom(self, change):
        return history.who(change)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    form = BookingAdminForm
    list_display = [
        "pk",
        "when",
        "room",
        "location",
        "professional",
        "status",
        "price_label",
        "payment_label",
    ]
    list_display_links = ["pk", "when"]
    list_filter = [
        UpcomingFilter,
        "status",
        "cancelled_late",
        "late_fee_waived",
        "room__location",
        "source",
        "room",
        "professional",
    ]
    search_fields = ["=id", "professional__name", "room__name", "room__location__name", "notes"]
    date_hierarchy = "starts_at"
    list_select_related = ["room__location", "professional"]
    list_per_page = 50
    autocomplete_fields = ["professional"]
    actions = ["approve", "decline", "mark_executed", "mark_no_show", "cancel"]
    inlines = [BookingChangeInline]
    add_fields = ["room", "professional", "day", "starts", "ends", "notes"]
    change_fields = [
        "professional",
        "room",
        "day",
        "starts",
        "ends",
        "status",
        "cancellation_reason",
        "late_fee",
        "waiver_reason",
        "cancelled_late",
        "late_fee_waived",
        "late_fee_waiver_reason",
        "notes",
        "price_label",
        "payment_label",
        "session_type",
        "session_price_label",
        "patient_count",
        "source",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ]
    change_readonly = [
        "professional",
        "session_type",
        "session_price_label",
        "patient_count",
        "cancelled_late",
        "late_fee_waived",
        "late_fee_waiver_reason",
        "price_label",
        "payment_label",
        "source",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        if obj.status != BookingStatus.BOOKED:
            # The charge-or-waive choice belongs to cancelling; once cancelled (or held),
            # the read-only fields below say what was decided.
            return [f for f in self.change_fields if f not in ("late_fee", "waiver_reason")]
        return self.change_fields

    def get_readonly_fields(self, request, obj=None):
        return self.change_readonly if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # What cancelling costs is told only while there is something to cancel.
        cancellable = obj is not None and obj.status == BookingStatus.BOOKED
        terms = late_fees.terms(obj, request.user) if cancellable else None
        return type(form.__name__, (form,), {"request": request, "cancel_terms": terms})

    def get_object(self, request, object_id, from_field=None):
        booking = super().get_object(request, object_id, from_field)  # room__location joined
        request.integra_booking_zone = booking.room.location.zone if booking else None
        return booking

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Its read-only times (created, changed) are shown in the booking's location zone:
        # the page renders inside it (a TemplateResponse renders late, so after get_object
        # has read the booking; no second read for its zone).
        response = changeform_outside_transaction(self, request, object_id, form_url, extra_context)
        zone = getattr(request, "integra_booking_zone", None)
        if zone is not None and hasattr(response, "render"):
            with timezone.override(zone):
                response.render()
        return response

    def save_model(self, request, obj, form, change):
        """The form already handed the change to the booking service; a cancellation
        says what it cost."""
        if getattr(form, "cancelled", False):
            self.message_user(request, late_fees.outcome(obj), messages.SUCCESS)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("room__location", "professional")
        return billing_marks.with_payment_fields(queryset)  # payment state without queries

    @admin.display(description=_("when (local time)"), ordering="starts_at")
    def when(self, booking):
        return local_span(booking)

    @admin.display(description=_("location"), ordering="room__location__name")
    def location(self, booking):
        return booking.room.location.name

    @admin.display(description=_("session price"))
    def session_price_label(self, booking):
        if booking.session_price is None:
            return "—"
        return billing_money.format_money(booking.session_price, booking.session_currency)

    @admin.display(description=_("patients"))
    def patient_count(self, booking):
        # How many, never who: patients are read on the staff patient pages, where every
        # read is recorded.
        return booking.patients.count()

    @admin.display(description=_("price"), ordering="price")
    def price_label(self, booking):
        return billing_money.format_money(booking.price, booking.currency)

    @admin.display(description=_("payment"))
    def payment_label(self, booking):
        if not hasattr(booking, "billing_allocated"):  # a form's fresh instance
            return "—"
        state = billing_marks.state_of_booking(booking, billing_ledger.Policies())
        return billing_ledger.PaymentState.LABELS[state]

    def _apply(self, request, queryset, service, done_message):
        done = 0
        for booking in queryset.order_by("starts_at"):
            try:
                service(booking, **actor_from_request(request, Source.ADMIN).as_kwargs())
            except BookingError as error:
                self.message_user(
                    request,
                    _("#%(pk)s %(when)s: %(reason)s")
                    % {
                        "pk": booking.pk,
                        "when": local_span(booking),
                        "reason": " ".join(refusal_messages(error)),
                    },
                    messages.WARNING,
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Approve selected requests"))
    def approve(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.approve,
            lambda n: ngettext("%(count)d request approved.", "%(count)d requests approved.", n),
        )

    @admin.action(description=_("Decline selected requests"))
    def decline(self, request, queryset):
        def decline_one(booking, **who):
            return services.decline(booking, reason=str(_("Declined by the clinic.")), **who)

        self._apply(
            request,
            queryset,
            decline_one,
            lambda n: ngettext("%(count)d request declined.", "%(count)d requests declined.", n),
        )

    @admin.action(description=_("Mark selected bookings executed"))
    def mark_executed(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.mark_executed,
            lambda n: ngettext(
                "%(count)d booking marked executed.", "%(count)d bookings marked executed.", n
            ),
        )

    @admin.action(description=_("Mark selected bookings no-show"))
    def mark_no_show(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.mark_no_show,
            lambda n: ngettext(
                "%(count)d booking marked no-show.", "%(count)d bookings marked no-show.", n
            ),
        )

    @admin.action(description=_("Cancel selected bookings (late ones charged)"))
    def cancel(self, request, queryset):
        """Late ones are charged; to waive a fee, cancel from the booking's own page."""

        def cancel_one(booking, **who):
            cancelled = services.cancel(booking, **who)
            if cancelled.cancelled_late:
                self.message_user(
                    request,
                    _("#%(pk)s %(when)s: %(outcome)s")
                    % {
                        "pk": cancelled.pk,
                        "when": local_span(cancelled),
                        "outcome": late_fees.outcome(cancelled),
                    },
                    messages.WARNING,
                )
            return cancelled

        self._apply(
            request,
            queryset,
            cancel_one,
            lambda n: ngettext("%(count)d booking cancelled.", "%(count)d bookings cancelled.", n),
        )


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """History and guard rows: written by the booking service only, and internal (the raw
    history, slot claims, idempotency keys), so only a superuser sees them; reception and
    managers read a booking's history in words on its page."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(BookingChange)
class BookingChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "booking", "action", "source", "by", "ip"]
    list_filter = ["action", "source"]
    search_fields = ["=booking__id", "by__username", "booking__professional__name"]
    date_hierarchy = "at"
    list_select_related = ["booking__room__location", "by"]


@admin.register(SlotClaim)
class SlotClaimAdmin(ReadOnlyAdmin):
    list_display = ["slot_start", "booking", "room", "professional"]
    list_filter = ["room__location"]
    search_fields = ["=booking__id", "professional__name", "room__name"]
    list_select_related = ["booking__room__location", "room__location", "professional"]
    show_full_result_count = False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "key", "booking", "status_code"]
    search_fields = ["key", "user__username", "=booking__id"]
    list_select_related = ["user", "booking__room__location"]
