"""The scheduling services: the only code that writes bookings and their slot claims
(bookings, rebooking), and locations and rooms (places)."""

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
from .places import (  # noqa: F401, E402
    online_room,  # noqa: F401, E402
    save_location,
    save_room,
)
from .rebooking import rebook  # noqa: F401, E402
from .sessions import set_session  # noqa: F401, E402
