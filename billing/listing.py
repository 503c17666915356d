"""The charges of a statement as lines of fixed-width text, one line per charge.

Why: weasyprint's cost grows with every box and every piece of text it lays out and
draws. A table of 200 charges with six cells a row (1,200 cells) took about 2.3 s of CPU
on our 2-core machine, two thirds of a statement's time; the same charges as 200 lines
of monospaced text take about a quarter of that. So the statement prints its charges
like a bank statement: columns padded here in DejaVu Sans Mono, where every character
has the same width, so dates, times and amounts line up exactly, and the PDF's text
reads row by row when copied.

A value longer than its column wraps onto a continuation line of the same charge; no
value is ever cut."""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import formats
from scheduling.models import BookingStatus

from . import money
from .ledger import Charge
from .templatetags.billing_format import duration

# Characters per line at the statement's 8 pt DejaVu Sans Mono: A4 less the 16 mm page
# margins and the body's 6 pt margins is 492.6 pt; a character is 0.602 em = 4.816 pt.
LINE_WIDTH = 102
SMALLEST_GAP = 2
WIDEST_GAP = 5


def text_width(text: str) -> int:
    """Columns `text` takes in a monospaced font: East Asian wide characters take two,
    combining marks none."""
    if text.isascii():
        return len(text)
    width = 0
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, align: str) -> str:
    fill = " " * max(0, width - text_width(text))
    return fill + text if align == "right" else text + fill


def _wrap(text: str, width: int) -> list[str]:
    if text_width(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]


@dataclass(frozen=True)
class Column:
    title: str
    align: str  # "left" or "right"
    wraps: bool  # a long value may wrap onto more lines (names); others never do


@dataclass
class ListingRow:
    text: str  # one line, or more when a value wrapped
    exceptional: bool  # no-show or late cancellation: printed in the warning colour


@dataclass
class Listing:
    header: str
    rows: list[ListingRow]
    footer: str

    def html(self) -> SafeString:
        """The rows as runs of preformatted lines, striped per charge.

        Consecutive one-line charges share one block whose stripes are a repeating
        gradient of the line height (a box per charge costs weasyprint more than the text
        in it); a charge whose names wrapped gets a block of its own in its stripe's
        colour, and the next run starts in the colour that follows."""
        parts: list[str] = []
        run: list[str] = []
        run_shaded = False

        def close_run() -> None:
            if run:
                shaded = " from-shaded" if run_shaded else ""
                parts.append(f'<div class="run{shaded}">' + "\n".join(run) + "</div>")
                run.clear()

        for index, row in enumerate(self.rows):
            shaded = index % 2 == 1
            text = escape(row.text)
            line = f'<span class="warn">{text}</span>' if row.exceptional else text
            if "\n" in row.text:
                close_run()
                parts.append(f'<div class="charge{" shaded" if shaded else ""}">{line}</div>')
                continue
            if not run:
                run_shaded = shaded
            run.append(line)
        close_run()
        return mark_safe("".join(parts))  # noqa: S308 - every text was escaped above


def _cells(charge: Charge) -> list[str]:
    start, end = charge.local_start, charge.local_end
    room = charge.booking.room
    return [
        f"{formats.dated_day(start)}  {formats.hm(start)}–{formats.hm(end)}",
        room.name,
        room.location.name,
        duration(charge.booking.minutes),
        charge.kind,
        money.format_amount(charge.amount, charge.booking.currency),
    ]


def _widths(columns: list[Column], values: list[list[str]], footer: list[str]) -> list[int]:
    """Each column as wide as its widest value (or title); when that is wider than the
    line, the columns that may wrap give up room, the widest first, down to 8."""
    widths = [
        max([text_width(col.title)] + [text_width(row[i]) for row in values + [footer]])
        for i, col in enumerate(columns)
    ]
    gaps = SMALLEST_GAP * (len(columns) - 1)
    while sum(widths) + gaps > LINE_WIDTH:
        wrappable = [i for i, col in enumerate(columns) if col.wraps and widths[i] > 8]
        if not wrappable:
            break
        widest = max(wrappable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _gaps(widths: list[int]) -> list[int]:
    """Spread what is left of the line over the gaps without pulling columns absurdly
    far apart; the rest goes before the amounts, so they end at the right margin like
    the figures of the other tables."""
    count = len(widths) - 1
    spare = max(0, LINE_WIDTH - sum(widths) - SMALLEST_GAP * count)
    gaps = [SMALLEST_GAP + min(spare // count, WIDEST_GAP - SMALLEST_GAP)] * count
    gaps[-1] += max(0, LINE_WIDTH - sum(widths) - sum(gaps))
    return gaps


def _join(cells: list[str], widths, gaps, columns) -> str:
    """One charge as one or more lines (continuations of wrapped values)."""
    wrapped = [
        _wrap(cell, width) if col.wraps else [cell]
        for cell, width, col in zip(cells, widths, columns, strict=True)
    ]
    height = max(len(parts) for parts in wrapped)
    lines = []
    for index in range(height):
        pieces = []
        for i, (parts, width, col) in enumerate(zip(wrapped, widths, columns, strict=True)):
            piece = _pad(parts[index] if index < len(parts) else "", width, col.align)
            pieces.append(piece + (" " * gaps[i] if i < len(gaps) else ""))
        lines.append("".join(pieces).rstrip())
    return "\n".join(lines)


def charge_listing(charges: list[Charge], currency: str, charges_total) -> Listing:
    """The header, one row per charge and the total line of a statement's charges."""
    # Titles in capitals like the other tables' headings (upper() here, not CSS, so the
    # width counted is the width printed: "ß" becomes "SS").
    columns = [
        Column(_("Date and local time").upper(), "left", wraps=False),
        Column(_("Room").upper(), "left", wraps=True),
        Column(_("Location").upper(), "left", wraps=True),
        Column(_("Length").upper(), "right", wraps=False),
        Column(_("State").upper(), "left", wraps=False),
        Column((_("Amount (%(currency)s)") % {"currency": currency}).upper(), "right", wraps=False),
    ]
    values = [_cells(charge) for charge in charges]
    total_label = ngettext(
        "Total of %(count)d charge", "Total of %(count)d charges", len(charges)
    ) % {"count": len(charges)}
    footer_cells = ["", "", "", "", "", money.format_amount(charges_total, currency)]
    widths = _widths(columns, values, footer_cells)
    gaps = _gaps(widths)
    header = _join([col.title for col in columns], widths, gaps, columns)
    rows = [
        ListingRow(
            _join(cells, widths, gaps, columns),
            exceptional=charge.booking.status != BookingStatus.EXECUTED
            and charge.booking.status != BookingStatus.BOOKED,
        )
        for charge, cells in zip(charges, values, strict=True)
    ]
    amount = footer_cells[-1]
    label_room = sum(widths) + sum(gaps) - text_width(amount) - SMALLEST_GAP
    footer = _pad(total_label, label_room, "left") + " " * SMALLEST_GAP + amount
    return Listing(header=header, rows=rows, footer=footer)
