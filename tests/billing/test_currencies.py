"""Currencies come from Babel's ISO 4217 data: a payment can be recorded, reversed and
printed on a statement in the currency of each location (BRL in São Paulo, PEN in Lima,
EUR in Lisbon, USD in Miami), every amount written with its currency in the reader's
language; a code that is no currency is refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from billing import ledger, money
from billing.errors import BillingError
from billing.models import Payment
from billing.services import issue_statement, record_payment, reverse_payment
from scheduling.models import Source
from tests.factories import LocationFactory, RoomFactory

from .conftest import billing_snapshot, pdf_text

PLACES = {
    "BRL": ("Integra Paulista", "America/Sao_Paulo", "pix"),
    "PEN": ("Integra Miraflores", "America/Lima", "cash"),
    "EUR": ("Integra Chiado", "Europe/Lisbon", "card"),
    "USD": ("Integra Brickell", "America/New_York", "bank_transfer"),
}


@pytest.fixture
def last_month():
    """The first day of last month (in every zone: the 5th to the 20th are used)."""
    return (timezone.now().date().replace(day=1) - timedelta(days=1)).replace(day=1)


def room_in(currency: str):
    name, tz, _method = PLACES[currency]
    location = LocationFactory(name=name, tz=tz, currency=currency)
    return RoomFactory(location=location, name="Sala 1", hourly_price=Decimal("40.00"))


@pytest.mark.parametrize("currency", sorted(PLACES))
def test_a_payment_is_recorded_reversed_and_printed_in_the_currency_of_its_location(
    currency, past, pro_a, staff, last_month
):
    room = room_in(currency)
    method = PLACES[currency][2]
    past(
        last_month.replace(day=5).isoformat(),
        "09:00",
        "10:00",
        pro_a,
        state="executed",
        on_room=room,
    )
    payment = record_payment(
        professional=pro_a,
        amount="40.00",
        currency=currency,
        method=method,
        received_on=last_month.replace(day=6),
        by=staff,
        source=Source.BACKOFFICE,
    )
    assert (payment.amount, payment.currency) == (Decimal("40.00"), currency)
    assert ledger.balance(pro_a, currency) == Decimal("0.00")
    reversal = reverse_payment(
        payment,
        reason="typed twice",
        on=last_month.replace(day=7),
        by=staff,
        source=Source.BACKOFFICE,
    )
    assert (reversal.amount, reversal.currency) == (Decimal("-40.00"), currency)
    assert ledger.balance(pro_a, currency) == Decimal("40.00")

    statement = issue_statement(
        pro_a,
        last_month.year,
        last_month.month,
        currency=currency,
        by=staff,
        source=Source.BACKOFFICE,
    )
    assert (statement.currency, statement.closing_balance) == (currency, Decimal("40.00"))
    text = pdf_text(statement.pdf)
    forty = {"BRL": "R$40.00", "PEN": "PEN40.00", "EUR": "€40.00", "USD": "US$40.00"}[currency]
    assert money.format_money(Decimal("40.00"), currency) == forty
    assert f"Currency: {currency}" in text
    assert f"AMOUNT ({currency})" in text
    assert forty in text  # the charge, the payment, the closing balance
    assert money.format_money(Decimal("-40.00"), currency) in text  # the reversal
    assert f"reverses #{payment.pk}" in text


@pytest.mark.parametrize(
    ("language", "currency", "shown"),
    [
        ("pt-br", "BRL", "R$\xa040,00"),
        ("es", "PEN", "S/\xa040.00"),  # Spanish as written in Peru
        ("pt-pt", "EUR", "40,00\xa0€"),
        ("en", "USD", "US$40.00"),  # British English: the dollar named
        ("en", "EUR", "€40.00"),
    ],
)
def test_the_billing_page_writes_amounts_the_way_the_readers_language_does(
    client, staff, past, pro_a, last_month, language, currency, shown
):
    past(
        last_month.replace(day=5).isoformat(),
        "09:00",
        "10:00",
        pro_a,
        state="executed",
        on_room=room_in(currency),
    )
    client.force_login(staff)
    page = client.get(reverse("billing:overview"), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    assert shown in page.content.decode()
    with translation.override(language):
        assert money.format_money(Decimal("40"), currency) == shown


def test_amounts_keep_the_places_of_their_currency():
    assert [money.places(code) for code in ("BRL", "PEN", "EUR", "USD", "JPY", "CLP")] == [
        2,
        2,
        2,
        2,
        0,
        0,
    ]
    assert money.parse_amount("12,50", "PEN") == Decimal("12.50")
    with pytest.raises(money.MoneyError, match="at most 0 decimal places"):
        money.parse_amount("10.5", "JPY")
    assert money.format_money(Decimal("1234.5"), "JPY") == "JP¥1,235"


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("XYZ", "XYZ is not a currency Integra knows."),
        ("DEM", "DEM is not a currency Integra knows."),  # withdrawn in 2002
        ("KWD", "KWD amounts have 3 decimal places; Integra keeps at most 2."),
    ],
)
def test_a_code_that_is_no_currency_in_use_is_refused_with_a_sentence_and_writes_nothing(
    past, pro_a, staff, last_month, code, sentence
):
    past(
        last_month.replace(day=5).isoformat(),
        "09:00",
        "10:00",
        pro_a,
        state="executed",
        on_room=room_in("PEN"),
    )
    before = billing_snapshot()
    with pytest.raises(BillingError) as refusal:
        record_payment(
            professional=pro_a,
            amount="40.00",
            currency=code,
            method="cash",
            received_on=last_month.replace(day=6),
            by=staff,
            source=Source.BACKOFFICE,
        )
    assert (refusal.value.message, refusal.value.field) == (sentence, "currency")
    assert billing_snapshot() == before
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("pt-br", "42,50", "42.50"),
        ("pt-br", "1.234,50", "1234.50"),
        ("pt-br", "42.50", "42.50"),
        ("pt-pt", "1 234,50", "1234.50"),
        ("es", "1,234.50", "1234.50"),
        ("es", "42,50", "42.50"),
        ("en", "1,234.50", "1234.50"),
    ],
)
def test_an_amount_is_read_as_the_readers_language_writes_it(language, typed, amount):
    from django.utils import translation

    with translation.override(language):
        assert money.parse_amount(typed, "BRL") == Decimal(amount)


@pytest.mark.parametrize(("language", "typed"), [("pt-br", "1,234.50"), ("es", "1.234,50")])
def test_an_amount_grouped_the_other_way_is_refused_not_guessed(language, typed):
    from django.utils import translation

    with translation.override(language), pytest.raises(money.MoneyError):
        money.parse_amount(typed, "BRL")
