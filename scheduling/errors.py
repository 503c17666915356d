"""Domain errors of the booking service. Each carries a sentence a person understands and
what a caller needs to explain the refusal (conflicting slots, alternatives)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .availability import FreeWindow


class BookingError(Exception):
    """Base of every refusal. `status` is the HTTP status an API maps it to."""

    status = 422
    code = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


class InvalidBooking(BookingError):
    """The request breaks a rule (alignment, length, opening hours, activity, the past)."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.code = code
        self.field = field


class OutsideOpeningHours(InvalidBooking):
    def __init__(self, message: str):
        super().__init__(message, code="outside_opening_hours", field="starts_at")


class IllegalTransition(BookingError):
    """The booking's current state does not allow the change (cancel an executed booking)."""

    status = 409
    code = "illegal_transition"


class Busy(BookingError):
    """Another change to the same booking, room or professional has held it longer than
    the lock timeout; nothing was changed and trying again is safe."""

    status = 409
    code = "busy"


class WaiverRefused(BookingError):
    """The user may not waive this late-cancellation fee (reception where the location's
    policy does not allow it, or a professional). Nothing was cancelled."""

    status = 403
    code = "waiver_refused"


class IdempotencyKeyReused(BookingError):
    """The same Idempotency-Key was sent with a different request."""

    status = 422
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class Conflict:
    resource: str  # "room" or "professional"
    resource_id: int
    slot_start: datetime


@dataclass
class SlotTaken(BookingError):
    """A slot of the room or of the professional is already claimed by another booking."""

    message: str
    conflicts: list[Conflict] = field(default_factory=list)
    alternatives: list[FreeWindow] = field(default_factory=list)
    status = 409
    code = "slot_taken"

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message)
