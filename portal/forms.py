"""What a professional types on the portal, checked into sentences they understand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scheduling.models import Feature, Location, Room

from . import slots


def length_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": minutes}
    if not rest:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": rest}


class FindForm(forms.Form):
    """Find a slot: a day or a range of days, a length, and optionally where and with what."""

    day = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: one week."),
    )
    minutes = forms.TypedChoiceField(label=gettext_lazy("Length"), coerce=int)
    location = forms.ModelChoiceField(
        label=gettext_lazy("Where"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everywhere"),
    )
    features = forms.ModelMultipleChoiceField(
        label=gettext_lazy("The room has"),
        queryset=Feature.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="name",
    )

    def __init__(self, data, *, today: date, lengths: list[int], fixed_minutes=None):
        super().__init__(data)
        self.today = today
        self.fixed_minutes = fixed_minutes
        self.fields["location"].queryset = Location.objects.filter(rooms__active=True).distinct()
        self.fields["features"].queryset = Feature.objects.filter(rooms__active=True).distinct()
        choices = [(m, length_label(m)) for m in lengths]
        if fixed_minutes and fixed_minutes not in lengths:
            choices.append((fixed_minutes, length_label(fixed_minutes)))
        self.fields["minutes"].choices = choices

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < self.today:
            raise forms.ValidationError(_("That day has passed; choose today or later."))
        return day

    def clean(self):
        cleaned = super().clean()
        day, until = cleaned.get("day"), cleaned.get("until")
        if day and until:
            if until < day:
                self.add_error("until", _("“Until” must not be before “From”."))
            elif (until - day).days >= slots.MAX_DAYS:
                self.add_error(
                    "until",
                    _("Search at most %(days)d days at a time.") % {"days": slots.MAX_DAYS},
                )
        return cleaned

    @property
    def last_day(self) -> date:
        day = self.cleaned_data["day"]
        return self.cleaned_data.get("until") or day + timedelta(days=6)


class SlotForm(forms.Form):
    """One slot chosen from the list: a room, a start (UTC) and a length."""

    room = forms.ModelChoiceField(
        queryset=Room.objects.filter(active=True).select_related("location"),
        error_messages={"invalid_choice": gettext_lazy("That room cannot be booked.")},
    )
    starts_at = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"])
    minutes = forms.IntegerField(min_value=15, max_value=24 * 60)

    def clean_starts_at(self):
        return self.cleaned_data["starts_at"].astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        return self.cleaned_data["starts_at"] + timedelta(minutes=self.cleaned_data["minutes"])


ONLINE = "online"  # the room radio that means "a virtual session, no room"


class SessionForm(forms.Form):
    """Who and what the session is: its patients (checked in the sheet), its price and
    currency, and for a virtual one its video link. Only parsed here: the booking service
    decides (a patient not mine, a currency the location does not take, a link that is
    not https:// each come back as its sentence)."""

    patients = forms.TypedMultipleChoiceField(coerce=int, required=False)
    session_price = forms.DecimalField(
        label=gettext_lazy("Session price"), required=False, min_value=0, max_digits=10
    )
    session_currency = forms.CharField(required=False, max_length=3)
    video_link = forms.CharField(
        label=gettext_lazy("Video link"), required=False, max_length=500, strip=True
    )

    def __init__(self, data):
        super().__init__(data)
        # Any number: whose they are is the booking service's question, not the form's.
        self.fields["patients"].valid_value = lambda value: str(value).isdigit()

    def service_kwargs(self, *, virtual: bool) -> dict:
        data = self.cleaned_data
        return {
            "patients": data["patients"],
            "session_price": data["session_price"],
            "session_currency": data["session_currency"],
            "video_link": data["video_link"] if virtual else "",
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional, reception reads it)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
