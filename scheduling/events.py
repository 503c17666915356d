"""Live updates of booking changes. Sent only from the booking service (and from the payment
service, whose payments change a booking's paid mark) and only after the transaction
commits; a rolled-back change never reaches a screen."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def location_group(location_id: int) -> str:
    return f"bookings.location.{location_id}"


def send_booking_event_on_commit(
    booking,
    action: str,
    *,
    previous_location_id: int | None = None,
    version: str | None = None,
) -> None:
    """Queue a `booking.changed` message to everyone watching the booking's location.

    Consumers decide what each viewer may see; the message carries only ids, so nothing
    private travels through the channel layer. `version` names what changed when the row
    itself did not (a payment leaves booking.updated_at alone but changes its mark);
    consumers render each version once, so it must differ from every earlier one."""
    # A move between locations must reach the screens of both.
    message = {
        "type": "booking.changed",
        "action": action,
        "booking_id": booking.pk,
        "location_id": booking.room.location_id,
        "room_id": booking.room_id,
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        # The row's version: consumers in one process render each version once.
        "version": version if version is not None else _row_version(booking),
    }
    groups = {location_group(message["location_id"])}
    if previous_location_id is not None:
        groups.add(location_group(previous_location_id))
    # Each copy names its group: a process hands it to the sockets watching that group.
    transaction.on_commit(
        lambda: [_send_rollback_unsafe(group, {**message, "group": group}) for group in groups]
    )


def _row_version(booking) -> str:
    return booking.updated_at.isoformat() if booking.updated_at else ""


def _send_rollback_unsafe(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a lost live update must never fail a committed booking
        log.exception("could not broadcast %s", message.get("action"))
