"""Admin for professionals: reception finds them by name, profession, registration number,
email or phone. Bookings keep a professional from being deleted: deactivate instead."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts import invitations

from .models import Professional


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ["name", "profession", "registration_number", "email", "phone", "active"]
    list_filter = ["active", "profession"]
    search_fields = ["name", "profession", "registration_number", "email", "phone"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]
    actions = ["invite"]

    @admin.action(description=_("Invite by email (a link to set their password)"))
    def invite(self, request, queryset):
        base_url = request.build_absolute_uri("/")
        for professional in queryset:
            try:
                invitations.invite(professional, by=request.user, base_url=base_url)
            except invitations.InvitationRefused as refusal:
                self.message_user(request, refusal.message, messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": professional.email},
                    messages.SUCCESS,
                )
