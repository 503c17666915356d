"""Forms of the billing page. They only parse; the services decide what is allowed."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import PaymentMethod
from professionals.models import Professional
from scheduling.models import BookingStatus, Location


def parse_month(text: str | None) -> tuple[int, int]:
    """ "2026-10" → (2026, 10); anything else → the current month (UTC)."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        date(year, month, 1)
        return year, month
    except (ValueError, TypeError):
        today = timezone.now().date()
        return today.year, today.month


class UnsuffixedForm(forms.Form):
    """Labels without a trailing colon, like the rest of the backoffice."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PaymentForm(UnsuffixedForm):
    professional = forms.IntegerField(label=_("Professional"))
    amount = forms.CharField(label=_("Amount"), max_length=30)
    currency = forms.CharField(label=_("Currency"), max_length=10)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    # Empty means today at the location (the service knows its zone).
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    bookings = forms.CharField(
        label=_("Only these bookings"),
        required=False,
        help_text=_("Booking numbers separated by commas; empty settles the oldest first."),
    )

    def clean_bookings(self):
        text = self.cleaned_data["bookings"].replace("#", "").strip()
        if not text:
            return None
        try:
            return [int(part) for part in text.replace(" ", ",").split(",") if part]
        except ValueError:
            raise forms.ValidationError(_("Give booking numbers like 12, 15.")) from None


class ReversalForm(forms.Form):
    reason = forms.CharField(label=_("Why is it reversed?"), max_length=1000)


class ExportForm(UnsuffixedForm):
    KINDS = [
        ("bookings", _("Bookings")),
        ("payments", _("Payments")),
        ("professionals", _("Professionals who joined")),
    ]
    STATUSES = (
        [("", _("Any"))]
        + list(BookingStatus.choices)
        + [
            ("active", _("Active professionals")),
            ("inactive", _("Inactive professionals")),
        ]
    )

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    location = forms.ModelChoiceField(Location.objects.all(), label=_("Location"), required=False)
    professional = forms.ModelChoiceField(
        Professional.objects.all(), label=_("Professional"), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data
