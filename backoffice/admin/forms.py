"""The admin's booking form. It never saves a booking itself: once every field is valid,
`clean()` hands the change to the booking service, so the admin meets the same guard as
every other door and a refusal comes back as a form error instead of a crash."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import formats
from accounts.audit import actor_from_request
from scheduling import services
from scheduling.errors import BookingError, InvalidBooking, SlotTaken
from scheduling.models import Booking, BookingStatus, Source

# The service names its arguments; the form names its fields after what a person types.
ERROR_FIELDS = {"starts_at": "starts", "ends_at": "ends", "reason": "cancellation_reason"}

LATE_FEE_CHOICES = [
    ("charge", gettext_lazy("Charge the late fee")),
    ("waive", gettext_lazy("Waive it (say why below)")),
]

STATUS_SERVICES = {
    BookingStatus.EXECUTED: services.mark_executed,
    BookingStatus.NO_SHOW: services.mark_no_show,
}


def refusal_messages(error: BookingError) -> list[str]:
    """The service's sentence, then the nearest free windows it suggested (local times)."""
    lines = [error.message]
    if isinstance(error, SlotTaken) and error.alternatives:
        lines.append(_("Nearest free times:"))
        for window in error.alternatives:
            lines.append(
                _("%(room)s, %(day)s %(start)s–%(end)s")
                % {
                    "room": window.room_name,
                    "day": formats.short_day(window.local_starts_at),
                    "start": formats.hm(window.local_starts_at),
                    "end": formats.hm(window.local_ends_at),
                }
            )
    return lines


class BookingAdminForm(forms.ModelForm):
    """Day and times are typed in the location's local time, as on the calendar."""

    day = forms.DateField(label=gettext_lazy("Day"), widget=widgets.AdminDateWidget)
    starts = forms.TimeField(
        label=gettext_lazy("From"),
        widget=forms.TimeInput(format="%H:%M", attrs={"size": 6}),
        help_text=gettext_lazy("Local time of the room's location, on the quarter hour."),
    )
    ends = forms.TimeField(
        label=gettext_lazy("To"),
        widget=forms.TimeInput(format="%H:%M", attrs={"size": 6}),
        help_text=gettext_lazy("00:00 means midnight at the end of the day."),
    )
    cancellation_reason = forms.CharField(
        label=gettext_lazy("Cancellation reason"), max_length=300, required=False
    )
    late_fee = forms.ChoiceField(
        label=gettext_lazy("If cancelled late"),
        choices=LATE_FEE_CHOICES,
        initial="charge",
        required=False,
        widget=forms.RadioSelect,
    )
    waiver_reason = forms.CharField(
        label=gettext_lazy("Why the late fee is waived"), max_length=300, required=False
    )

    # Set by BookingAdmin.get_form: who is making the change and from where, and what
    # cancelling would cost now (billing.late_fees.CancellationTerms, or None).
    request = None
    cancel_terms = None
    # Set by clean() when the save cancelled the booking, for the admin's message.
    cancelled = False

    class Meta:
        model = Booking
        fields = ["room", "professional", "status", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        booking = self.instance
        if booking.pk:
            tz = booking.room.location.zone
            local_start = booking.starts_at.astimezone(tz)
            self.initial.setdefault("day", local_start.date())
            self.initial.setdefault("starts", local_start.time())
            self.initial.setdefault("ends", booking.ends_at.astimezone(tz).time())
            self.initial.setdefault("cancellation_reason", booking.cancellation_reason)
        terms = self.cancel_terms
        if "late_fee" in self.fields and terms is not None:
            self.fields["late_fee"].help_text = " ".join(
                part for part in (terms.summary, terms.waiver_note) if part
            )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        room = cleaned.get("room") or self.instance.room
        tz = room.location.zone
        starts_at = datetime.combine(cleaned["day"], cleaned["starts"], tzinfo=tz)
        end_day = cleaned["day"] + timedelta(days=1) if cleaned["ends"] == time(0) else None
        ends_at = datetime.combine(end_day or cleaned["day"], cleaned["ends"], tzinfo=tz)
        try:
            if self.instance.pk:
                self.instance = self._change(cleaned, room, starts_at, ends_at)
            else:
                self.instance = self._create(cleaned, room, starts_at, ends_at)
        except BookingError as error:
            field = ERROR_FIELDS.get(getattr(error, "field", None), getattr(error, "field", None))
            if field not in self.fields:
                raise ValidationError(refusal_messages(error)) from None
            self.add_error(field, refusal_messages(error))
        return cleaned

    def _who(self) -> dict:
        return actor_from_request(self.request, Source.ADMIN).as_kwargs()

    def _create(self, cleaned, room, starts_at, ends_at) -> Booking:
        booking = services.book(
            room=room,
            professional=cleaned["professional"],
            starts_at=starts_at,
            ends_at=ends_at,
            notes=cleaned.get("notes", ""),
            allow_past=True,  # reception records what already happened
            **self._who(),
        )
        return booking

    def _change(self, cleaned, room, starts_at, ends_at) -> Booking:
        """One kind of change per save: a time/room change and a status change are separate
        transactions, and doing both could leave half of the edit behind."""
        booking = Booking.objects.select_related("room__location").get(pk=self.instance.pk)
        status = cleaned.get("status") or booking.status
        moved = (room.pk, starts_at, ends_at) != (
            booking.room_id,
            booking.starts_at,
            booking.ends_at,
        )
        if moved and status != booking.status:
            raise ValidationError(
                _("Change the time or room, or the status, but not both in one save.")
            )
        if moved:
            booking = services.move(
                booking,
                room=room,
                starts_at=starts_at,
                ends_at=ends_at,
                allow_past=True,
                **self._who(),
            )
        elif status != booking.status:
            booking = self._set_status(booking, status, cleaned)
        notes = cleaned.get("notes", booking.notes)
        if notes.strip() != booking.notes:
            booking = services.update_notes(booking, notes=notes, **self._who())
        return Booking.objects.for_page().get(pk=booking.pk)

    def _set_status(self, booking: Booking, status: str, cleaned) -> Booking:
        reason = cleaned.get("cancellation_reason", "")
        if booking.status == BookingStatus.REQUESTED and status == BookingStatus.BOOKED:
            return services.approve(booking, **self._who())
        if booking.status == BookingStatus.REQUESTED and status == BookingStatus.CANCELLED:
            return services.decline(booking, reason=reason, **self._who())
        if status == BookingStatus.REQUESTED:
            raise InvalidBooking(_("Only a professional's portal booking can be a request."))
        if status == BookingStatus.BOOKED:
            return services.restore(booking, **self._who())
        if status == BookingStatus.CANCELLED:
            cancelled = services.cancel(
                booking,
                reason=cleaned.get("cancellation_reason", ""),
                waive_late_fee=cleaned.get("late_fee") == "waive",
                waiver_reason=cleaned.get("waiver_reason", ""),
                **self._who(),
            )
            self.cancelled = True
            return cancelled
        return STATUS_SERVICES[status](booking, **self._who())
