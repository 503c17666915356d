"""My money (what I owe and paid, my statements) and my month (hours, spend, attendance)."""

from datetime import date

from django.shortcuts import render
from django.utils import timezone

from billing import ledger
from billing.models import Payment, Statement
from scheduling import access
from scheduling.models import Location

from .. import cards, dashboard
from ..access import professional_required
from .home import portal_context

OPEN_CHARGES_SHOWN = 10


@professional_required
def money(request):
    """What I owe, paid and have booked ahead, per currency: billing's ledger numbers (the
    same as the staff billing page's), so a late cancellation's fee is owed here too."""
    professional = request.professional
    mine = access.bookings_visible_to(request.user).select_related("room__location")
    charges = ledger.charges(mine)
    now = timezone.now()
    totals = ledger.accounts_of(professional, charges, now)
    # Due and not paid yet (what has happened, or was cancelled late), latest first.
    due = [c.booking for c in charges if c.outstanding > 0 and ledger.is_due(c.booking, now)]
    context = portal_context(
        "money",
        totals=totals,
        open_cards=cards.cards(due[::-1][:OPEN_CHARGES_SHOWN]),
        more_open=max(len(due) - OPEN_CHARGES_SHOWN, 0),
        payments=Payment.objects.filter(professional=professional).order_by("-received_on", "-pk")[
            :50
        ],
        statements=Statement.objects.filter(
            professional=professional, replaced_by__isnull=True
        ).order_by("-year", "-month")[:24],
    )
    return render(request, "portal/money.html", context)


def _month(request, today: date) -> date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        chosen = date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    return min(chosen, dashboard.add_months(today.replace(day=1), 12))


@professional_required
def month(request):
    location = Location.objects.first()
    zone = location.zone if location else timezone.get_current_timezone()
    today = timezone.now().astimezone(zone).date()
    shown = _month(request, today)
    board = dashboard.build(request.professional, shown)
    context = portal_context(
        "month",
        board=board,
        shown=shown,
        previous=dashboard.add_months(shown, -1),
        following=dashboard.add_months(shown, 1),
        is_current=shown == today.replace(day=1),
    )
    return render(request, "portal/month.html", context)
