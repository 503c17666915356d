"""Small bar charts as inline SVG, drawn on the server: no chart library, no script, and
they print. Each bar has a <title> (its value on hover or long-press) and the chart a text
alternative for screen readers."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, AXIS = 320, 120, 18  # viewBox units; the SVG scales to its container


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() or value >= 10 else f"{value:.1f}"


def bars(points: list[tuple[str, float]], *, unit: str, describe=None) -> SafeString:
    """One bar per (label, value). `describe(value)` writes the value in the bar's title
    and the text alternative (an amount with its currency); the label above the bar stays
    short."""
    describe = describe or (lambda value: f"{_number(value)}{unit}")
    top = max((v for _label, v in points), default=0) or 1
    slot = WIDTH / max(len(points), 1)
    parts = []
    for index, (label, value) in enumerate(points):
        height = (HEIGHT - AXIS - 14) * value / top
        x = index * slot + slot * 0.15
        y = HEIGHT - AXIS - height
        text = f"{_number(value)}{unit}"
        parts.append(
            f"<g><title>{escape(label)}: {escape(describe(value))}</title>"
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height:.1f}" rx="2"></rect>'
            + (_text("value", x + slot * 0.35, y - 3, text) if value else "")
            + _text("label", x + slot * 0.35, HEIGHT - 5, label)
            + "</g>"
        )
    summary = "; ".join(f"{label}: {describe(v)}" for label, v in points)
    return _svg(parts, summary)


def stacked(points: list[tuple[str, int, int]]) -> SafeString:
    """Executed (bottom) and no-show (on top) per (label, executed, no_show)."""
    top = max((a + b for _label, a, b in points), default=0) or 1
    slot = WIDTH / max(len(points), 1)
    parts = []
    for index, (label, done, missed) in enumerate(points):
        usable = HEIGHT - AXIS - 14
        done_h, missed_h = usable * done / top, usable * missed / top
        x = index * slot + slot * 0.15
        base = HEIGHT - AXIS
        title = _("%(label)s: %(done)d done, %(missed)d no-show") % {
            "label": label,
            "done": done,
            "missed": missed,
        }
        total = done + missed
        parts.append(
            f"<g><title>{escape(title)}</title>"
            f'<rect class="bar done" x="{x:.1f}" y="{base - done_h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{done_h:.1f}"></rect>'
            f'<rect class="bar missed" x="{x:.1f}" y="{base - done_h - missed_h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{missed_h:.1f}"></rect>'
            + (
                _text("value", x + slot * 0.35, base - done_h - missed_h - 3, f"{done}/{missed}")
                if total
                else ""
            )
            + _text("label", x + slot * 0.35, HEIGHT - 5, label)
            + "</g>"
        )
    summary = "; ".join(
        _("%(label)s: %(done)d done, %(missed)d no-show")
        % {"label": label, "done": done, "missed": missed}
        for label, done, missed in points
    )
    return _svg(parts, summary)


def _text(kind: str, x: float, y: float, content: str) -> str:
    return f'<text class="{kind}" x="{x:.1f}" y="{y:.1f}">{escape(content)}</text>'


def _svg(parts: list[str], summary: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text inside was escaped above
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(summary)}" preserveAspectRatio="xMidYMid meet">'
        f'<line class="axis" x1="0" x2="{WIDTH}" y1="{HEIGHT - AXIS}" y2="{HEIGHT - AXIS}"></line>'
        + "".join(parts)
        + "</svg>"
    )
