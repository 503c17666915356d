"""Admin for personal API tokens. Only a hash is stored, so the token is shown once, right
after it is created; a leaked token is revoked, never edited."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import ApiToken, Invitation
from backoffice.admin.read_only import ReadOnly


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name"]
        return ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = ApiToken.issue(form.cleaned_data["user"], form.cleaned_data["name"])
        # The admin logs and redirects using `obj`: make it the row that was issued.
        obj.pk, obj.prefix, obj.digest, obj.created_at = (
            token.pk,
            token.prefix,
            token.digest,
            token.created_at,
        )
        obj._state.adding = False
        self.message_user(
            request,
            _("Copy the token now; it is not stored and will not be shown again: %(token)s")
            % {"token": raw},
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Invitation)
class InvitationAdmin(ReadOnly, admin.ModelAdmin):
    """Who was invited when and whether they set their password. Sent from the
    professional (page or admin action), never written by hand."""

    list_display = ["email", "user", "sent_at", "sent_by", "accepted_at"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter), "sent_at"]
    search_fields = ["email", "user__username", "user__email"]
    list_select_related = ["user", "sent_by"]
