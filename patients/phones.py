"""Phone numbers as people type them, stored in E.164 (phonenumbers): "(11) 98765-4321"
typed at São Paulo is +5511987654321."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Where a number typed without its country code is read from, by the clinic's language.
REGION_OF_LANGUAGE = {"pt-br": "BR", "es": "PE", "pt-pt": "PT", "en": "PT"}


def clean(text: str, region: str | None) -> str:
    """`text` as E.164 ("" when blank), or ValidationError saying what is wrong. `region`
    (ISO 3166 code) reads a number typed without "+country"."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            {"phone": _("This is not a phone number; write it with its country code (+55 …).")},
            code="invalid_phone",
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            {
                "phone": _("%(number)s is not a valid number in %(country)s.")
                % {
                    "number": text,
                    "country": phonenumbers.region_code_for_number(number)
                    or f"+{number.country_code}",
                }
            },
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164) -> str:
    """The stored number written internationally for a person (+55 11 98765-4321)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(str(e164), None)
    except phonenumbers.NumberParseException:
        return str(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
