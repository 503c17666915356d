"""What a booking costs when it is made. The result is stored on the booking (a snapshot),
so later price changes never rewrite what was agreed."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def booking_price(room, professional, starts_at: datetime, ends_at: datetime) -> Decimal:
    """Room's hourly price × length, rounded half-up to the cent."""
    hours = Decimal(int((ends_at - starts_at).total_seconds())) / Decimal(3600)
    return (room.hourly_price * hours).quantize(CENT, rounding=ROUND_HALF_UP)
