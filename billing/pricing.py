"""What a booking costs when it is made. The result is stored on the booking (a snapshot),
so later price or agreement changes never rewrite what was agreed."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q

from . import money


def agreement_for(room, professional, local_day: date):
    """The professional's price agreement in force on `local_day` for `room`, or None.

    The most specific wins: one for this room, then for its location, then for everywhere;
    among equals the one that started last."""
    from .models import PriceAgreement

    candidates = PriceAgreement.objects.filter(
        Q(room__isnull=True) | Q(room_id=room.pk),
        Q(location__isnull=True) | Q(location_id=room.location_id),
        Q(valid_until__isnull=True) | Q(valid_until__gte=local_day),
        professional_id=professional.pk,
        valid_from__lte=local_day,
    )

    def specificity(agreement):
        return (agreement.room_id is not None, agreement.location_id is not None)

    return max(candidates, key=lambda a: (specificity(a), a.valid_from, a.pk), default=None)


def hourly_rate(room, professional, local_day: date) -> Decimal:
    """The hourly price `professional` pays for `room` on `local_day`, agreements applied."""
    agreement = agreement_for(room, professional, local_day)
    if agreement is None:
        return room.hourly_price
    if agreement.hourly_price is not None:
        return agreement.hourly_price
    return room.hourly_price * (Decimal(100) - agreement.discount_percent) / Decimal(100)


def booking_price(room, professional, starts_at: datetime, ends_at: datetime) -> Decimal:
    """Hourly rate on the booking's local date × length, rounded once in the location's
    currency (half-up)."""
    location = room.location
    local_day = starts_at.astimezone(location.zone).date()
    hours = Decimal(int((ends_at - starts_at).total_seconds())) / Decimal(3600)
    return money.quantize(hourly_rate(room, professional, local_day) * hours, location.currency)
