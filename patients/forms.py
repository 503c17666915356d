"""The patient form the staff pages and the portal share. It only parses; patients.services
decides what is allowed and says why in sentences, which `apply_refusal` puts beside the
fields."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.languages import reader_locale

from . import phones
from .models import DocumentType
from .phones import REGION_OF_LANGUAGE
from .services.records import FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The patient fields the form edits: exactly those the service may set.
VALUES = FIELDS


def region_choices() -> list[tuple[str, str]]:
    """Every country phonenumbers knows, named in the reader's language, by name."""
    names = reader_locale().territories
    rows = [
        (code, f"{names.get(code, code)} (+{phonenumbers.country_code_for_region(code)})")
        for code in phonenumbers.SUPPORTED_REGIONS
    ]
    return sorted(rows, key=lambda row: row[1].casefold())


def default_region() -> str:
    """Where a number typed without "+country" is read from: the reader's language's."""
    return REGION_OF_LANGUAGE.get(translation.get_language() or "", "PT")


class PatientForm(forms.Form):
    """A patient's details, as staff (backoffice) and professionals (portal) edit them."""

    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=120, required=False)
    document_type = forms.ChoiceField(
        label=_("ID document"),
        choices=[("", _("— none —")), *DocumentType.choices],
        required=False,
    )
    document_number = forms.CharField(label=_("Document number"), max_length=30, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    email = forms.EmailField(label=_("Email"), max_length=150, required=False)
    phone_region = forms.ChoiceField(
        label=_("Phone country"),
        required=False,
        help_text=_("Where a number typed without its country code is from."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("— the clinic's —")), *settings.LANGUAGES],
        required=False,
    )
    consent_email = forms.BooleanField(label=_("May be contacted by email"), required=False)
    consent_whatsapp = forms.BooleanField(label=_("May be contacted by WhatsApp"), required=False)
    consent_sms = forms.BooleanField(label=_("May be contacted by SMS"), required=False)
    consent_surveys = forms.BooleanField(label=_("Receives satisfaction surveys"), required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DATE)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["phone_region"].choices = region_choices()
        self.fields["phone_region"].initial = default_region()

    def values(self) -> dict:
        """What the service sets (a blank join date keeps the default: today)."""
        values = {name: self.cleaned_data[name] for name in VALUES}
        if values["joined_on"] is None:
            values.pop("joined_on")
        return values

    @property
    def region(self) -> str:
        return self.cleaned_data.get("phone_region") or default_region()


def initial_of(patient) -> dict:
    """The form's starting values for `patient` (the phone written internationally)."""
    initial = {name: getattr(patient, name) for name in VALUES}
    initial["phone"] = phones.display(patient.phone)
    return initial


def apply_refusal(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: each sentence beside its field, the rest (and
    fields the form does not have) above it."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
