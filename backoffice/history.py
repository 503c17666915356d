"""A booking's history in words, for people: "Moved: Sala 1 → Sala 2, 09:00–10:00 →
11:00–12:00 (Wed 02 Dec)", every time in the zone of the booking's location.

BookingChange keeps the machine form (`diff`: field → [from, to], times as UTC ISO);
this module only reads it."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import formats
from scheduling.models import BookingChange, BookingStatus, Room

ACTIONS = {
    "booked": gettext_lazy("Booked"),
    "requested": gettext_lazy("Requested"),
    "approved": gettext_lazy("Approved"),
    "declined": gettext_lazy("Declined"),
    "moved": gettext_lazy("Moved"),
    "resized": gettext_lazy("Resized"),
    "cancelled": gettext_lazy("Cancelled"),
    "executed": gettext_lazy("Marked as held"),
    "no_show": gettext_lazy("Marked as a no-show"),
    "restored": gettext_lazy("Restored"),
    "edited": gettext_lazy("Notes edited"),
}


def _moment(value, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(tz)


def _status(value) -> str:
    try:
        return str(BookingStatus(value).label).lower()
    except ValueError:
        return str(value)


def _span(start, end, tz: ZoneInfo) -> str:
    start, end = _moment(start, tz), _moment(end, tz)
    if start is None or end is None:
        return "—"
    return formats.span(start, end)


def _money(value, currency: str) -> str:
    if value is None:
        return "—"
    from billing.money import format_money  # a reader's sentence; billing owns formatting

    return format_money(Decimal(value), currency)


def room_names(changes) -> dict[int, str]:
    """Names of the rooms `changes` mention, in one query (pass them to `describe`)."""
    ids = set()
    for change in changes:
        ids.update(pk for pk in change.diff.get("room", []) if pk)
    return {room.pk: room.name for room in Room.objects.filter(pk__in=ids)}


def describe(change: BookingChange, tz: ZoneInfo, rooms: dict[int, str] | None = None) -> str:
    """One sentence of what `change` did, times in `tz` (the booking's location's zone)."""
    diff = change.diff or {}
    rooms = rooms if rooms is not None else room_names([change])
    parts = []
    if "room" in diff:
        old, new = diff["room"]
        if old is None:
            parts.append(rooms.get(new, f"#{new}"))
        else:
            parts.append(f"{rooms.get(old, f'#{old}')} → {rooms.get(new, f'#{new}')}")
    old_start, new_start = diff.get("starts_at", [None, None])
    old_end, new_end = diff.get("ends_at", [None, None])
    if "starts_at" in diff or "ends_at" in diff:
        start = change.booking.starts_at
        end = change.booking.ends_at
        new_span = _span(new_start or start.isoformat(), new_end or end.isoformat(), tz)
        if old_start is None and old_end is None and change.action in ("booked", "requested"):
            parts.append(new_span)
        else:
            old_span = _span(old_start or new_start, old_end or new_end, tz)
            parts.append(f"{old_span} → {new_span}")
    if "status" in diff and change.action not in ("booked", "requested"):
        old, new = diff["status"]
        parts.append(f"{_status(old)} → {_status(new)}")
    if diff.get("cancellation_reason", ["", ""])[1]:
        parts.append(_("reason: %(reason)s") % {"reason": diff["cancellation_reason"][1]})
    if "cancelled_late" in diff:
        parts.append(_("late"))
    if "late_fee_waived" in diff:
        parts.append(
            _("late fee waived: %(reason)s")
            % {"reason": diff.get("late_fee_waiver_reason", ["", ""])[1]}
        )
    if diff.get("charge_percent", [None, None])[1] is not None:
        parts.append(_("charged at %(percent)s %%") % {"percent": diff["charge_percent"][1]})
    if "price" in diff:
        old, new = diff["price"]
        currency = change.booking.currency
        if old is None:
            parts.append(_("price %(new)s") % {"new": _money(new, currency)})
        else:
            parts.append(
                _("price %(old)s → %(new)s")
                % {"old": _money(old, currency), "new": _money(new, currency)}
            )
    if "notes" in diff:
        parts.append(_("notes: “%(notes)s”") % {"notes": diff["notes"][1] or "—"})
    label = ACTIONS.get(change.action, change.action.replace("_", " ").capitalize())
    return f"{label}: {', '.join(parts)}" if parts else str(label)


def local_at(change: BookingChange, tz: ZoneInfo) -> str:
    at = change.at.astimezone(tz)
    return f"{formats.moment(at)} ({formats.offset(at)})"


def who(change: BookingChange) -> str:
    name = (change.by.get_full_name() or change.by.get_username()) if change.by else _("system")
    return f"{name} · {change.get_source_display()}"
