"""Who may call which billing operation: anonymous, reception, a manager, professional A
and professional B × every billing endpoint, with the session (and its CSRF token) or a
personal API token. The same rules as the UI: reception records payments and reads
balances, charges, income and billing policies; a manager also reverses, issues
statements, exports and edits agreements and policies; a professional reads their own.

Each target belongs to A, so B shows what a professional may do to someone else's money:
nothing, and without learning that it exists (404, not 403)."""

import pytest
from django.contrib.admin.models import LogEntry

from billing import services
from billing.models import (
    Allocation,
    BillingPolicy,
    Payment,
    PriceAgreement,
    Statement,
    StatementBatch,
)
from scheduling.models import Source

from .conftest import session_api, token_api
from .test_authorisation_matrix import ACTORS

pytestmark = pytest.mark.django_db

ANON, STAFF, MANAGER, A, B = "anonymous", "reception", "manager", "A", "B"
READ_OWN = (401, 200, 200, 200, 200)  # a professional gets only their own rows
STAFF_READS = (401, 200, 200, 403, 403)
MANAGERS = (401, 403, 200, 403, 403)
MANAGERS_ADD = (401, 403, 201, 403, 403)
OF_A = (401, 200, 200, 200, 404)


def _payment(c):
    return {"professional_id": c["pro_a"], "amount": "10.00", "currency": "EUR", "method": "card"}


MATRIX = [
    ("GET", "/payments/setup?professional={pro_a}", None, STAFF_READS),
    ("GET", "/payments", None, READ_OWN),
    ("GET", "/payments/{a_payment}", None, OF_A),
    ("POST", "/payments", _payment, (401, 201, 201, 403, 403)),
    (
        "POST",
        "/payments/{a_payment}/reverse",
        lambda c: {"reason": "typo"},
        (401, 403, 201, 403, 404),
    ),
    ("GET", "/charges", None, READ_OWN),
    ("GET", "/charges/{a_past}", None, OF_A),
    ("GET", "/balances", None, READ_OWN),
    ("GET", "/balances/{pro_a}", None, OF_A),
    ("GET", "/income?month={month}", None, STAFF_READS),
    ("GET", "/activity?month={month}", None, (401, 403, 403, 200, 200)),
    ("GET", "/statements", None, (401, 403, 200, 200, 200)),
    (
        "POST",
        "/statements",
        lambda c: {"professional_id": c["pro_a"], "month": c["month"]},
        MANAGERS_ADD,
    ),
    ("GET", "/statements/{a_statement}", None, (401, 404, 200, 200, 404)),
    ("GET", "/statements/{a_statement}/pdf", None, (401, 404, 200, 200, 404)),
    ("POST", "/statements/batches", lambda c: {"month": c["month"]}, MANAGERS_ADD),
    ("GET", "/statements/batches/{batch}", None, MANAGERS),
    ("POST", "/statements/batches/{batch}/advance", None, MANAGERS),
    ("GET", "/exports/bookings", None, MANAGERS),
    ("GET", "/exports/payments", None, MANAGERS),
    ("GET", "/exports/professionals", None, MANAGERS),
    ("GET", "/agreements", None, MANAGERS),
    (
        "POST",
        "/agreements",
        lambda c: {"professional_id": c["pro_a"], "valid_from": "2026-01-01", "hourly_price": "30"},
        MANAGERS_ADD,
    ),
    ("GET", "/agreements/{agreement}", None, MANAGERS),
    ("PATCH", "/agreements/{agreement}", lambda c: {"note": "Renewed"}, MANAGERS),
    ("POST", "/agreements/{agreement}/end", lambda c: {"on": "2026-12-31"}, MANAGERS),
    ("DELETE", "/agreements/{agreement}", None, (401, 403, 204, 403, 403)),
    ("GET", "/billing-policies", None, STAFF_READS),
    ("GET", "/billing-policies/{location}", None, STAFF_READS),
    ("PATCH", "/billing-policies/{location}", lambda c: {"no_show_percent": "80"}, MANAGERS),
]


@pytest.fixture
def world(staff, manager, pro_a, pro_b, room, location, at, past_day, book):
    a_past = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    book(room, pro_b, at("11:00", on=past_day), at("12:00", on=past_day), allow_past=True)
    audit = {"by": staff, "source": Source.BACKOFFICE}
    a_payment = services.record_payment(
        professional=pro_a, amount="40", currency="EUR", method="cash", received_on=None, **audit
    )
    # A plain row (rendering a PDF for each of these few hundred tests would take minutes;
    # issuing one through the service is tested in test_billing_api).
    a_statement = Statement.objects.create(
        number=f"{past_day.year}-{past_day.month:02d}-0001",
        professional=pro_a,
        year=past_day.year,
        month=past_day.month,
        currency="EUR",
        opening_balance=0,
        charges_total=40,
        payments_total=40,
        closing_balance=0,
        pdf=b"%PDF-1.7 A's statement",
        source=Source.BACKOFFICE,
    )
    batch = services.start_batch(past_day.year, past_day.month, send_email=False, **audit)
    agreement = PriceAgreement.objects.create(
        professional=pro_a, valid_from=past_day, discount_percent=10
    )
    return {
        "users": {ANON: None, STAFF: staff, MANAGER: manager, A: pro_a.user, B: pro_b.user},
        "month": f"{past_day.year}-{past_day.month:02d}",
        "location": location.pk,
        "pro_a": pro_a.pk,
        "a_past": a_past.pk,
        "a_payment": a_payment.pk,
        "a_statement": a_statement.pk,
        "batch": batch.pk,
        "agreement": agreement.pk,
    }


@pytest.mark.parametrize(("actor", "mode"), ACTORS, ids=[f"{a}-{m}" for a, m in ACTORS])
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    MATRIX,
    ids=[f"{method} {path}" for method, path, _, _ in MATRIX],
)
def test_each_actor_gets_the_expected_status_from_each_billing_endpoint(
    world, actor, mode, method, path, body, expected
):
    user = world["users"][actor]
    api = token_api(user) if mode == "token" else session_api(user)
    url = path.format(**world)
    before = billing_rows()

    response = api.call(method, url, body(world) if body else None)

    want = expected[[ANON, STAFF, MANAGER, A, B].index(actor)]
    assert response.status_code == want, response.content[:500]
    if want >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"]
        assert billing_rows() == before, "a refused request changes nothing"


def test_what_a_professional_lists_is_only_their_own(world, pro_a, pro_b):
    as_b = session_api(pro_b.user)

    assert as_b.get("/payments").json() == []
    assert as_b.get("/statements").json() == []
    assert [c["professional"]["id"] for c in as_b.get("/charges").json()] == [pro_b.pk]
    assert [r["professional"]["id"] for r in as_b.get("/balances").json()] == [pro_b.pk]
    assert as_b.get("/balances", professional=pro_a.pk).json() == []


def billing_rows():
    """What any billing endpoint can write."""
    return (
        sorted(Payment.objects.values_list("pk", "amount", "reverses_id")),
        sorted(Allocation.objects.values_list("payment_id", "booking_id", "amount")),
        sorted(Statement.objects.values_list("pk", "number", "version")),
        sorted(StatementBatch.objects.values_list("pk", "finished_at")),
        sorted(PriceAgreement.objects.values_list("pk", "valid_until", "note")),
        sorted(BillingPolicy.objects.values_list("pk", "no_show_percent")),
        LogEntry.objects.count(),
    )
