"""One of my bookings: its details and history, cancel it, or book it again."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.audit import actor_from_request
from billing import ledger, money
from patients.access import patients_visible_to, record_reads
from patients.models import ReadKind
from scheduling import patient_choices, services
from scheduling.errors import BookingError, SlotTaken
from scheduling.local_time import at_location
from scheduling.models import BookingStatus, SessionType, Source
from scheduling.services.rebooking import SAME

from .. import cards
from ..access import audit, own_booking, professional_required
from ..forms import CancelForm, SessionForm
from .home import portal_context

HISTORY_WORDS = {
    "booked": gettext_lazy("booked"),
    "requested": gettext_lazy("requested"),
    "approved": gettext_lazy("approved by reception"),
    "declined": gettext_lazy("declined by reception"),
    "moved": gettext_lazy("moved"),
    "resized": gettext_lazy("length changed"),
    "cancelled": gettext_lazy("cancelled"),
    "executed": gettext_lazy("marked as done"),
    "no_show": gettext_lazy("marked as a no-show"),
    "restored": gettext_lazy("put back to booked"),
    "edited": gettext_lazy("notes changed"),
    "session_changed": gettext_lazy("session changed"),
}


def _actor(request):
    return actor_from_request(request, Source.PORTAL)


def _late_charge(card) -> str:
    """What cancelling now would cost, as a person reads it ("20.00 EUR (50 %)")."""
    booking = card.booking
    policy = ledger.Policies()(booking.room.location)
    amount = money.percent_of(booking.price, policy.late_cancel_percent, booking.currency)
    return _("%(amount)s (%(percent)s %% of the price)") % {
        "amount": money.format_money(amount, booking.currency),
        "percent": f"{policy.late_cancel_percent.normalize():f}",
    }


@professional_required
def detail(request, pk: int):
    booking = own_booking(request, pk)
    card = cards.cards([booking])[0]
    shown = cards.with_patients([card])
    if shown:
        record_reads(_actor(request), shown, ReadKind.LIST, path=request.path)
    zone = booking.room.location.zone
    history = [
        {
            "at": at_location(change.at, zone),
            "what": HISTORY_WORDS.get(change.action, change.action),
            "by_me": change.by_id == request.user.pk,
            "source": change.get_source_display(),
        }
        for change in booking.changes.all()
    ]
    context = portal_context(
        "bookings",
        card=card,
        history=history,
        cancel_form=CancelForm(),
        late_charge=_late_charge(card) if card.cancel_is_late else "",
        features=[f.name for f in booking.room.features.all()],
    )
    return render(request, "portal/booking_detail.html", context)


@professional_required
def cancel(request, pk: int):
    """GET: what cancelling means now (free, or late and what it costs). POST: cancel."""
    booking = own_booking(request, pk)
    card = cards.cards([booking])[0]
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel(booking, reason=form.cleaned_data["reason"], **audit(request))
        except BookingError as error:
            messages.error(request, error.message)
        else:
            cancelled = own_booking(request, pk)
            if cancelled.cancelled_late:
                messages.warning(
                    request, _("Cancelled. It was after the free-cancellation time: it is charged.")
                )
            else:
                messages.success(request, _("Cancelled, free of charge. The room is free again."))
        return redirect(reverse("portal:booking", args=[pk]))
    context = portal_context(
        "bookings",
        card=card,
        form=form,
        late_charge=_late_charge(card) if card.cancel_is_late else "",
    )
    return render(
        request,
        "portal/booking_cancel.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


@professional_required
@require_POST
def rebook(request, pk: int):
    """One tap: the same room, weekday and time on the next free date, or the nearest
    alternative. Then the new booking's page says which it was."""
    original = own_booking(request, pk)
    try:
        result = services.rebook(original, **audit(request))
    except BookingError as error:
        text = error.message
        if isinstance(error, SlotTaken) and error.alternatives:
            text += " " + _("Try “Find a slot”.")
        messages.error(request, text)
        return redirect(reverse("portal:booking", args=[pk]))
    booking = result.booking
    zone = booking.room.location.zone
    when = date_format(booking.starts_at.astimezone(zone), "l j F, H:i")
    if result.how == SAME:
        text = _("Booked again: %(room)s on %(when)s, the same room and time.")
    else:
        text = _(
            "%(old_room)s was not free on a %(weekday)s at that time, so we booked the nearest "
            "free slot: %(room)s on %(when)s."
        )
    text = text % {
        "room": booking.room.name,
        "old_room": original.room.name,
        "weekday": date_format(original.starts_at.astimezone(zone), "l"),
        "when": when,
    }
    if booking.status == BookingStatus.REQUESTED:
        text += " " + _("Reception will confirm it.")
    messages.success(request, text)
    return redirect(reverse("portal:booking", args=[booking.pk]))


@professional_required
def session(request, pk: int):
    """Who the session is for, its price and (virtual) video link: change them through the
    booking service (set_session). The patients offered are those already on it and my
    recent ones; the search finds any of mine."""
    booking = own_booking(request, pk)
    virtual = booking.session_type == SessionType.VIRTUAL
    error = None
    if request.method == "POST":
        form = SessionForm(request.POST)
        if form.is_valid():
            values = form.service_kwargs(virtual=virtual)
            try:
                services.set_session(
                    booking,
                    patients=values["patients"],
                    price=values["session_price"],
                    currency=values["session_currency"],
                    video_link=values["video_link"],
                    **audit(request),
                )
            except BookingError as refusal:
                error = refusal.message
            else:
                messages.success(request, _("Session saved."))
                return redirect(reverse("portal:booking", args=[pk]))
        else:
            error = " ".join(e for errors in form.errors.values() for e in errors)
    current = list(booking.patients.all())
    on_it = {p.pk for p in current}
    posted = {int(v) for v in request.POST.getlist("patients") if v.isdigit()}
    chosen = posted if request.method == "POST" else on_it
    mine = patients_visible_to(request.user).filter(
        care_links__professional=request.professional, erased_at__isnull=True
    )
    extra = list(mine.filter(pk__in=posted - on_it)) if posted - on_it else []
    recent = patient_choices.recent_patients(request.professional)
    offered = list({p.pk: p for p in [*current, *extra, *recent]}.values())
    record_reads(_actor(request), [p.pk for p in offered], ReadKind.LIST, path=request.path)
    location = booking.room.location
    data = request.POST if request.method == "POST" else {}
    context = portal_context(
        "bookings",
        booking=booking,
        card=cards.cards([booking])[0],
        offered=offered,
        chosen=chosen,
        price=data.get("session_price", booking.session_price),
        currency=data.get("session_currency", booking.session_currency or location.currency),
        currencies=location.session_currencies,
        video_link=data.get("video_link", booking.video_link),
        virtual=virtual,
        error=error,
        min_typed=patient_choices.MIN_TYPED,
    )
    status = 422 if error else 200
    return render(request, "portal/booking_session.html", context, status=status)
