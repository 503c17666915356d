"""Money: Decimal amounts with the rounding of their currency.

Every amount the billing code stores or shows goes through `quantize` with its currency, so
a EUR amount always has two places and a JPY amount none."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

# ISO 4217 code → number of decimal places (minor units).
CURRENCIES: dict[str, int] = {
    "BRL": 2,
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "CHF": 2,
    "ARS": 2,
    "MXN": 2,
    "CLP": 0,
    "JPY": 0,
}

# Larger than any payment a clinic receives for room rental; bigger is a typing mistake.
LARGEST_PAYMENT = Decimal("1000000")

ZERO = Decimal("0")


class MoneyError(ValueError):
    """An amount or currency a person typed that cannot be money."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


def places(currency: str) -> int:
    """Decimal places of `currency`; raises MoneyError for a currency we do not know."""
    try:
        return CURRENCIES[currency]
    except KeyError:
        raise MoneyError(
            _("%(currency)s is not a currency Integra knows.") % {"currency": currency}
        ) from None


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's places (0.005 EUR → 0.01). A currency
    missing from the table rounds to two places, like most currencies."""
    digits = CURRENCIES.get(currency, 2)
    return Decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    """`percent` % of `amount`, rounded once, at the end."""
    return quantize(Decimal(amount) * Decimal(percent) / Decimal(100), currency)


def parse_amount(text: str | Decimal, currency: str) -> Decimal:
    """A positive amount a person typed, exact in the currency's places.

    Refuses (MoneyError) what is not a number, zero or negative, finer than the currency
    (0.001 EUR) or absurdly large. Never rounds silently: a typo must be seen."""
    digits = places(currency)
    try:
        amount = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
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


def format_amount(amount: Decimal, currency: str) -> str:
    """1234.5 EUR → "1,234.50": thousands separated, the currency's places, no code."""
    return f"{quantize(amount, currency):,.{CURRENCIES.get(currency, 2)}f}"


def format_money(amount: Decimal, currency: str) -> str:
    """1234.5 EUR → "1,234.50 EUR": thousands separated, the currency's places."""
    return f"{format_amount(amount, currency)} {currency}"
