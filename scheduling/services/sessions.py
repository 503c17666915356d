"""The session a booking holds: its patients (one, or several for a group), its type
(on-site in a room, or virtual in the location's Online lane, claiming only the
professional), its price and currency, and a video link.

`clean` checks what a caller asks for before any transaction (and raises InvalidBooking
with the field to blame); `attach` writes the patients inside the booking service's
transaction; `set_session` changes the session of an existing booking."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import user_or_none
from patients.access import patients_visible_to
from patients.models import Patient
from patients.services import records as patient_records
from professionals.models import Professional

from .. import events, policy
from ..errors import IllegalTransition, InvalidBooking
from ..models import Booking, BookingStatus, Room, SessionType
from . import changes

MAX_GROUP = 30


@dataclass
class Session:
    session_type: str = SessionType.ON_SITE
    patients: list[Patient] = field(default_factory=list)
    price: Decimal | None = None
    currency: str = ""
    video_link: str = ""


def _price(value, currency: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidBooking(
            _("The session price must be a number."), code="invalid_price", field="session_price"
        ) from None
    if not price.is_finite() or price < 0 or price >= Decimal("100000000"):
        raise InvalidBooking(
            _("The session price must be between 0 and 99,999,999."),
            code="invalid_price",
            field="session_price",
        )
    places = get_currency_precision(currency)
    if price != price.quantize(Decimal(1).scaleb(-places)):
        raise InvalidBooking(
            _("%(currency)s amounts have at most %(places)d decimal places.")
            % {"currency": currency, "places": places},
            code="invalid_price",
            field="session_price",
        )
    return price.quantize(Decimal(1).scaleb(-places))


def _patients(ids_or_patients, professional: Professional, by) -> list[Patient]:
    """The patients asked for, as `by` may attach them: a professional only their own
    (another's, or an unknown id, is "not found", so an id cannot be probed); staff any
    patient not erased (who then joins the professional's care team)."""
    wanted = []
    for item in ids_or_patients or ():
        pk = item.pk if isinstance(item, Patient) else item
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise InvalidBooking(
                _("A patient is given by their number."), code="invalid_patient", field="patients"
            )
        wanted.append(pk)
    wanted = list(dict.fromkeys(wanted))
    if len(wanted) > MAX_GROUP:
        raise InvalidBooking(
            _("A session has at most %(count)d patients.") % {"count": MAX_GROUP},
            code="too_many_patients",
            field="patients",
        )
    if not wanted:
        return []
    visible = patients_visible_to(by) if by is not None else Patient.objects.all()
    if policy.binds(by):
        visible = visible.filter(care_links__professional=professional)
    found = {p.pk: p for p in visible.filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found or found[pk].is_erased]
    if missing:
        raise InvalidBooking(
            _("There is no patient %(id)s, or they are not yours.") % {"id": missing[0]},
            code="patient_not_found",
            field="patients",
        )
    return [found[pk] for pk in wanted]


def clean(
    *,
    room: Room,
    professional: Professional,
    session_type: str,
    patients,
    price,
    currency: str,
    video_link: str,
    by,
) -> Session:
    """What the caller asked for, checked. Defaults: the professional's session price, the
    location's currency. Raises InvalidBooking naming the field."""
    if session_type not in SessionType.values:
        raise InvalidBooking(
            _("A session is on-site or virtual."), code="invalid_session_type", field="session_type"
        )
    location = room.location
    currency = (currency or "").strip().upper() or location.currency
    if currency not in location.session_currencies:
        raise InvalidBooking(
            _("Sessions at %(location)s are priced in %(currencies)s.")
            % {"location": location.name, "currencies": ", ".join(location.session_currencies)},
            code="invalid_currency",
            field="session_currency",
        )
    video_link = (video_link or "").strip()
    if video_link:
        if session_type != SessionType.VIRTUAL:
            raise InvalidBooking(
                _("Only a virtual session has a video link."),
                code="invalid_video_link",
                field="video_link",
            )
        try:
            URLValidator(schemes=["https"])(video_link)
        except ValidationError:
            raise InvalidBooking(
                _("The video link must be an https:// address."),
                code="invalid_video_link",
                field="video_link",
            ) from None
        if len(video_link) > 500:
            raise InvalidBooking(
                _("The video link is longer than 500 characters."),
                code="invalid_video_link",
                field="video_link",
            )
    chosen = _price(price, currency)
    if chosen is None and professional.default_session_price is not None:
        chosen = _price(professional.default_session_price, currency)
    return Session(
        session_type=session_type,
        patients=_patients(patients, professional, by),
        price=chosen,
        currency=currency if chosen is not None else "",  # a currency only beside a price
        video_link=video_link,
    )


def attach(booking: Booking, patients: list[Patient], *, by, source: str, ip) -> None:
    """Inside the booking's transaction: set its patients; staff's choices join the
    professional's care team (recorded on the patient)."""
    booking.patients.set(patients)
    if not policy.binds(by):
        for patient in patients:
            patient_records.link_on_booking(
                patient, booking.professional, by=by, source=source, ip=ip
            )


_UNSET = object()


def set_session(
    booking: Booking | int,
    *,
    patients=_UNSET,
    price=_UNSET,
    currency=_UNSET,
    video_link=_UNSET,
    by,
    source: str,
    ip: str | None = None,
) -> Booking:
    """Change a booking's patients, session price, currency or video link (omitted ones
    stay). Refused for a cancelled booking, and for a professional's booking of someone
    else (the caller fetched it through scheduling.access). The type stays: a session
    becomes virtual or on-site by moving it (it changes which slots it holds)."""
    from .bookings import _locked  # the one locked read of a booking

    pk = booking.pk if isinstance(booking, Booking) else booking
    with transaction.atomic(durable=True):
        current = _locked(pk)
        if current.status == BookingStatus.CANCELLED:
            raise IllegalTransition(_("A cancelled booking's session cannot be changed."))
        old_patients = sorted(current.patients.values_list("pk", flat=True))
        session = clean(
            room=current.room,
            professional=current.professional,
            session_type=current.session_type,
            patients=old_patients if patients is _UNSET else patients,
            price=current.session_price if price is _UNSET else price,
            currency=current.session_currency if currency is _UNSET else currency,
            video_link=current.video_link if video_link is _UNSET else video_link,
            by=by,
        )
        diff = {}
        for name, new in (
            ("session_price", session.price),
            ("session_currency", session.currency),
            ("video_link", session.video_link),
        ):
            if getattr(current, name) != new:
                diff[name] = (getattr(current, name), new)
        new_patients = sorted(p.pk for p in session.patients)
        if new_patients != old_patients:
            diff["patients"] = (old_patients, new_patients)
            attach(current, session.patients, by=by, source=source, ip=ip)
        if diff:
            # A new version even when only the patients changed: screens re-render it.
            fields = {k: v[1] for k, v in diff.items() if k != "patients"}
            fields.update(updated_by=user_or_none(by), updated_at=timezone.now())
            Booking.objects.filter(pk=current.pk).update(**fields)
            for name, value in fields.items():
                setattr(current, name, value)
            changes.record(current, "session_changed", diff, by=by, source=source, ip=ip)
            events.send_booking_event_on_commit(current, "session_changed")
    current.replayed = False
    return current
