"""Staff pages for professionals: list with search, create, edit, deactivate, invite,
detail."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import invitations
from accounts.access import staff_required
from accounts.audit import actor_from_request
from backoffice import calendar
from billing import ledger
from billing.models import Statement
from professionals import services
from professionals.access import professional_for
from professionals.forms import ProfessionalForm
from professionals.models import Professional
from scheduling import queries
from scheduling.local_time import at_location
from scheduling.models import Booking, Location, Source


@staff_required
def professional_list(request):
    query = request.GET.get("q", "").strip()
    found = Professional.objects.matching(query).order_by("-active", "name")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    balances = ledger.balances_by_professional(p.pk for p in page)
    for professional in page:
        professional.balances = balances.get(professional.pk, [])
    template = (
        "backoffice/professionals/partials/professional_rows.html"
        if request.htmx
        else "backoffice/professionals/professional_list.html"
    )
    return render(request, template, {"page": page, "query": query})


@staff_required
def professional_create(request):
    form = ProfessionalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        professional = form.save()
        return redirect("professionals:detail", professional.pk)
    return render(request, "backoffice/professionals/professional_form.html", {"form": form})


@staff_required
def professional_edit(request, pk: int):
    professional = professional_for(request.user, pk)
    form = ProfessionalForm(request.POST or None, instance=professional)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("professionals:detail", pk)
    return render(
        request,
        "backoffice/professionals/professional_form.html",
        {"form": form, "professional": professional},
    )


@require_POST
@staff_required
def professional_set_active(request, pk: int):
    """Deactivate (or reactivate): an inactive professional cannot be booked or log in.
    Existing bookings stay as they are."""
    active = request.POST.get("active") == "1"
    professional = professional_for(request.user, pk)
    services.set_active(
        professional, active, **actor_from_request(request, Source.BACKOFFICE).as_kwargs()
    )
    return redirect("professionals:detail", pk)


@require_POST
@staff_required
def professional_invite(request, pk: int):
    """Email the professional a one-time link to set their password (again voids the last)."""
    professional = professional_for(request.user, pk)
    try:
        invitations.invite(
            professional,
            by=request.user,
            base_url=request.build_absolute_uri("/"),
            location=queries.usual_location(professional),
        )
    except invitations.InvitationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": professional.email}
        )
    return redirect("professionals:detail", pk)


PAGE = 25  # bookings per list on a professional's page


def _zone_of(professional: Professional) -> ZoneInfo:
    """Where a professional's own events (invitations) are told: the zone of the location
    they book most recently, else the first location's; UTC for a clinic without one."""
    latest = (
        Booking.objects.filter(professional=professional)
        .order_by("-starts_at")
        .values_list("room__location__tz", flat=True)
        .first()
    )
    first = latest or Location.objects.values_list("tz", flat=True).first()
    return ZoneInfo(first or "UTC")


@staff_required
def professional_detail(request, pk: int):
    professional = professional_for(request.user, pk)
    now = timezone.now()
    bookings = Booking.objects.filter(professional=professional)
    # Cards carry each booking's payment state (paid / part paid / unpaid). Both lists are
    # in the order things happen (UTC), each row saying its location and its zone.
    upcoming = Paginator(bookings.filter(ends_at__gt=now).order_by("starts_at", "pk"), PAGE)
    past = Paginator(bookings.filter(ends_at__lte=now).order_by("-starts_at", "-pk"), PAGE)
    upcoming_page = upcoming.get_page(request.GET.get("upcoming"))
    past_page = past.get_page(request.GET.get("past"))
    last_invitation = professional.user.invitations.first()
    zone = _zone_of(professional)
    return render(
        request,
        "backoffice/professionals/professional_detail.html",
        {
            "professional": professional,
            "account_state": invitations.state_of(professional.user),
            "last_invitation": last_invitation,
            "invited_at": at_location(last_invitation.sent_at, zone) if last_invitation else None,
            "accepted_at": at_location(last_invitation.accepted_at, zone)
            if last_invitation
            else None,
            "zone_label": zone.key,
            "upcoming": calendar.cards_of(upcoming_page.object_list),
            "upcoming_page": upcoming_page,
            "past": calendar.cards_of(past_page.object_list),
            "past_page": past_page,
            "balances": ledger.balances_by_professional([professional.pk]).get(professional.pk, []),
            "statements": Statement.objects.filter(
                professional=professional, replaced_by__isnull=True
            ).order_by("-year", "-month", "currency")[:12],
            "title": _("Professional"),
        },
    )
