"""Who a new session is for, picked without typing or with two letters: a professional's
recent patients (from their last sessions), and the patients a reader may see matching what
they typed, the professional's own first. The staff calendar's popover and the portal's
slot sheet both ask here; each records what it shows as reads."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from patients.access import patients_visible_to
from patients.models import CareLink, Patient

from .models import Booking, BookingStatus

RECENT = 6
RESULTS = 10
MIN_TYPED = 2


def recent_patients(professional, *, limit: int = RECENT) -> list[Patient]:
    """The patients of `professional`'s latest sessions (most recent first, each once),
    never an erased one."""
    through = (
        Booking.patients.through.objects.filter(
            booking__professional=professional, patient__erased_at__isnull=True
        )
        .exclude(booking__status=BookingStatus.CANCELLED)
        .order_by("-booking__starts_at")
        .values_list("patient_id", flat=True)[: limit * 8]
    )
    ids = list(dict.fromkeys(through))[:limit]
    found = Patient.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def search_patients(user, text: str, professional=None, *, limit: int = RESULTS) -> list[Patient]:
    """Patients `user` may read matching `text` (at least two letters), `professional`'s
    own first, then by name."""
    text = (text or "").strip()
    if len(text) < MIN_TYPED:
        return []
    rows = patients_visible_to(user).filter(erased_at__isnull=True).matching(text).distinct()
    order = ["last_name", "first_name", "pk"]
    if professional is not None:
        own = CareLink.objects.filter(patient=OuterRef("pk"), professional=professional)
        rows = rows.annotate(is_own=Exists(own))
        order.insert(0, "-is_own")
    return list(rows.order_by(*order)[:limit])
