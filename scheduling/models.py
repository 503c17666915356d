"""Locations, rooms, bookings and the slot claims that make double-booking impossible."""

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.audit import Source  # noqa: F401 - the door of every change, re-exported

from . import timeslots


def validate_zone(value: str) -> None:
    if not timeslots.is_known_zone(value):
        raise ValidationError(_("“%(value)s” is not an IANA time zone."), params={"value": value})


class ApprovalMode(models.TextChoices):
    AUTO = "auto", _("Automatic: portal bookings are booked at once")
    MANUAL = "manual", _("Manual: staff approve every portal booking")
    KNOWN = "known", _("Automatic for known professionals (at least one executed booking)")


class Location(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    tz = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_zone],
        help_text=_("IANA time zone, e.g. America/Sao_Paulo."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="BRL",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code."))],
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Emails and documents for people here are in it, unless they chose another."),
    )
    # Sessions may be priced in these besides the location's own currency (Lima: USD).
    other_currencies = models.JSONField(
        _("other session currencies"),
        default=list,
        blank=True,
        help_text=_('Three-letter codes a session may also be priced in, e.g. ["USD"].'),
    )
    min_booking_minutes = models.PositiveIntegerField(
        _("shortest booking (minutes)"), default=15, validators=[MinValueValidator(15)]
    )
    max_booking_minutes = models.PositiveIntegerField(
        _("longest booking (minutes)"), default=8 * 60, validators=[MinValueValidator(15)]
    )
    # The clinic's policy for bookings professionals make themselves (portal or API).
    # Staff are not bound by it. See scheduling/policy.py.
    cancellation_deadline_hours = models.PositiveIntegerField(
        _("free cancellation until (hours before start)"),
        default=24,
        help_text=_(
            "A cancellation after this is recorded as late (and charged as billing says); "
            "professionals can no longer move the booking themselves."
        ),
    )
    reception_may_waive_late_fee = models.BooleanField(
        _("reception may waive late-cancellation fees"),
        default=False,
        help_text=_(
            "When staff cancel a booking late they choose to charge the late fee or waive it "
            "(with a reason). Managers may always waive; reception only when this is on."
        ),
    )
    booking_horizon_days = models.PositiveIntegerField(
        _("professionals book up to (days ahead)"),
        default=90,
        validators=[MinValueValidator(1)],
    )
    portal_min_minutes = models.PositiveIntegerField(
        _("shortest booking a professional may make (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(15)],
        help_text=_("Empty: the location's shortest booking."),
    )
    portal_max_minutes = models.PositiveIntegerField(
        _("longest booking a professional may make (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(15)],
        help_text=_("Empty: the location's longest booking."),
    )
    approval_mode = models.CharField(
        _("approval of portal bookings"),
        max_length=8,
        choices=ApprovalMode.choices,
        default=ApprovalMode.AUTO,
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def session_currencies(self) -> list[str]:
        """The currencies a session here may be priced in: the location's first."""
        return list(dict.fromkeys([self.currency, *(self.other_currencies or [])]))

    def clean(self) -> None:
        others = self.other_currencies
        if not isinstance(others, list) or not all(
            isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()
            for code in others
        ):
            raise ValidationError(
                {"other_currencies": _("Write a list of three-letter ISO 4217 codes.")}
            )
        if self.max_booking_minutes < self.min_booking_minutes:
            raise ValidationError(
                {
                    "max_booking_minutes": _(
                        "The longest booking must not be shorter than the shortest."
                    )
                }
            )
        for field in (
            "min_booking_minutes",
            "max_booking_minutes",
            "portal_min_minutes",
            "portal_max_minutes",
        ):
            value = getattr(self, field)
            if value is not None and value % timeslots.SLOT_MINUTES:
                raise ValidationError({field: _("Use a multiple of 15 minutes.")})
        low, high = self.portal_min_minutes, self.portal_max_minutes
        if low is not None and high is not None and high < low:
            raise ValidationError(
                {
                    "portal_max_minutes": _(
                        "The longest booking must not be shorter than the shortest."
                    )
                }
            )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One weekday's opening interval in the location's local time; a weekday without a row
    is closed."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("location")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(
        _("closes"), help_text=_("00:00 means midnight at the end of the day.")
    )

    class Meta:
        ordering = ["location", "weekday"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.UniqueConstraint(fields=["location", "weekday"], name="one_opening_per_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def closes_at_midnight(self) -> bool:
        return self.closes == time(0)

    def clean(self) -> None:
        for field in ("opens", "closes"):
            value = getattr(self, field)
            if value is not None and (value.minute % 15 or value.second or value.microsecond):
                raise ValidationError({field: _("Use a time on a 15-minute boundary.")})
        if self.opens is not None and self.closes is not None:
            if not self.closes_at_midnight and self.closes <= self.opens:
                raise ValidationError({"closes": _("Closing time must be after opening time.")})


class Feature(models.Model):
    """Equipment or a quality of a room a professional may search for (couch, sink, ...)."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("feature")
        verbose_name_plural = _("features")

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("location")
    )
    name = models.CharField(_("name"), max_length=120)
    hourly_price = models.DecimalField(
        _("hourly price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#4f7cac",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #4f7cac."))],
    )
    features = models.ManyToManyField(
        Feature, blank=True, related_name="rooms", verbose_name=_("features")
    )
    active = models.BooleanField(_("active"), default=True)
    # A location's one "Online" lane: virtual sessions sit in it and claim no room slot,
    # only their professional's (scheduling.services.places.online_room).
    is_virtual = models.BooleanField(_("online (virtual sessions)"), default=False)

    class Meta:
        ordering = ["location__name", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(
                fields=["location"],
                condition=Q(is_virtual=True),
                name="one_online_room_per_location",
            ),
            models.UniqueConstraint(
                fields=["location", "name"], name="room_name_unique_per_location"
            ),
            models.CheckConstraint(
                condition=Q(hourly_price__gte=0), name="room_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location.name})"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")  # awaits staff approval; holds its slots
    BOOKED = "booked", _("Booked")
    EXECUTED = "executed", _("Executed")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (
    BookingStatus.REQUESTED,
    BookingStatus.BOOKED,
    BookingStatus.EXECUTED,
    BookingStatus.NO_SHOW,
)


class SessionType(models.TextChoices):
    ON_SITE = "on_site", _("On-site")
    VIRTUAL = "virtual", _("Virtual")


class BookingQuerySet(models.QuerySet):
    def active(self):
        """Everything that holds its slots: requested, booked, executed, no-show."""
        return self.exclude(status=BookingStatus.CANCELLED)

    def requested(self):
        return self.filter(status=BookingStatus.REQUESTED)

    def overlapping(self, starts_at: datetime, ends_at: datetime):
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def for_page(self):
        return self.select_related("room__location", "professional")


class Booking(models.Model):
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("room")
    )
    professional = models.ForeignKey(
        "professionals.Professional",
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("professional"),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    cancelled_late = models.BooleanField(
        _("cancelled late"),
        default=False,
        help_text=_("Cancelled after the location's free-cancellation deadline."),
    )
    # A late cancellation stays late (cancelled_late) when staff waive its fee: the fact
    # is kept for the record, billing charges nothing for it. Who waived, when and from
    # where is in the booking's history (the "cancelled" BookingChange).
    late_fee_waived = models.BooleanField(
        _("late fee waived"),
        default=False,
        help_text=_("Cancelled late, but staff waived the late-cancellation fee."),
    )
    late_fee_waiver_reason = models.CharField(
        _("why the late fee was waived"), max_length=300, blank=True
    )
    # The session held in the booked time: whom it is for, how, and what the patient pays
    # (`price` above is the room's rent; a virtual session pays none).
    session_type = models.CharField(
        _("session type"), max_length=8, choices=SessionType.choices, default=SessionType.ON_SITE
    )
    patients = models.ManyToManyField(
        "patients.Patient", blank=True, related_name="bookings", verbose_name=_("patients")
    )
    session_price = models.DecimalField(
        _("session price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    session_currency = models.CharField(_("session currency"), max_length=3, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "room_id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        permissions = [
            ("waive_late_fee", _("Can waive a late-cancellation fee at any location")),
        ]
        indexes = [
            models.Index(fields=["room", "starts_at"]),
            models.Index(fields=["professional", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="booking_price_not_negative"),
            models.CheckConstraint(
                condition=Q(session_price__isnull=True) | Q(session_price__gte=0),
                name="booking_session_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        # Shown to people (admin titles, breadcrumbs): the location's local time.
        local_start = self.starts_at.astimezone(self.room.location.zone)
        return f"#{self.pk} {self.room} {local_start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status != BookingStatus.CANCELLED

    @property
    def is_virtual(self) -> bool:
        return self.session_type == SessionType.VIRTUAL

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SlotClaim(models.Model):
    """One 15-minute slot of one resource (a room or a professional) held by one active
    booking. The unique constraints are the guarantee: a slot cannot be claimed twice."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="claims", verbose_name=_("booking")
    )
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("room")
    )
    professional = models.ForeignKey(
        "professionals.Professional",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("professional"),
    )
    slot_start = models.DateTimeField(verbose_name=_("slot start"))

    class Meta:
        verbose_name = _("slot claim")
        verbose_name_plural = _("slot claims")
        constraints = [
            models.UniqueConstraint(
                fields=["room", "slot_start"],
                condition=Q(room__isnull=False),
                name="room_slot_claimed_once",
            ),
            models.UniqueConstraint(
                fields=["professional", "slot_start"],
                condition=Q(professional__isnull=False),
                name="professional_slot_claimed_once",
            ),
            models.CheckConstraint(
                condition=(Q(room__isnull=False) & Q(professional__isnull=True))
                | (Q(room__isnull=True) & Q(professional__isnull=False)),
                name="claim_is_for_exactly_one_resource",
            ),
        ]

    def __str__(self) -> str:
        who = f"room {self.room_id}" if self.room_id else f"professional {self.professional_id}"
        return f"{who} @ {self.slot_start:%Y-%m-%d %H:%M}Z"


class BookingChange(models.Model):
    """The history of a booking: who changed what, when and from where."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="changes", verbose_name=_("booking")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20)
    diff = models.JSONField(_("what changed"), default=dict, help_text=_("field: [from, to]"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("booking change")
        verbose_name_plural = _("booking changes")

    def __str__(self) -> str:
        # Shown to people (the admin's history rows): no time here, it is read in the
        # booking's zone beside it; no raw action code either.
        return gettext("Change to booking #%(pk)s") % {"pk": self.booking_id}


class IdempotencyKey(models.Model):
    """A client's retry key. Stored in the same transaction as the booking it produced, so a
    repeated request finds it and returns the first result instead of booking again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(max_length=200, verbose_name=_("key"))
    fingerprint = models.CharField(max_length=64, verbose_name=_("fingerprint"))
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("booking")
    )
    status_code = models.PositiveSmallIntegerField(default=201, verbose_name=_("status code"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} → #{self.booking_id}"
