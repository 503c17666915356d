"""HTML of the calendar's repeated pieces: booking blocks, week chips and free cells.

Built in Python rather than with `{% include %}`: a week of 2,000 bookings renders in a
few milliseconds this way instead of hundreds, and the live stream sends the very same
fragment the grid shows (one code path for both)."""

from __future__ import annotations

from html import escape as _escape

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from billing.marks import mark_for


def _attrs(card) -> str:
    notes = f' data-notes="{_escape(card.notes)}"' if card.notes else ""
    patients = getattr(card, "patients", ())
    if patients:
        ids = " ".join(str(pk) for pk, _name in patients)
        notes += f' data-patients="{ids}"'
    if getattr(card, "is_virtual", False):
        notes += ' data-session="virtual"'
    return (
        f'data-booking="{card.pk}" data-status="{card.status}" '
        f'data-starts-at="{card.starts_at.isoformat()}" '
        f'data-professional="{card.professional_id}" data-payment="{card.payment_state}"{notes}'
    )


def _mark(card) -> tuple[str, str, str] | None:
    return mark_for(
        card.payment_state,
        card.status,
        cancelled_late=card.cancelled_late,
        late_fee_waived=card.late_fee_waived,
    )


def _label(card) -> str:
    when = f"{card.start_label}–{card.end_label}"
    mark = _mark(card)
    paid = f", {mark[1]}" if mark else ""
    who = card.professional_name
    if getattr(card, "patients", ()):
        who = f"{card.professional_name} · {card.patient_names}"
    return f"{who}, {when}, {card.room_name}, {card.status_label}{paid}"


def _patients(card) -> str:
    """The session's patients as reception may read them (escaped), or nothing."""
    if not getattr(card, "patients", ()):
        return ""
    return f'<span class="b-patient">{_escape(card.patient_names)}</span>'


def _pay(card) -> str:
    """The paid / part paid / unpaid mark (empty, and hidden, when there is none); on a
    cancelled card: no charge, fee waived, or the late fee's state."""
    mark = _mark(card)
    if mark is None:
        return '<span class="b-pay" data-pay></span>'
    return (
        f'<span class="b-pay is-{mark[2]}" data-pay="{mark[2]}" '
        f'title="{_escape(mark[1])}">{_escape(mark[0])}</span>'
    )


def booking_block(card) -> SafeString:
    """A booking in the day view, placed by wall-clock minutes in its room column."""
    extra = []
    if card.notes:
        extra.append(
            format_html(
                '<span class="b-notes" title="{}">{}</span>',
                card.notes,
                Truncator(card.notes).chars(40),
            )
        )
    if card.is_cancelled and card.cancellation_reason:
        extra.append(
            format_html(
                '<span class="b-notes">{}</span>', Truncator(card.cancellation_reason).chars(40)
            )
        )
    if card.is_booked:
        extra.append(
            format_html(
                '<span class="resize" aria-hidden="true" title="{}"></span>',
                _("Drag to change the end"),
            )
        )
    return format_html(
        '<article id="booking-{}" class="booking is-{} at-{} len-{}" tabindex="0" role="button" '
        'aria-haspopup="menu" {} aria-label="{}">'
        '<span class="b-time">{}–{}</span> <span class="b-who">{}</span> {}'
        '<span class="b-state">{}</span>'
        "{}{}</article>",
        card.pk,
        card.status,
        card.start_minute,
        card.minutes,
        mark_safe(_attrs(card)),  # noqa: S308 - escaped inside
        _label(card),
        card.start_label,
        card.end_label,
        card.professional_name,
        mark_safe(_patients(card)),  # noqa: S308 - escaped inside
        card.status_label,
        mark_safe(_pay(card)),  # noqa: S308 - escaped inside
        mark_safe("".join(extra)),  # noqa: S308 - each part was built by format_html
    )


def swatch(colour: str, size: str = ".6rem") -> SafeString:
    """A room's colour as a small SVG square: its fill and size are SVG attributes, which
    the Content-Security-Policy allows, where a style="background: ..." attribute is
    refused."""
    return format_html(
        '<svg class="swatch" width="{}" height="{}" viewBox="0 0 5 5" aria-hidden="true">'
        '<rect width="5" height="5" rx="1" fill="{}"/></svg>',
        size,
        size,
        colour,
    )


def booking_chip(card) -> SafeString:
    """A booking in the week view's room × day cell."""
    return mark_safe(  # noqa: S308 - every text from the database is escaped
        f'<article id="booking-{card.pk}" class="chip is-{card.status}" tabindex="0" '
        f'role="button" aria-haspopup="menu" {_attrs(card)} '
        f'aria-label="{_escape(_label(card))}">'
        f"{_pay(card)}"
        f'<span class="b-time">{card.start_label}–{card.end_label}</span> '
        f'<span class="b-who">{_escape(card.professional_name)}</span>{_patients(card)}</article>'
    )


def free_cells(room, rows, *, first: bool) -> SafeString:
    """The clickable 15-minute cells of one room column."""
    name = escape(room.name)
    parts = []
    for index, row in enumerate(rows):
        parts.append(
            f'<button type="button" class="cell{" hour" if row.on_the_hour else ""}" '
            f'data-at="{row.at}" data-label="{row.label}" '
            f'tabindex="{0 if first and index == 0 else -1}" '
            f'aria-label="{name} {row.label}"></button>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - only escaped names and our own values


def week_rows(rows, today_index: int | None) -> SafeString:
    """The week table's body: a row per room, a cell per day holding that day's chips
    (`today_index`: the column of today, when the week shows it)."""
    parts = []
    for row in rows:
        cells = "".join(
            f'<td class="{"is-today" if index == today_index else ""}">'
            f"{''.join(booking_chip(card) for card in cards)}</td>"
            for index, cards in enumerate(row.days)
        )
        parts.append(
            f'<tr><th scope="row">{swatch(row.room.colour)}{_escape(row.room.name)}</th>'
            f"{cells}</tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - names escaped, chips built escaped
