"""Staff forms for professionals. Creating one also creates the login account it uses."""

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Professional

# The email is also the account's username, which holds at most 150 characters.
MAX_EMAIL = 150


class ProfessionalForm(forms.ModelForm):
    class Meta:
        model = Professional
        fields = ["name", "profession", "registration_number", "email", "phone", "internal_notes"]
        widgets = {"internal_notes": forms.Textarea(attrs={"rows": 3})}

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if len(email) > MAX_EMAIL:
            raise forms.ValidationError(
                _("An email of at most %(count)d characters, please.") % {"count": MAX_EMAIL}
            )
        users = get_user_model().objects.filter(email__iexact=email)
        if self.instance.pk:
            users = users.exclude(pk=self.instance.user_id)
        if users.exists():
            raise forms.ValidationError(_("Another account already uses this email."))
        return email

    @transaction.atomic
    def save(self, commit: bool = True) -> Professional:
        """New: create the login account (no password yet; an invitation sets it).
        Edit: keep the account's email and name in step with the profile."""
        professional = super().save(commit=False)
        User = get_user_model()
        if professional.pk is None:
            user = User(username=professional.email, email=professional.email)
            user.first_name = professional.name[:150]
            user.set_unusable_password()
            user.save()
            professional.user = user
        else:
            User.objects.filter(pk=professional.user_id).update(
                email=professional.email, username=professional.email
            )
        professional.save()
        return professional
