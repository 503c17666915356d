"""Admin for professionals: reception finds them by name, profession, registration number,
email or phone. Bookings keep a professional from being deleted: deactivate instead."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import invitations
from accounts.audit import Source, actor_from_request
from billing import ledger, marks
from professionals import services
from professionals.models import Professional
from scheduling import queries


class BalancesChangeList(ChangeList):
    """Reads the balances of the professionals on the page at once (three queries)."""

    def get_results(self, request):
        super().get_results(request)
        balances = ledger.balances_by_professional(p.pk for p in self.result_list)
        for professional in self.result_list:
            professional.balances = balances.get(professional.pk, [])


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "profession",
        "registration_number",
        "email",
        "phone",
        "active",
        "balance",
    ]
    list_filter = ["active", "profession"]
    search_fields = ["name", "profession", "registration_number", "email", "phone"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]
    actions = ["invite", "deactivate", "reactivate"]

    def get_readonly_fields(self, request, obj=None):
        # Activation changes the login account too: the actions below do it, not the form.
        return [*self.readonly_fields, "active"] if obj else self.readonly_fields

    def get_changelist(self, request, **kwargs):
        return BalancesChangeList

    @admin.display(description=_("balance"))
    def balance(self, professional):
        rows = getattr(professional, "balances", None)
        if rows is None:  # outside the list (a change page)
            rows = ledger.balances_by_professional([professional.pk]).get(professional.pk, [])
        return marks.balance_text(rows)

    @admin.action(description=_("Invite by email (a link to set their password)"))
    def invite(self, request, queryset):
        base_url = request.build_absolute_uri("/")
        for professional in queryset:
            try:
                invitations.invite(
                    professional,
                    by=request.user,
                    base_url=base_url,
                    location=queries.usual_location(professional),
                )
            except invitations.InvitationRefused as refusal:
                self.message_user(request, refusal.message, messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": professional.email},
                    messages.SUCCESS,
                )

    def _set_active(self, request, queryset, active: bool, done: str) -> None:
        """Each professional through the activation service; `done` says how many."""
        actor = actor_from_request(request, Source.ADMIN)
        for professional in queryset:
            services.set_active(professional, active, **actor.as_kwargs())
        self.message_user(request, done % {"count": len(queryset)}, messages.SUCCESS)

    @admin.action(permissions=["change"], description=_("Deactivate (cannot be booked or sign in)"))
    def deactivate(self, request, queryset):
        done = ngettext(
            "%(count)d professional deactivated.",
            "%(count)d professionals deactivated.",
            len(queryset),
        )
        self._set_active(request, queryset, False, done)

    @admin.action(permissions=["change"], description=_("Reactivate"))
    def reactivate(self, request, queryset):
        done = ngettext(
            "%(count)d professional reactivated.",
            "%(count)d professionals reactivated.",
            len(queryset),
        )
        self._set_active(request, queryset, True, done)
