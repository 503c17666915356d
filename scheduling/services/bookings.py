"""Book, move, resize, cancel, approve, decline, execute, no-show and undo: every write to
a booking.

Guarantees
- A booking and its slot claims change together in one durable transaction; the unique
  indexes on the claims decide any race, so no room or professional is ever booked twice.
- Every change is recorded in BookingChange (who, when, from where, what: from → to).
- A live update is sent after commit, never on rollback.

Every refusal raises a BookingError subclass (see scheduling.errors) and writes nothing.
Changes made by a professional also follow the location's policy (scheduling.policy).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import formats, locks
from accounts.audit import user_or_none
from professionals.models import Professional

from .. import charging, events, policy
from ..errors import (
    IllegalTransition,
    InvalidBooking,
    WaiverRefused,
)
from ..models import (
    Booking,
    BookingStatus,
    IdempotencyKey,
    Room,
    SessionType,
)
from . import changes, claims, idempotency, places, sessions, time_rules

# ---------------------------------------------------------------- locked reads


def _locked(booking: Booking | int) -> Booking:
    """Re-read the booking under a row lock: whoever changes it second sees the first's
    result, not the stale copy it was handed."""
    pk = booking.pk if isinstance(booking, Booking) else booking
    try:
        with locks.waiting(claims.busy):
            return locks.for_update(
                Booking.objects.select_related("room__location", "professional"), of=("self",)
            ).get(pk=pk)
    except Booking.DoesNotExist:
        raise InvalidBooking(_("That booking does not exist."), code="not_found") from None


def _set(booking: Booking, expected_status: str, **values) -> None:
    """Conditional update: only if the booking is still in `expected_status`."""
    values["updated_at"] = timezone.now()
    updated = Booking.objects.filter(pk=booking.pk, status=expected_status).update(**values)
    if updated != 1:
        raise IllegalTransition(
            _("This booking was changed by someone else; reload and try again.")
        )
    for field, value in values.items():
        setattr(booking, field, value)


# ---------------------------------------------------------------- services


def book(
    *,
    room: Room,
    professional: Professional,
    starts_at: datetime,
    ends_at: datetime,
    by,
    source: str,
    notes: str = "",
    allow_past: bool = False,
    idempotency_key: str | None = None,
    fingerprint: str = "",
    ip: str | None = None,
    session_type: str = SessionType.ON_SITE,
    patients=(),
    session_price=None,
    session_currency: str = "",
    video_link: str = "",
) -> Booking:
    """Book `room` for `professional` from `starts_at` to `ends_at`.

    The session it holds (scheduling.services.sessions): its `patients` (ids or rows; a
    professional only their own), `session_type` (a virtual one goes to `room`'s
    location's Online lane, claims only the professional's slots and pays no rent), its
    price and currency (defaults: the professional's session price, the location's
    currency) and a video link.

    Raises InvalidBooking (rules), SlotTaken (with alternatives) or IdempotencyKeyReused.
    With an `idempotency_key`, a repeat of the same request returns the first booking
    (its `replayed` attribute is True) and never books twice. Booked by a professional,
    the location's policy applies (horizon, lengths) and the booking may start as
    `requested` (awaiting staff approval, holding its slots)."""
    if idempotency_key:
        replay = idempotency.replay(by, idempotency_key, fingerprint)
        if replay is not None:
            return replay
    now = timezone.now()
    if not Room.location.is_cached(room):
        room = Room.objects.select_related("location").get(pk=room.pk)
    if session_type == SessionType.VIRTUAL and not room.is_virtual:
        room = places.online_room(room.location)
    elif session_type != SessionType.VIRTUAL and room.is_virtual:
        raise InvalidBooking(
            _("%(room)s is for virtual sessions; choose a room for an on-site one.")
            % {"room": room.name},
            code="online_room_on_site",
            field="room",
        )
    session = sessions.clean(
        room=room,
        professional=professional,
        session_type=session_type,
        patients=patients,
        price=session_price,
        currency=session_currency,
        video_link=video_link,
        by=by,
    )
    time_rules.check_active(room, professional)
    starts_at, ends_at = time_rules.check_times(
        room, starts_at, ends_at, allow_past=allow_past, now=now
    )
    if policy.binds(by):
        policy.check_times(room.location, starts_at, ends_at, now)
    notes = _clean_notes(notes)
    booking = Booking(
        room=room,
        professional=professional,
        starts_at=starts_at,
        ends_at=ends_at,
        currency=room.location.currency,
        notes=notes,
        source=source,
        created_by=user_or_none(by),
        updated_by=user_or_none(by),
        session_type=session.session_type,
        session_price=session.price,
        session_currency=session.currency,
        video_link=session.video_link,
    )
    try:
        with transaction.atomic(durable=True):
            key_row = (
                idempotency.hold_key(by, idempotency_key, fingerprint) if idempotency_key else None
            )
            claims.queue_for(room, professional)
            status = booking.status = policy.first_status(room.location, professional, by)
            booking.price = (
                Decimal("0.00")
                if booking.is_virtual
                else charging.price(room, professional, starts_at, ends_at)
            )
            booking.save(force_insert=True)
            claims.claim(booking)
            if session.patients:
                sessions.attach(booking, session.patients, by=by, source=source, ip=ip)
            if key_row is not None:
                IdempotencyKey.objects.filter(pk=key_row.pk).update(booking=booking)
            action = "requested" if status == BookingStatus.REQUESTED else "booked"
            changes.record(
                booking,
                action,
                {
                    "room": (None, room.pk),
                    "professional": (None, professional.pk),
                    "starts_at": (None, starts_at),
                    "ends_at": (None, ends_at),
                    "status": (None, status),
                    "price": (None, booking.price),
                    **(
                        {"session_type": (None, booking.session_type)} if booking.is_virtual else {}
                    ),
                    **(
                        {"patients": (None, [p.pk for p in session.patients])}
                        if session.patients
                        else {}
                    ),
                    **(
                        {"session_price": (None, booking.session_price)}
                        if booking.session_price is not None
                        else {}
                    ),
                },
                by=by,
                source=source,
                ip=ip,
            )
            events.send_booking_event_on_commit(booking, action)
    except idempotency.KeyTaken:
        replay = idempotency.replay(by, idempotency_key, fingerprint)
        if replay is None:  # the first request failed and rolled back: try again
            return book(
                room=room,
                professional=professional,
                starts_at=starts_at,
                ends_at=ends_at,
                by=by,
                source=source,
                notes=notes,
                allow_past=allow_past,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                ip=ip,
                session_type=session_type,
                patients=patients,
                session_price=session_price,
                session_currency=session_currency,
                video_link=video_link,
            )
        return replay
    except IntegrityError as error:
        raise claims.with_alternatives(
            claims.slot_taken(error, booking, by),
            room=room,
            professional=professional,
            starts_at=starts_at,
            ends_at=ends_at,
            allow_past=allow_past,
            ignore_booking_id=None,
        ) from None
    booking.replayed = False
    return booking


def move(
    booking: Booking | int,
    *,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    room: Room | None = None,
    by,
    source: str,
    allow_past: bool = False,
    ip: str | None = None,
) -> Booking:
    """Move a booked (or requested) booking to another time and/or room, or change its
    length.

    Omitted values stay as they are. Raises IllegalTransition unless the booking is booked
    or requested, InvalidBooking for the same rules as `book`, SlotTaken (with
    alternatives) when the new place is held by someone else. A professional also keeps
    to the policy: no moves after the free-cancellation deadline, horizon and lengths. On
    refusal the booking stays exactly where it was."""
    pk = booking.pk if isinstance(booking, Booking) else booking
    now = timezone.now()
    try:
        with transaction.atomic(durable=True):
            current = _locked(pk)
            if current.status not in (BookingStatus.BOOKED, BookingStatus.REQUESTED):
                raise IllegalTransition(
                    _("Only a booked booking can be moved; this one is %(status)s.")
                    % {"status": current.get_status_display().lower()}
                )
            if policy.binds(by):
                policy.check_move_deadline(current, now)
            if not allow_past and current.ends_at <= now:
                raise InvalidBooking(
                    _("This booking is over and can no longer be moved."), code="in_the_past"
                )
            target_room, new_start, new_end = _target(current, room, starts_at, ends_at)
            time_rules.check_active(target_room, current.professional)
            new_start, new_end = time_rules.check_times(
                target_room, new_start, new_end, allow_past=allow_past, now=now
            )
            target = (target_room, new_start, new_end)
            if policy.binds(by):
                policy.check_times(target_room.location, new_start, new_end, now)
            if (target_room.pk, new_start, new_end) == (
                current.room_id,
                current.starts_at,
                current.ends_at,
            ):
                current.replayed = False
                return current
            old = {
                "room": current.room_id,
                "starts_at": current.starts_at,
                "ends_at": current.ends_at,
                "price": current.price,
                "location": current.room.location_id,
            }
            # A priced session keeps its price; it can only go where that money is taken.
            if target_room.location_id != old["location"] and current.session_price is not None:
                if current.session_currency not in target_room.location.session_currencies:
                    raise InvalidBooking(
                        _("Sessions at %(location)s are not priced in %(currency)s.")
                        % {
                            "location": target_room.location.name,
                            "currency": current.session_currency,
                        },
                        code="invalid_currency",
                        field="room",
                    )
            old["session_type"] = current.session_type
            # Onto the Online lane a session becomes virtual; onto a room, on-site.
            new_type = SessionType.VIRTUAL if target_room.is_virtual else SessionType.ON_SITE
            claims.queue_for(target_room, current.professional)
            claims.release(current)
            current.room, current.starts_at, current.ends_at = target_room, new_start, new_end
            current.session_type = new_type
            claims.claim(current)
            values = {
                "room": target_room,
                "starts_at": new_start,
                "ends_at": new_end,
                "session_type": new_type,
                "updated_by": user_or_none(by),
            }
            if new_type == SessionType.ON_SITE and current.video_link:
                values["video_link"] = ""
            if target_room.pk != old["room"] or (new_end - new_start) != (
                old["ends_at"] - old["starts_at"]
            ):
                values["price"] = (
                    Decimal("0.00")
                    if target_room.is_virtual
                    else charging.price(target_room, current.professional, new_start, new_end)
                )
                values["currency"] = target_room.location.currency
            _set(current, current.status, **values)
            diff = {
                k: (old[k], getattr(current, k if k != "room" else "room_id"))
                for k in ("room", "starts_at", "ends_at", "price", "session_type")
            }
            diff = {k: v for k, v in diff.items() if v[0] != v[1]}
            action = (
                "moved"
                if (target_room.pk != old["room"] or new_start != old["starts_at"])
                else "resized"
            )
            changes.record(current, action, diff, by=by, source=source, ip=ip)
            events.send_booking_event_on_commit(
                current, action, previous_location_id=old["location"]
            )
    except IntegrityError as error:
        taken = claims.slot_taken(error, current, by)
        target_room, new_start, new_end = target  # worked out once, before the claims
        raise claims.with_alternatives(
            taken,
            room=target_room,
            professional=current.professional,
            starts_at=new_start,
            ends_at=new_end,
            allow_past=allow_past,
            ignore_booking_id=pk,
        ) from None
    current.replayed = False
    return current


def _target(current: Booking, room: Room | None, starts_at, ends_at):
    """Where `move` takes `current`: the given room, start and end, each defaulting to the
    booking's own; a new start without a new end keeps the booking's length."""
    target_room = (
        current.room if room is None else Room.objects.select_related("location").get(pk=room.pk)
    )
    new_start = current.starts_at if starts_at is None else starts_at
    new_end = current.ends_at if ends_at is None else ends_at
    if starts_at is not None and ends_at is None:
        new_end = time_rules.as_utc(starts_at, "starts_at") + (current.ends_at - current.starts_at)
    return target_room, new_start, new_end


def resize(
    booking: Booking | int,
    *,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    by,
    source: str,
    allow_past: bool = False,
    ip: str | None = None,
) -> Booking:
    """Change a booking's start and/or end in the same room. Same guarantees as `move`."""
    pk = booking.pk if isinstance(booking, Booking) else booking
    if starts_at is not None and ends_at is None:
        ends_at = Booking.objects.values_list("ends_at", flat=True).get(pk=pk)
    return move(
        pk, starts_at=starts_at, ends_at=ends_at, by=by, source=source, allow_past=allow_past, ip=ip
    )


def cancel(
    booking: Booking | int,
    *,
    reason: str = "",
    waive_late_fee: bool = False,
    waiver_reason: str = "",
    by,
    source: str,
    ip: str | None = None,
) -> Booking:
    """Cancel a booked (or requested) booking and free its slots at once. Executed and
    no-show bookings cannot be cancelled (undo them first). A booked booking cancelled
    after its location's free-cancellation deadline is recorded as `cancelled_late`
    (whoever cancels): billing charges that, and only that.

    `waive_late_fee` (staff): a late cancellation stays late but its fee is waived
    (`late_fee_waived`, billing charges nothing), with `waiver_reason` (required) in the
    history beside who, when and from where. Raises WaiverRefused when `by` may not waive
    at this location (policy.may_waive_late_fee) and InvalidBooking without a reason;
    either way nothing is cancelled. Asked of a cancellation that is free, it is ignored:
    there is no fee to waive."""
    reason = _clean_reason(reason)
    waiver_reason = _clean_reason(waiver_reason, field="waiver_reason")
    with transaction.atomic(durable=True):
        current = _locked(booking)
        if current.status not in (BookingStatus.BOOKED, BookingStatus.REQUESTED):
            raise IllegalTransition(
                _("Only a booked booking can be cancelled; this one is %(status)s.")
                % {"status": current.get_status_display().lower()}
            )
        now = timezone.now()
        previous = current.status
        location = current.room.location
        late = previous == BookingStatus.BOOKED and policy.is_late(location, current.starts_at, now)
        waived = late and waive_late_fee
        if waived:
            _check_waiver(location, by, waiver_reason)
        claims.release(current)
        _set(
            current,
            previous,
            status=BookingStatus.CANCELLED,
            cancelled_at=now,
            cancellation_reason=reason,
            cancelled_late=late,
            late_fee_waived=waived,
            late_fee_waiver_reason=waiver_reason if waived else "",
            updated_by=user_or_none(by),
        )
        diff = {
            "status": (previous, BookingStatus.CANCELLED),
            "cancellation_reason": ("", reason),
        }
        if late:
            diff["cancelled_late"] = (False, True)
        if waived:
            diff["late_fee_waived"] = (False, True)
            diff["late_fee_waiver_reason"] = ("", waiver_reason)
        elif late:
            # The charge keeps the percentage in force now, as a booking keeps its price.
            percent = charging.fix_charge(current, charging.ChargeKind.LATE_CANCELLATION)
            diff["charge_percent"] = (None, percent)
        changes.record(current, "cancelled", diff, by=by, source=source, ip=ip)
        events.send_booking_event_on_commit(current, "cancelled")
    return current


def _check_waiver(location, by, waiver_reason: str) -> None:
    if not policy.may_waive_late_fee(location, by):
        if policy.binds(by):
            message = _(
                "A late cancellation is charged; only reception can waive the fee. "
                "Nothing was cancelled."
            )
        else:
            message = _(
                "At %(location)s only a manager may waive a late-cancellation fee. "
                "Nothing was cancelled: cancel with the fee, or ask a manager."
            ) % {"location": location.name}
        raise WaiverRefused(message)
    if not waiver_reason:
        raise InvalidBooking(
            _("Say why the late fee is waived; nothing was cancelled."), field="waiver_reason"
        )


def _clean_reason(reason: str | None, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise InvalidBooking(_("Keep the reason under 300 characters."), field=field)
    return reason


def approve(booking: Booking | int, *, by, source: str, ip: str | None = None) -> Booking:
    """Staff accept a requested booking: it becomes booked (it already holds its slots).
    Raises IllegalTransition unless the booking is requested."""
    with transaction.atomic(durable=True):
        current = _locked(booking)
        if current.status != BookingStatus.REQUESTED:
            raise IllegalTransition(
                _("Only a requested booking can be approved; this one is %(status)s.")
                % {"status": current.get_status_display().lower()}
            )
        _set(
            current,
            BookingStatus.REQUESTED,
            status=BookingStatus.BOOKED,
            updated_by=user_or_none(by),
        )
        changes.record(
            current,
            "approved",
            {"status": (BookingStatus.REQUESTED, BookingStatus.BOOKED)},
            by=by,
            source=source,
            ip=ip,
        )
        events.send_booking_event_on_commit(current, "approved")
    return current


def decline(
    booking: Booking | int, *, reason: str, by, source: str, ip: str | None = None
) -> Booking:
    """Staff refuse a requested booking: it is cancelled with `reason` (required, the
    professional reads it) and its slots are freed. Never counts as a late cancellation."""
    reason = _clean_reason(reason)
    if not reason:
        raise InvalidBooking(_("Say why the request is declined."), field="reason")
    with transaction.atomic(durable=True):
        current = _locked(booking)
        if current.status != BookingStatus.REQUESTED:
            raise IllegalTransition(
                _("Only a requested booking can be declined; this one is %(status)s.")
                % {"status": current.get_status_display().lower()}
            )
        claims.release(current)
        _set(
            current,
            BookingStatus.REQUESTED,
            status=BookingStatus.CANCELLED,
            cancelled_at=timezone.now(),
            cancellation_reason=reason,
            updated_by=user_or_none(by),
        )
        changes.record(
            current,
            "declined",
            {
                "status": (BookingStatus.REQUESTED, BookingStatus.CANCELLED),
                "cancellation_reason": ("", reason),
            },
            by=by,
            source=source,
            ip=ip,
        )
        events.send_booking_event_on_commit(current, "declined")
    return current


def _mark(booking, new_status: str, action: str, *, by, source: str, ip: str | None) -> Booking:
    with transaction.atomic(durable=True):
        current = _locked(booking)
        if current.status != BookingStatus.BOOKED:
            raise IllegalTransition(
                _("Only a booked booking can be marked %(new)s; this one is %(status)s.")
                % {
                    "new": BookingStatus(new_status).label.lower(),
                    "status": current.get_status_display().lower(),
                }
            )
        if current.starts_at > timezone.now():
            raise IllegalTransition(
                _("This booking has not started yet; it can be marked %(new)s from %(time)s.")
                % {
                    "new": BookingStatus(new_status).label.lower(),
                    "time": formats.short_moment(
                        current.starts_at.astimezone(current.room.location.zone)
                    ),
                }
            )
        _set(current, BookingStatus.BOOKED, status=new_status, updated_by=user_or_none(by))
        diff = {"status": (BookingStatus.BOOKED, new_status)}
        if new_status == BookingStatus.NO_SHOW:
            # The charge keeps the percentage in force now, as a booking keeps its price.
            percent = charging.fix_charge(current, charging.ChargeKind.NO_SHOW)
            diff["charge_percent"] = (None, percent)
        changes.record(current, action, diff, by=by, source=source, ip=ip)
        events.send_booking_event_on_commit(current, action)
    return current


def mark_executed(booking: Booking | int, *, by, source: str, ip: str | None = None) -> Booking:
    """The session happened. Only a booked booking that has started can be executed."""
    return _mark(booking, BookingStatus.EXECUTED, "executed", by=by, source=source, ip=ip)


def mark_no_show(booking: Booking | int, *, by, source: str, ip: str | None = None) -> Booking:
    """The professional did not come. Only a booked booking that has started."""
    return _mark(booking, BookingStatus.NO_SHOW, "no_show", by=by, source=source, ip=ip)


def restore(booking: Booking | int, *, by, source: str, ip: str | None = None) -> Booking:
    """Undo: put an executed, no-show or cancelled booking back to booked.

    A cancelled booking must win its slots back; if someone took them meanwhile this raises
    SlotTaken with alternatives and the booking stays cancelled."""
    pk = booking.pk if isinstance(booking, Booking) else booking
    try:
        with transaction.atomic(durable=True):
            current = _locked(pk)
            previous = current.status
            if previous == BookingStatus.BOOKED:
                raise IllegalTransition(
                    _("This booking is already booked; there is nothing to undo.")
                )
            if previous == BookingStatus.REQUESTED:
                raise IllegalTransition(
                    _("This booking is a request; approve or decline it instead.")
                )
            if previous == BookingStatus.CANCELLED:
                claims.queue_for(current.room, current.professional)
                claims.claim(current)
                _set(
                    current,
                    previous,
                    status=BookingStatus.BOOKED,
                    cancelled_at=None,
                    cancellation_reason="",
                    cancelled_late=False,
                    late_fee_waived=False,
                    late_fee_waiver_reason="",
                    updated_by=user_or_none(by),
                )
            else:
                _set(current, previous, status=BookingStatus.BOOKED, updated_by=user_or_none(by))
            changes.record(
                current,
                "restored",
                {"status": (previous, BookingStatus.BOOKED)},
                by=by,
                source=source,
                ip=ip,
            )
            events.send_booking_event_on_commit(current, "restored")
    except IntegrityError as error:
        taken = claims.slot_taken(error, current, by)
        original = Booking.objects.select_related("room__location", "professional").get(pk=pk)
        raise claims.with_alternatives(
            taken,
            room=original.room,
            professional=original.professional,
            starts_at=original.starts_at,
            ends_at=original.ends_at,
            allow_past=True,
            ignore_booking_id=pk,
        ) from None
    return current


def update_notes(
    booking: Booking | int, *, notes: str, by, source: str, ip: str | None = None
) -> Booking:
    """Change a booking's notes (any state)."""
    notes = _clean_notes(notes)
    with transaction.atomic(durable=True):
        current = _locked(booking)
        if current.notes == notes:
            return current
        old = current.notes
        _set(current, current.status, notes=notes, updated_by=user_or_none(by))
        changes.record(current, "edited", {"notes": (old, notes)}, by=by, source=source, ip=ip)
        events.send_booking_event_on_commit(current, "edited")
    return current


def _clean_notes(notes: str | None) -> str:
    notes = (notes or "").strip()
    if len(notes) > 2000:
        raise InvalidBooking(_("Keep notes under 2,000 characters."), field="notes")
    return notes
