"""What cancelling a booking costs now, before cancelling it: the question the calendar's
"Cancel…" dialog and the portal's cancel page answer first (free or late, the fee in the
booking's currency, whether this user may waive it). The cancellation itself, with the
charge-or-waive choice, is POST /bookings/{id}/cancel (api/scheduling.py). Read only: the
terms are billing's (billing.late_fees), the same function both pages call."""

from datetime import datetime
from decimal import Decimal

from ninja import Router, Schema
from pydantic import Field

from api.scheduling import BookingId
from billing import late_fees
from scheduling.access import booking_for

router = Router(tags=["bookings"])


class CancellationTermsOut(Schema):
    booking_id: int
    late: bool = Field(description="Cancelling now is after the free-cancellation deadline.")
    free_until: datetime = Field(description="Free cancellation until this instant (UTC).")
    percent: Decimal = Field(description="A late cancellation costs this percentage of the price.")
    fee: Decimal = Field(description="What cancelling now costs; 0 when it is free.")
    fee_text: str = Field(description="The fee as the reader writes money, e.g. “R$ 40,00”.")
    currency: str = Field(description="ISO 4217 code of the booking's currency.")
    may_waive: bool = Field(
        description=(
            "This user may waive the fee (`waive_late_fee` on cancel): a manager, or "
            "reception where the location allows it; never a professional."
        )
    )
    summary: str = Field(description="One sentence saying all of the above.")
    waiver_note: str = Field(description="Why the waiver is not offered when it is not, else ''.")


@router.get("/bookings/{booking_id}/cancellation-terms", response=CancellationTermsOut)
def get_cancellation_terms(request, booking_id: int = BookingId):
    """Staff, and the booking's own professional: what cancelling it now would cost."""
    booking = booking_for(request.auth, booking_id)
    terms = late_fees.terms(booking, request.auth)
    return {
        "booking_id": booking.pk,
        "late": terms.late,
        "free_until": terms.free_until,
        "percent": terms.percent,
        "fee": terms.fee,
        "fee_text": terms.fee_text,
        "currency": booking.currency,
        "may_waive": terms.may_waive,
        "summary": terms.summary,
        "waiver_note": terms.waiver_note,
    }
