"""Payment forms: each location accepts its own methods (Pix only in BRL by default, or
what its billing policy lists), "received on" is today in the location's zone, and the
currency follows the professional's location, on the billing page, in the service and in
the admin."""

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import payment_methods
from billing.errors import BillingError
from billing.models import BillingPolicy, Payment
from billing.services import record_payment, reverse_payment
from scheduling import services
from scheduling.models import Source
from tests.factories import LocationFactory, RoomFactory, StaffFactory

from .conftest import billing_snapshot

# 01:30 UTC on 2 December: still 1 December in Lima (20:30) and São Paulo (22:30), already
# 2 December in Lisbon (01:30) and in the tests' server zone, Kathmandu (07:15).
INSTANT = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)
LIMA_TODAY = date(2026, 12, 1)


@pytest.fixture
def paulista(db):
    return LocationFactory(name="Integra Paulista", tz="America/Sao_Paulo", currency="BRL")


@pytest.fixture
def lima(db):
    return LocationFactory(name="Integra Miraflores", tz="America/Lima", currency="PEN")


@pytest.fixture
def hour_at(staff, pro_a):
    """Book an hour for a professional at a location, a few days before INSTANT."""

    def make(location, professional=None, *, days_before=5):
        room = RoomFactory(location=location, hourly_price=Decimal("40.00"))
        day = INSTANT.date() - timedelta(days=days_before)
        start = datetime.combine(day, time(9), location.zone)
        return services.book(
            room=room,
            professional=professional or pro_a,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            by=staff,
            source=Source.BACKOFFICE,
            allow_past=True,
        )

    return make


@pytest.fixture
def clock(monkeypatch):
    """Stops the clock at INSTANT (after the bookings were made)."""
    monkeypatch.setattr(timezone, "now", lambda: INSTANT)
    return INSTANT


def pay(staff, professional, currency, method, **kwargs):
    kwargs.setdefault("received_on", INSTANT.date() - timedelta(days=3))
    return record_payment(
        professional=professional,
        amount="40.00",
        currency=currency,
        method=method,
        by=staff,
        source=Source.BACKOFFICE,
        **kwargs,
    )


def fields(html: str) -> dict:
    """What the payment form's currency, method and date offer."""
    currency = re.search(r'name="currency".*?</select>', html, re.S).group(0)
    method = re.search(r'name="method".*?</select>', html, re.S).group(0)
    return {
        "currency": re.search(r"<option selected>(\w+)</option>", currency).group(1),
        "methods": re.findall(r'<option value="(\w+)"', method),
        "received_on": re.search(r'name="received_on" value="([\d-]*)"', html).group(1),
        "max": re.search(r'name="received_on" value="[\d-]*" max="([\d-]*)"', html).group(1),
    }


# ---------------------------------------------------------------- the rule, in the service


def test_by_default_pix_is_offered_in_brl_only_and_cash_card_and_transfer_everywhere():
    assert payment_methods.defaults_for("BRL") == ["cash", "card", "bank_transfer", "pix"]
    for currency in ("EUR", "PEN", "USD"):
        assert payment_methods.defaults_for(currency) == ["cash", "card", "bank_transfer"]


def test_pix_is_taken_in_sao_paulo_and_refused_in_lisbon_with_a_sentence_writing_nothing(
    staff, pro_a, location, paulista, hour_at
):
    hour_at(paulista)
    hour_at(location)
    assert pay(staff, pro_a, "BRL", "pix").method == "pix"
    before = billing_snapshot()
    with pytest.raises(BillingError) as refusal:
        pay(staff, pro_a, "EUR", "pix")
    assert refusal.value.field == "method"
    assert refusal.value.message == (
        "Pix is not accepted at Lisboa Centro; it accepts cash, card, bank transfer."
    )
    assert billing_snapshot() == before


def test_a_location_accepts_what_its_billing_policy_lists(staff, pro_a, lima, hour_at):
    hour_at(lima)
    BillingPolicy.objects.create(location=lima, payment_methods=["cash"])
    before = billing_snapshot()
    with pytest.raises(BillingError, match="Card is not accepted at Integra Miraflores"):
        pay(staff, pro_a, "PEN", "card")
    assert billing_snapshot() == before
    assert pay(staff, pro_a, "PEN", "cash").currency == "PEN"


def test_received_on_is_today_in_the_locations_zone_not_in_utc_or_the_servers(
    staff, pro_a, lima, hour_at, clock
):
    hour_at(lima)
    payment = pay(staff, pro_a, "PEN", "cash", received_on=None)
    assert payment.received_on == LIMA_TODAY  # UTC and Kathmandu already say 2 December
    before = billing_snapshot()
    with pytest.raises(BillingError, match=r"cannot be received in the future \(2026-12-02\)"):
        pay(staff, pro_a, "PEN", "cash", received_on=date(2026, 12, 2))
    assert billing_snapshot() == before
    reversal = reverse_payment(payment, reason="typed twice", by=staff, source=Source.BACKOFFICE)
    assert reversal.received_on == LIMA_TODAY


# ---------------------------------------------------------------- the billing page


def test_the_form_follows_the_chosen_professionals_location_currency_methods_and_today(
    desk, pro_a, pro_b, location, lima, paulista, hour_at, clock
):
    hour_at(paulista, pro_a)
    hour_at(lima, pro_b)
    url = reverse("billing:payment-fields")
    in_sao_paulo = fields(desk.get(url, {"professional": pro_a.pk}).content.decode())
    assert in_sao_paulo == {
        "currency": "BRL",
        "methods": ["cash", "card", "bank_transfer", "pix"],
        "received_on": "2026-12-01",
        "max": "2026-12-01",
    }
    in_lima = fields(desk.get(url, {"professional": pro_b.pk}).content.decode())
    assert in_lima == {
        "currency": "PEN",
        "methods": ["cash", "card", "bank_transfer"],
        "received_on": "2026-12-01",
        "max": "2026-12-01",
    }
    # Choosing another currency by hand: that currency's location's methods and day.
    by_hand = fields(desk.get(url, {"professional": pro_a.pk, "currency": "EUR"}).content.decode())
    assert by_hand == {
        "currency": "EUR",
        "methods": ["cash", "card", "bank_transfer"],
        "received_on": "2026-12-02",
        "max": "2026-12-02",
    }


def test_the_billing_page_asks_for_the_fields_again_when_the_professional_changes(
    desk, pro_a, paulista, hour_at, clock
):
    hour_at(paulista)
    page = desk.get(reverse("billing:overview"), {"professional": pro_a.pk}).content.decode()
    select = re.search(r'<select id="id_professional".*?>', page, re.S).group(0)
    assert f'hx-get="{reverse("billing:payment-fields")}"' in select
    assert 'hx-target="#payment-fields"' in select
    assert "htmx" in page  # the script that makes the select ask
    assert f'<option value="{pro_a.pk}" selected>' in page
    assert fields(page)["currency"] == "BRL" and "pix" in fields(page)["methods"]


def test_a_payment_recorded_on_the_page_without_a_date_is_dated_today_at_the_location(
    desk, pro_a, lima, hour_at, clock
):
    hour_at(lima)
    response = desk.post(
        reverse("billing:payment-record"),
        {"professional": pro_a.pk, "amount": "40", "currency": "PEN", "method": "cash"},
    )
    assert response.status_code == 302
    assert Payment.objects.get().received_on == LIMA_TODAY


def test_pix_posted_for_lisbon_is_refused_and_the_form_keeps_the_professional_and_methods(
    desk, pro_a, location, hour_at, clock
):
    hour_at(location)
    before = billing_snapshot()
    response = desk.post(
        reverse("billing:payment-record"),
        {
            "professional": pro_a.pk,
            "amount": "40",
            "currency": "EUR",
            "method": "pix",
            "received_on": "2026-12-01",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Pix is not accepted at Lisboa Centro" in page
    assert billing_snapshot() == before
    assert f'<option value="{pro_a.pk}" selected>' in page
    assert fields(page) == {
        "currency": "EUR",
        "methods": ["cash", "card", "bank_transfer"],
        "received_on": "2026-12-01",  # as typed
        "max": "2026-12-02",
    }


def test_the_payment_fields_are_for_staff_only(client, pro_a):
    client.force_login(pro_a.user)
    assert client.get(reverse("billing:payment-fields")).status_code == 403


# ---------------------------------------------------------------- the admin


def test_the_admin_ticks_the_methods_a_location_accepts(client, location, pro_a, hour_at, staff):
    client.force_login(StaffFactory(username="boss", is_superuser=True))
    policy = BillingPolicy.objects.create(location=location)
    listing = client.get(reverse("admin:billing_billingpolicy_changelist")).content.decode()
    assert "Cash, Card, Bank transfer" in listing  # the defaults of EUR
    url = reverse("admin:billing_billingpolicy_change", args=[policy.pk])
    form = client.get(url).content.decode()
    assert 'type="checkbox" name="payment_methods" value="pix"' in form
    response = client.post(
        url,
        {
            "location": location.pk,
            "late_cancel_percent": "50",
            "no_show_percent": "100",
            "no_show_session_percent": "100",
            "late_cancel_session_percent": "50",
            "payment_methods": ["pix", "cash"],
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.payment_methods == ["cash", "pix"]
    hour_at(location)
    assert pay(staff, pro_a, "EUR", "pix").method == "pix"
    with pytest.raises(BillingError, match="Card is not accepted at Lisboa Centro"):
        pay(staff, pro_a, "EUR", "card")
