"""The booking service: the only code that writes bookings and their slot claims."""

from .bookings import (  # noqa: F401
    approve,
    book,
    cancel,
    decline,
    mark_executed,
    mark_no_show,
    move,
    resize,
    restore,
    update_notes,
)
from .rebooking import rebook  # noqa: F401, E402
