"""Billing over the API: payments and reversals, charges and balances, statements,
exports, agreements and billing policies, with the billing page's rules. Money is a
decimal string beside its currency; a refusal is problem+json with a sentence and writes
nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import DELETION, LogEntry

from billing.models import Allocation, BillingPolicy, Payment, PaymentKey, PriceAgreement, Statement
from tests.factories import LocationFactory, RoomFactory

from .conftest import problem_of, session_api, token_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(room, pro_a, at, past_day, book):
    """Two of A's sessions last week (40.00 EUR each, due), the older first."""
    first = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    second = book(room, pro_a, at("11:00", on=past_day), at("12:00", on=past_day), allow_past=True)
    return first, second


def money_rows():
    return (
        sorted(Payment.objects.values_list("pk", "professional_id", "amount", "reverses_id")),
        sorted(Allocation.objects.values_list("payment_id", "booking_id", "amount")),
        PaymentKey.objects.count(),
    )


def pay(pro, amount="40.00", **extra) -> dict:
    return {"professional_id": pro.pk, "amount": amount, "currency": "EUR", "method": "cash"} | (
        extra
    )


# ---------------------------------------------------------------- payments


def test_a_payment_settles_the_oldest_charge_and_answers_money_as_strings(
    as_staff, pro_a, owed, past_day
):
    first, second = owed

    response = as_staff.post("/payments", pay(pro_a, "50.00", note="at the desk"))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "50.00" and body["currency"] == "EUR"
    assert body["allocations"] == [
        {"booking_id": first.pk, "amount": "40.00"},
        {"booking_id": second.pk, "amount": "10.00"},
    ]
    assert body["professional"] == {"id": pro_a.pk, "name": "Ana Alves"}
    assert body["source"] == "api" and body["created_by"] == "rita"
    assert body["reverses"] is None and body["reversed_by"] is None
    charges = {c["booking_id"]: c for c in as_staff.get("/charges").json()}
    assert charges[first.pk]["state"] == "paid" and charges[first.pk]["outstanding"] == "0.00"
    assert charges[second.pk]["state"] == "partially_paid"
    assert charges[second.pk]["paid"] == "10.00" and charges[second.pk]["charge"] == "40.00"
    [balance] = as_staff.get("/balances", professional=pro_a.pk).json()
    assert balance == {
        "professional": {"id": pro_a.pk, "name": "Ana Alves"},
        "currency": "EUR",
        "charged": "80.00",
        "paid": "50.00",
        "balance": "30.00",
    }


def test_a_payment_can_settle_only_the_bookings_picked(as_staff, pro_a, owed):
    first, second = owed

    body = as_staff.post("/payments", pay(pro_a, booking_ids=[second.pk])).json()

    assert body["allocations"] == [{"booking_id": second.pk, "amount": "40.00"}]


@pytest.mark.parametrize(
    ("change", "field", "sentence"),
    [
        ({"amount": "0"}, "amount", "characters that are not allowed"),
        ({"amount": "0.001"}, "amount", "characters that are not allowed"),
        ({"amount": "-5"}, "amount", "characters that are not allowed"),
        ({"amount": "1000000"}, "amount", "characters that are not allowed"),
        ({"amount": "12,50"}, "amount", "characters that are not allowed"),
        ({"amount": 40}, "amount", "Use text."),
        ({"currency": "XYZ"}, "currency", "not a currency Integra knows"),
        ({"currency": "BRL"}, "currency", "No location bills in BRL"),
        ({"method": "pix"}, "method", "Pix is not accepted at Lisboa Centro"),
        ({"method": "cheque"}, "method", "Use one of"),
        ({"received_on": "2099-01-01"}, "received_on", "cannot be received in the future"),
        ({"received_on": "1999-12-31"}, "received_on", "between the years 2000 and 2100"),
        ({"professional_id": True}, "professional_id", "whole number"),
        ({"booking_ids": ["1"]}, "booking_ids.0", "whole number"),
        ({"note": "x" * 301}, "note", "300 characters or fewer"),
        ({"tip": "5"}, "tip", "not expected here"),
    ],
)
def test_a_payment_the_rules_refuse_is_a_problem_with_a_sentence_and_records_nothing(
    as_staff, pro_a, owed, change, field, sentence
):
    before = money_rows()

    body = problem_of(as_staff.post("/payments", pay(pro_a) | change), 422)

    assert sentence in body["detail"]
    assert field in {body.get("field")} | {e["field"] for e in body.get("errors", [])}
    assert money_rows() == before


def test_a_picked_booking_that_is_someone_elses_is_refused(as_staff, pro_a, pro_b, owed):
    before = money_rows()

    body = problem_of(as_staff.post("/payments", pay(pro_b, booking_ids=[owed[0].pk])), 422)

    assert body["field"] == "bookings" and f"#{owed[0].pk}" in body["detail"]
    assert money_rows() == before


def test_amounts_finer_than_the_currency_are_refused(as_staff, pro_a, book, at, past_day):
    tokyo = LocationFactory(name="Tokyo", tz="Asia/Tokyo", currency="JPY")
    room = RoomFactory(location=tokyo, hourly_price=Decimal("4000"))
    start, end = at("09:00", on=past_day, loc=tokyo), at("10:00", on=past_day, loc=tokyo)
    book(room, pro_a, start, end, allow_past=True)
    before = money_rows()

    refused = as_staff.post("/payments", pay(pro_a, "12.50", currency="JPY"))
    paid = as_staff.post("/payments", pay(pro_a, "4000", currency="JPY"))

    assert "JPY amounts have at most 0 decimal places" in problem_of(refused, 422)["detail"]
    assert paid.status_code == 201 and paid.json()["amount"] == "4000"
    assert paid.json()["allocations"][0]["amount"] == "4000"
    assert len(money_rows()[0]) == len(before[0]) + 1


def test_a_retried_payment_with_its_idempotency_key_is_recorded_once(as_staff, pro_a, owed):
    key = {"Idempotency-Key": "till-7"}

    first = as_staff.post("/payments", pay(pro_a), headers=key)
    again = as_staff.post("/payments", dict(reversed(pay(pro_a).items())), headers=key)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert "Idempotent-Replayed" not in first and again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1


def test_the_same_key_with_another_payment_is_refused_and_records_nothing(as_staff, pro_a, owed):
    key = {"Idempotency-Key": "till-7"}
    as_staff.post("/payments", pay(pro_a), headers=key)
    before = money_rows()

    body = problem_of(as_staff.post("/payments", pay(pro_a, "41.00"), headers=key), 422)

    assert body["code"] == "idempotency_key_reused" and "different request" in body["detail"]
    assert money_rows() == before


def test_payment_keys_belong_to_their_user(staff, manager, pro_a, owed):
    key = {"Idempotency-Key": "same"}

    session_api(staff).post("/payments", pay(pro_a), headers=key)
    other = token_api(manager).post("/payments", pay(pro_a), headers=key)

    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Payment.objects.count() == 2


def test_a_refused_first_attempt_does_not_burn_the_key(as_staff, pro_a, owed):
    key = {"Idempotency-Key": "after-typo"}
    problem_of(as_staff.post("/payments", pay(pro_a, method="pix"), headers=key), 422)

    response = as_staff.post("/payments", pay(pro_a), headers=key)

    assert response.status_code == 201 and "Idempotent-Replayed" not in response


def test_a_manager_reverses_a_payment_once_with_a_reason(as_staff, as_manager, pro_a, owed):
    paid = as_staff.post("/payments", pay(pro_a)).json()

    reversal = as_manager.post(f"/payments/{paid['id']}/reverse", {"reason": "Typed twice"})

    assert reversal.status_code == 201
    body = reversal.json()
    assert body["amount"] == "-40.00" and body["reverses"] == paid["id"]
    assert body["note"] == "Typed twice"
    assert body["allocations"] == [{"booking_id": owed[0].pk, "amount": "-40.00"}]
    assert as_staff.get(f"/payments/{paid['id']}").json()["reversed_by"] == body["id"]
    assert as_staff.get(f"/charges/{owed[0].pk}").json()["state"] == "unpaid"
    before = money_rows()
    again = problem_of(as_manager.post(f"/payments/{paid['id']}/reverse", {"reason": "x"}), 409)
    assert again["code"] == "already_reversed" and "already reversed" in again["detail"]
    of_reversal = problem_of(
        as_manager.post(f"/payments/{body['id']}/reverse", {"reason": "x"}), 422
    )
    assert "cannot be reversed" in of_reversal["detail"]
    assert money_rows() == before


def test_reversing_needs_a_reason_and_a_manager(as_staff, as_manager, pro_a, owed):
    paid = as_staff.post("/payments", pay(pro_a)).json()
    before = money_rows()

    by_reception = problem_of(
        as_staff.post(f"/payments/{paid['id']}/reverse", {"reason": "x"}), 403
    )
    blank = problem_of(as_manager.post(f"/payments/{paid['id']}/reverse", {"reason": "  "}), 422)
    missing = problem_of(as_manager.post(f"/payments/{paid['id']}/reverse", {}), 422)

    assert "Only a manager" in by_reception["detail"]
    assert "Say why the payment is reversed." in blank["detail"]
    assert missing["errors"][0]["field"] == "reason"
    assert money_rows() == before


def test_payments_list_newest_first_and_filter(as_staff, pro_a, pro_b, owed, room, book, at):
    book(room, pro_b, at("13:00"), at("14:00"))
    older = as_staff.post("/payments", pay(pro_a, "10.00")).json()
    newer = as_staff.post("/payments", pay(pro_b, "5.00")).json()

    assert [p["id"] for p in as_staff.get("/payments").json()] == [newer["id"], older["id"]]
    assert [p["id"] for p in as_staff.get("/payments", professional=pro_a.pk).json()] == [
        older["id"]
    ]
    assert as_staff.get("/payments", currency="BRL").json() == []


def test_the_payment_setup_offers_what_the_location_accepts(as_staff, pro_a, owed, location):
    body = as_staff.get("/payments/setup", professional=pro_a.pk).json()

    assert body["currency"] == "EUR" and body["location"]["id"] == location.pk
    assert [m["value"] for m in body["methods"]] == ["cash", "card", "bank_transfer"]
    assert body["currencies"] == ["EUR"]
    assert as_staff.get("/payments/setup", currency="XYZ").json()["currency"] == "EUR"


# ---------------------------------------------------------------- charges and balances


def test_a_charge_says_what_is_left_and_how_it_may_be_paid(as_staff, owed, location):
    body = as_staff.get(f"/charges/{owed[0].pk}").json()

    assert body["charge"] == "40.00" and body["state"] == "unpaid" and body["due"] is True
    assert body["state_label"] == "Unpaid" and body["currency"] == "EUR"
    assert [m["value"] for m in body["methods_accepted"]] == ["cash", "card", "bank_transfer"]
    assert body["location"] == {"id": location.pk, "name": "Lisboa Centro", "tz": "Europe/Lisbon"}


def test_charges_filter_by_state_and_what_is_due(as_staff, pro_a, owed, room, book, at):
    ahead = book(room, pro_a, at("09:00"), at("10:00"))
    as_staff.post("/payments", pay(pro_a, booking_ids=[owed[1].pk]))

    def ids(**query):
        return [c["booking_id"] for c in as_staff.get("/charges", **query).json()]

    assert ids() == [owed[0].pk, owed[1].pk, ahead.pk]
    assert ids(state="paid") == [owed[1].pk]
    assert ids(state=["unpaid"], due="true") == [owed[0].pk]
    assert ids(outstanding="true", due="false") == [ahead.pk]


def test_a_late_cancellation_is_charged_its_share(as_staff, pro_a, room, book, at, staff):
    from datetime import datetime

    from django.utils import timezone

    from scheduling import services
    from scheduling.models import Source

    # The next whole hour at least an hour ahead that the room is open (07:00–22:00), so
    # well inside the 24 h notice whatever the hour the suite runs at (at 21:00 in Lisbon,
    # "in three hours" was past closing).
    soon = timezone.now().astimezone(room.location.zone) + timedelta(hours=2)
    start = datetime(soon.year, soon.month, soon.day, soon.hour, tzinfo=soon.tzinfo)
    if start.hour >= 21:
        start = (start + timedelta(days=1)).replace(hour=7)
    elif start.hour < 7:
        start = start.replace(hour=7)
    booking = book(room, pro_a, start, start + timedelta(hours=1))
    services.cancel(booking, by=staff, source=Source.BACKOFFICE)

    body = as_staff.get(f"/charges/{booking.pk}").json()

    assert body["status"] == "cancelled" and body["charge"] == "20.00"
    assert body["kind"] == "Late cancellation" and body["due"] is True


def test_a_professional_reads_their_own_accounts_with_what_is_booked_ahead(
    as_a, pro_a, owed, room, book, at
):
    book(room, pro_a, at("09:00"), at("10:30"))

    body = as_a.get(f"/balances/{pro_a.pk}").json()

    assert body["accounts"] == [
        {
            "currency": "EUR",
            "charged": "80.00",
            "paid": "0.00",
            "balance": "80.00",
            "ahead": "60.00",
        }
    ]


def test_balances_are_largest_first_and_a_credit_is_negative(as_staff, pro_a, pro_b, owed):
    as_staff.post("/payments", pay(pro_b, "15.00"))

    rows = as_staff.get("/balances").json()

    assert [(r["professional"]["id"], r["balance"]) for r in rows] == [
        (pro_a.pk, "80.00"),
        (pro_b.pk, "-15.00"),
    ]
    assert [r["professional"]["id"] for r in as_staff.get("/balances", owing="true").json()] == [
        pro_a.pk
    ]


def test_the_months_income_per_room_and_location(as_staff, owed, past_day, pro_a):
    as_staff.post("/payments", pay(pro_a, "40.00"))
    month = f"{past_day.year}-{past_day.month:02d}"

    body = as_staff.get("/income", month=month).json()

    assert body["month"] == month
    assert body["rooms"] == [
        {
            "location": "Lisboa Centro",
            "room": "Sala 1",
            "currency": "EUR",
            "charged": "80.00",
            "paid": "40.00",
            "bookings": 2,
        }
    ]
    assert body["totals"][0]["room"] == "" and body["totals"][0]["charged"] == "80.00"
    assert problem_of(as_staff.get("/income", month="2026-13"), 422)


# ---------------------------------------------------------------- statements


def test_a_manager_issues_a_statement_and_its_professional_downloads_it(
    as_manager, as_a, as_b, as_staff, pro_a, owed, past_day
):
    month = f"{past_day.year}-{past_day.month:02d}"

    issued = as_manager.post("/statements", {"professional_id": pro_a.pk, "month": month})

    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert body["month"] == month and body["version"] == 1 and body["currency"] == "EUR"
    assert body["charges_total"] == "80.00" and body["closing_balance"] == "80.00"
    assert body["pdf"] == f"/api/v1/statements/{body['id']}/pdf"
    pdf = as_a.get(f"/statements/{body['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert [s["id"] for s in as_a.get("/statements").json()] == [body["id"]]
    assert as_b.get("/statements").json() == []
    problem_of(as_b.get(f"/statements/{body['id']}"), 404)
    problem_of(as_b.get(f"/statements/{body['id']}/pdf"), 404)
    problem_of(as_staff.get(f"/statements/{body['id']}"), 404)
    problem_of(as_staff.get("/statements"), 403)

    again = as_manager.post("/statements", {"professional_id": pro_a.pk, "month": month}).json()

    assert again["version"] == 2 and again["replaces"] == body["id"]
    assert as_manager.get(f"/statements/{body['id']}").json()["replaced_by"] == again["id"]
    assert [s["id"] for s in as_manager.get("/statements", month=month).json()] == [again["id"]]
    assert len(as_manager.get("/statements", all_versions="true").json()) == 2


def test_a_statement_in_a_currency_nobody_bills_in_is_refused(as_manager, pro_a, owed):
    body = problem_of(
        as_manager.post(
            "/statements", {"professional_id": pro_a.pk, "month": "2026-01", "currency": "BRL"}
        ),
        422,
    )

    assert "No location bills in BRL" in body["detail"]
    assert not Statement.objects.exists()


def test_a_batch_issues_the_months_missing_statements(as_manager, pro_a, owed, past_day):
    month = f"{past_day.year}-{past_day.month:02d}"

    started = as_manager.post("/statements/batches", {"month": month})
    batch = started.json()
    assert started.status_code == 201 and batch["total"] == 1 and batch["done"] == 0
    advanced = as_manager.post(f"/statements/batches/{batch['id']}/advance").json()

    assert advanced["done"] == 1 and advanced["finished_at"] is not None
    assert as_manager.get(f"/statements/batches/{batch['id']}").json()["done"] == 1
    assert Statement.objects.filter(professional=pro_a, batch_id=batch["id"]).count() == 1


# ---------------------------------------------------------------- exports


def test_a_manager_exports_bookings_with_their_paid_state_as_csv(as_manager, pro_a, owed, room):
    response = as_manager.get("/exports/bookings", professional=pro_a.pk)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bookings.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Booking,Date,Start,End")
    assert len(lines) == 3 and all(",Unpaid,EUR" in line for line in lines[1:])


def test_exports_speak_the_readers_language_and_refuse_dates_out_of_order(as_manager, owed):
    response = as_manager.call(
        "GET", "/exports/payments", params={}, headers={"Accept-Language": "pt-BR"}
    )
    assert response.content.decode("utf-8-sig").startswith("Pagamento;")

    body = problem_of(
        as_manager.get("/exports/payments", date_from="2026-02-01", date_to="2026-01-01"), 422
    )
    assert "before the start date" in body["detail"]
    problem_of(as_manager.get("/exports/ledger"), 422)


# ---------------------------------------------------------------- agreements and policies


def test_a_manager_makes_changes_ends_and_deletes_an_agreement(
    as_manager, manager, pro_a, room, location
):
    made = as_manager.post(
        "/agreements",
        {
            "professional_id": pro_a.pk,
            "room_id": room.pk,
            "valid_from": "2026-01-01",
            "hourly_price": "35.50",
            "note": "Loyal",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["hourly_price"] == "35.50" and body["discount_percent"] is None
    assert body["room"] == {"id": room.pk, "name": "Sala 1"} and body["valid_until"] is None

    changed = as_manager.patch(
        f"/agreements/{body['id']}", {"hourly_price": None, "discount_percent": "10"}
    ).json()
    assert changed["hourly_price"] is None and changed["discount_percent"] == "10.00"
    ended = as_manager.post(f"/agreements/{body['id']}/end", {"on": "2026-06-30"}).json()
    assert ended["valid_until"] == "2026-06-30"
    assert [a["id"] for a in as_manager.get("/agreements", professional=pro_a.pk).json()] == [
        body["id"]
    ]
    assert LogEntry.objects.filter(object_id=str(body["id"]), user=manager).count() == 3

    assert as_manager.delete(f"/agreements/{body['id']}").status_code == 204
    assert not PriceAgreement.objects.exists()
    deleted = LogEntry.objects.get(object_id=str(body["id"]), action_flag=DELETION)
    assert deleted.user == manager and '"source": "api"' in deleted.change_message


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        ({"hourly_price": "30", "discount_percent": "5"}, "either an hourly price or a discount"),
        ({}, "either an hourly price or a discount"),
        ({"hourly_price": "30", "valid_until": "2025-12-31"}, "cannot end before it starts"),
        ({"discount_percent": "101"}, "characters that are not allowed"),
        ({"hourly_price": 30}, "Use text."),
        ({"hourly_price": "30", "room_id": "other-place"}, "whole number"),
    ],
)
def test_an_agreement_the_rules_refuse_writes_nothing(as_manager, pro_a, body, sentence):
    payload = {"professional_id": pro_a.pk, "valid_from": "2026-01-01"} | body

    refused = problem_of(as_manager.post("/agreements", payload), 422)

    assert sentence in refused["detail"]
    assert not PriceAgreement.objects.exists()


def test_an_agreement_room_elsewhere_and_a_price_finer_than_its_currency_are_refused(
    as_manager, pro_a, room
):
    tokyo = LocationFactory(name="Tokyo", tz="Asia/Tokyo", currency="JPY")
    tokyo_room = RoomFactory(location=tokyo)
    base = {"professional_id": pro_a.pk, "valid_from": "2026-01-01"}

    elsewhere = as_manager.post(
        "/agreements", base | {"room_id": room.pk, "location_id": tokyo.pk, "hourly_price": "3"}
    )
    finer = as_manager.post("/agreements", base | {"room_id": tokyo_room.pk, "hourly_price": "3.5"})

    assert "not at that location" in problem_of(elsewhere, 422)["detail"]
    assert "JPY amounts have at most 0 decimal places" in problem_of(finer, 422)["detail"]
    assert not PriceAgreement.objects.exists()


def test_a_billing_policy_is_read_by_staff_and_changed_by_a_manager(as_staff, as_manager, location):
    read = as_staff.get(f"/billing-policies/{location.pk}").json()
    assert read["late_cancel_percent"] == "50" and read["payment_methods"] == []
    assert read["methods_accepted"] == ["cash", "card", "bank_transfer"]
    problem_of(as_staff.patch(f"/billing-policies/{location.pk}", {"no_show_percent": "80"}), 403)

    changed = as_manager.patch(
        f"/billing-policies/{location.pk}",
        {"no_show_percent": "80", "payment_methods": ["card", "cash"]},
    ).json()

    assert changed["no_show_percent"] == "80.00"
    assert changed["payment_methods"] == changed["methods_accepted"] == ["cash", "card"]
    policy = BillingPolicy.objects.get(location=location)
    assert policy.no_show_percent == Decimal("80") and policy.late_cancel_percent == Decimal("50")
    refused = problem_of(
        as_manager.patch(f"/billing-policies/{location.pk}", {"late_cancel_percent": None}), 422
    )
    assert refused["errors"][0]["field"] == "late_cancel_percent"


def test_a_refusal_speaks_the_callers_language(as_staff, pro_a, owed):
    response = as_staff.post(
        "/payments", pay(pro_a, method="pix"), headers={"Accept-Language": "pt-BR"}
    )

    body = problem_of(response, 422)
    assert "Lisboa Centro" in body["detail"] and "não" in body["detail"]


def test_a_professional_reads_their_own_month_and_only_theirs(
    as_a, as_staff, pro_a, pro_b, owed, room, book, at, past_day
):
    book(room, pro_b, at("13:00", on=past_day), at("15:00", on=past_day), allow_past=True)
    month = f"{past_day.year}-{past_day.month:02d}"

    body = as_a.get("/activity", month=month).json()

    assert body["month"] == month and len(body["months"]) == 6
    assert body["totals"]["hours"] == "2.00" and body["totals"]["booked"] == 2
    assert body["totals"]["spend"] == [{"currency": "EUR", "amount": "80.00"}]
    assert body["months"][-1] == body["totals"]
    assert sum(w["booked"] for w in body["weeks"]) == 2
    problem_of(as_staff.get("/activity"), 403)
    problem_of(as_a.get("/activity", month="1999-01"), 422)


def test_lists_cost_the_same_queries_however_many_rows(
    as_staff, as_manager, staff, pro_a, room, at, past_day, book, manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from billing import services

    def costs():
        found = {}
        for api, path in [
            (as_staff, "/payments"),
            (as_staff, "/charges"),
            (as_staff, "/balances"),
            (as_manager, "/statements"),
            (as_manager, "/agreements"),
        ]:
            with CaptureQueriesContext(connection) as queries:
                assert api.get(path).status_code == 200
            found[path] = len(queries)
        return found

    def more(hour: int):
        start = at(f"{hour:02d}:00", on=past_day)
        book(room, pro_a, start, start + timedelta(hours=1), allow_past=True)
        audit = {"by": staff, "source": "api"}
        services.record_payment(
            professional=pro_a,
            amount="15",
            currency="EUR",
            method="cash",
            received_on=None,
            **audit,
        )
        PriceAgreement.objects.create(professional=pro_a, valid_from=past_day, discount_percent=5)
        Statement.objects.create(  # a plain row: the PDF is not what is counted here
            number=f"2025-{hour:02d}-0001",
            professional=pro_a,
            year=2025,
            month=hour,
            currency="EUR",
            opening_balance=0,
            charges_total=0,
            payments_total=0,
            closing_balance=0,
            pdf=b"%PDF",
            source="api",
            issued_by=manager,
        )

    more(8)
    few = costs()
    for hour in (9, 10, 11, 12):
        more(hour)

    assert costs() == few
