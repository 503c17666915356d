"""My money (what I owe and paid, my statements) and my month (hours, spend, attendance)."""

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from billing import ledger
from billing.models import Payment, Statement
from billing.money import quantize
from scheduling import access
from scheduling.models import Location

from .. import cards, dashboard
from ..access import professional_required
from .home import portal_context

OPEN_CHARGES_SHOWN = 10


@professional_required
def money(request):
    professional = request.professional
    mine = access.bookings_visible_to(request.user).select_related("room__location")
    currencies = sorted(
        set(mine.values_list("currency", flat=True).distinct())
        | set(Payment.objects.filter(professional=professional).values_list("currency", flat=True))
    )
    charges = ledger.charges(mine)
    now = timezone.now()
    totals = []
    for currency in currencies:
        mine_here = [c for c in charges if c.booking.currency == currency]
        happened = sum((c.amount for c in mine_here if c.booking.starts_at <= now), Decimal(0))
        ahead = sum((c.amount for c in mine_here if c.booking.starts_at > now), Decimal(0))
        paid = Payment.objects.filter(professional=professional, currency=currency).aggregate(
            total=Sum("amount")
        )["total"] or Decimal(0)
        due = quantize(happened - paid, currency)
        totals.append(
            {
                "currency": currency,
                "due": due,
                "credit": -due,
                "paid": paid,
                "ahead": ahead,
            }
        )
    # Due: what has happened (or was cancelled late) and is not paid yet, latest first.
    due = [c.booking for c in charges if c.outstanding > 0 and c.booking.starts_at <= now]
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
