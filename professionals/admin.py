"""Admin for professionals: reception finds them by name, profession, registration number,
email or phone. Bookings keep a professional from being deleted: deactivate instead."""

from django.contrib import admin

from .models import Professional


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ["name", "profession", "registration_number", "email", "phone", "active"]
    list_filter = ["active", "profession"]
    search_fields = ["name", "profession", "registration_number", "email", "phone"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]
