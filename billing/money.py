"""Money: Decimal amounts with the rounding of their currency, shown the way the reader's
language writes them.

Which currencies exist, how many decimal places each has and how it is written come from
Babel's copy of the Unicode CLDR (ISO 4217 codes, minor units, symbols), not from a table
of ours: a clinic opening in a new country needs no code change. Every amount the billing
code stores or shows goes through `quantize` with its currency, so a EUR amount always has
two places and a JPY amount none."""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import numbers as babel_numbers
from babel.core import get_global
from django.utils.translation import gettext as _

from accounts.languages import reader_locale

# Every money column (Payment.amount, Booking.price, Statement totals…) keeps two decimal
# places; a currency with more minor units (KWD, BHD: 3) cannot be stored exactly.
STORED_PLACES = 2

# Larger than any payment a clinic receives for room rental; bigger is a typing mistake.
LARGEST_PAYMENT = Decimal("1000000")

ZERO = Decimal("0")


class MoneyError(ValueError):
    """An amount or currency a person typed that cannot be money."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


@functools.cache
def known_currencies() -> frozenset[str]:
    """ISO 4217 codes that are legal tender in some country or territory today (CLDR's
    territory data): PEN and BRL are, XYZ is not, nor a withdrawn one like DEM."""
    today = date.today()
    return frozenset(
        code
        for territory in get_global("territory_currencies")
        for code in babel_numbers.get_territory_currencies(
            territory, start_date=today, end_date=today, tender=True
        )
    )


def is_known(currency: str) -> bool:
    return currency in known_currencies()


def places(currency: str) -> int:
    """Decimal places (ISO 4217 minor units) of `currency`; raises MoneyError for a code
    that is no currency in use, or one whose amounts Integra cannot store exactly."""
    if not is_known(currency):
        raise MoneyError(
            _("%(currency)s is not a currency Integra knows.") % {"currency": currency}
        )
    digits = babel_numbers.get_currency_precision(currency)
    if digits > STORED_PLACES:
        raise MoneyError(
            _(
                "%(currency)s amounts have %(places)d decimal places; Integra keeps at most "
                "%(stored)d."
            )
            % {"currency": currency, "places": digits, "stored": STORED_PLACES}
        )
    return digits


def rounding_places(currency: str) -> int:
    """The places amounts of `currency` are rounded to and shown with; unlike `places`,
    it never refuses (a code Babel does not know gets two)."""
    # Never more than what is stored: rounding to 3 places a column that keeps 2 would
    # let the database round a second time, silently.
    return min(babel_numbers.get_currency_precision(currency), STORED_PLACES)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's places (0.005 EUR → 0.01, 1234.5 JPY →
    1235). A code Babel does not know rounds to two places, like most currencies."""
    digits = rounding_places(currency)
    return Decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    """`percent` % of `amount`, rounded once, at the end."""
    return quantize(Decimal(amount) * Decimal(percent) / Decimal(100), currency)


BARE_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _typed_number(text: str | Decimal) -> Decimal:
    """A number as the reader's language writes it ("1.234,50" in Brazil, "1,234.50" in
    Lima; Babel's parse_decimal, strict about grouping), or a bare one with either decimal
    sign ("42,50" or "42.50", what people type whatever their language)."""
    if isinstance(text, Decimal):
        return text
    typed = str(text).strip()
    if BARE_NUMBER.fullmatch(typed):
        return Decimal(typed.replace(",", "."))
    locale = reader_locale()
    group = babel_numbers.get_group_symbol(locale)
    if group.isspace():  # "1 234,50" typed with an ordinary space where CLDR has a narrow one
        typed = re.sub(r"\s", group, typed)
    return babel_numbers.parse_decimal(typed, locale=locale, strict=True)


def parse_amount(text: str | Decimal, currency: str) -> Decimal:
    """A positive amount a person typed, exact in the currency's places.

    Refuses (MoneyError) an unknown currency, what is not a number, zero or negative,
    finer than the currency (0.001 EUR) or absurdly large. Never rounds silently: a typo
    must be seen."""
    digits = places(currency)
    try:
        amount = _typed_number(text)
    except (InvalidOperation, ValueError, babel_numbers.NumberFormatError):
        raise MoneyError(_("“%(text)s” is not an amount.") % {"text": text}) from None
    if not amount.is_finite():
        raise MoneyError(_("“%(text)s” is not an amount.") % {"text": text})
    if amount <= 0:
        raise MoneyError(_("The amount must be more than zero."))
    if amount >= LARGEST_PAYMENT:
        raise MoneyError(
            _("%(amount)s %(currency)s is more than any payment we accept; check the amount.")
            % {"amount": amount, "currency": currency}
        )
    if amount != quantize(amount, currency):
        raise MoneyError(
            _("%(currency)s amounts have at most %(places)d decimal places.")
            % {"currency": currency, "places": digits}
        )
    return quantize(amount, currency)


def format_money(amount: Decimal, currency: str) -> str:
    """An amount as the reader's language writes it, with its currency: 1234.5 EUR is
    "€1,234.50" in English, "1.234,50 €" in Spanish; 30 BRL is "R$ 30,00" in Brazilian
    Portuguese (Babel's format_currency, the currency's places)."""
    return babel_numbers.format_currency(
        quantize(amount, currency), currency, locale=reader_locale()
    )


def format_amount(amount: Decimal, currency: str) -> str:
    """The number alone, for a column whose heading names the currency: 1234.5 EUR →
    "1,234.50" in English, "1.234,50" in Spanish; 1234 JPY → "1,234"."""
    digits = rounding_places(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(
        quantize(amount, currency), format=pattern, locale=reader_locale()
    )
