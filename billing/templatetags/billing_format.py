"""How billing shows money and lengths to people."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from billing import ledger, money

register = template.Library()


@register.filter
def amount(value, currency):
    """{{ charge.amount|amount:"EUR" }} → "€1,234.50" (in the reader's language)."""
    if value is None or value == "":
        return ""
    return money.format_money(value, currency)


@register.filter
def duration(minutes):
    """90 → "1 h 30 min"."""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


@register.filter
def payment_label(state):
    """ "partially_paid" → "Partially paid"; "" (no charge yet) → "—"."""
    return ledger.PaymentState.LABELS.get(state, "—")


@register.filter
def css_string(value):
    """Text for inside a double-quoted CSS string in a <style> element: quotes, backslashes,
    line breaks and "<" escaped the CSS way (HTML entities are not decoded there)."""
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\A "), ("<", "\\3C ")):
        text = text.replace(char, escaped)
    return mark_safe(text)  # noqa: S308 - escaped for its CSS context above
