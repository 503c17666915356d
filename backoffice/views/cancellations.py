"""The calendar's "Cancel…": what cancelling costs now, then the cancellation.

GET answers the terms (free or late, the fee in the booking's currency, whether this user
may waive it) so the dialog can ask before anything happens; POST cancels through the
booking service with the choice made: `late_fee=charge` (the default) or `late_fee=waive`
with a `waiver_reason`. The answer says what happened ("Cancelled, no charge", "Cancelled
late: fee … charged", "Cancelled late: fee waived"). A waiver the user may not make is
refused with 403 and changes nothing."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import formats
from accounts.audit import client_ip
from backoffice import calendar
from backoffice.views.bookings import BadInput, _answer, staff_endpoint
from billing import late_fees
from scheduling import services
from scheduling.access import booking_for_staff
from scheduling.models import Booking, Source

CHOICES = ("charge", "waive")


def _terms(booking: Booking, user) -> dict:
    terms = late_fees.terms(booking, user)
    card = calendar.card_for(booking)
    return {
        "booking_id": booking.pk,
        "late": terms.late,
        "fee": str(terms.fee),
        "fee_text": terms.fee_text,
        "currency": booking.currency,
        "percent": str(terms.percent),
        "may_waive": terms.may_waive,
        "summary": terms.summary,
        "waiver_note": terms.waiver_note,
        "charge_label": _("Charge the late fee (%(fee)s)") % {"fee": terms.fee_text},
        "when": f"{card.professional_name} · {card.room_name} · "
        f"{formats.short_day(card.local_day)} {card.start_label}–{card.end_label}",
    }


@require_http_methods(["GET", "POST"])
@staff_endpoint
def booking_cancel(request, pk: int):
    booking = booking_for_staff(request.user, pk)
    if request.method == "GET":
        return JsonResponse(_terms(booking, request.user))
    choice = request.POST.get("late_fee", "charge") or "charge"
    if choice not in CHOICES:
        raise BadInput(_("Choose to charge the late fee or to waive it."))
    cancelled = services.cancel(
        booking,
        reason=request.POST.get("reason", ""),
        waive_late_fee=choice == "waive",
        waiver_reason=request.POST.get("waiver_reason", ""),
        by=request.user,
        source=Source.BACKOFFICE,
        ip=client_ip(request),
    )
    return _answer(request, cancelled, late_fees.outcome(cancelled))
