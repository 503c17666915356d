"""Forms of the staff patient pages: the list's filters, guardians, the care team, erasure
(the patient form itself is patients.forms', shared with the portal). They only parse;
patients.services decides what is allowed and says why."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from patients.forms import DATE
from patients.models import RelationshipKind
from professionals.models import Professional

from .billing_forms import UnsuffixedForm


class ListFilters(UnsuffixedForm):
    """The patients list's filters; the new-patients CSV takes the same."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    joined_from = forms.DateField(label=_("Joined from"), required=False, widget=DATE)
    joined_to = forms.DateField(label=_("Joined until"), required=False, widget=DATE)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Active and inactive")),
            ("active", _("Active")),
            ("inactive", _("Inactive")),
        ],
    )
    professional = forms.ModelChoiceField(
        label=_("Care team"),
        queryset=Professional.objects.order_by("name"),
        required=False,
        empty_label=_("Any professional"),
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("joined_from"), cleaned.get("joined_to")
        if first and last and first > last:
            raise ValidationError(_("The first day of the period comes after its last."))
        return cleaned

    def filtered(self, patients):
        """`patients` narrowed by the filters (all of them when the form is invalid: the
        page then shows its errors and the unfiltered list)."""
        data = self.cleaned_data if self.is_valid() else {}
        patients = patients.matching(data.get("q", "")).joined_between(
            data.get("joined_from"), data.get("joined_to")
        )
        if data.get("state") == "active":
            patients = patients.filter(active=True, erased_at__isnull=True)
        elif data.get("state") == "inactive":
            patients = patients.exclude(active=True, erased_at__isnull=True)
        if data.get("professional"):
            patients = patients.filter(care_links__professional=data["professional"])
        return patients

    @property
    def searched(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("q", "").strip())


class GuardianForm(UnsuffixedForm):
    guardian = forms.IntegerField(label=_("Responsible adult"), min_value=1)
    kind = forms.ChoiceField(label=_("Kind"), choices=RelationshipKind.choices)
    receives_messages = forms.BooleanField(
        label=_("Receives messages for the minor"), required=False, initial=True
    )


class CareTeamForm(UnsuffixedForm):
    professional = forms.ModelChoiceField(
        label=_("Professional"), queryset=Professional.objects.filter(active=True).order_by("name")
    )
    discreet = forms.BooleanField(
        label=_("Reception sees only first name and initial"), required=False
    )


class EraseForm(UnsuffixedForm):
    confirmation = forms.CharField(
        label=_("Type the patient's full name to confirm"), max_length=250
    )

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_confirmation(self):
        typed = " ".join(self.cleaned_data["confirmation"].split())
        if typed.casefold() != " ".join(self.patient.full_name.split()).casefold():
            raise ValidationError(
                _("That is not this patient's full name; nothing was erased."),
                code="mismatch",
            )
        return typed
