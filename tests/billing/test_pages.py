import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Payment, Statement
from billing.services import issue_statement, record_payment
from scheduling.models import Source
from tests.factories import LocationFactory, RoomFactory

from .conftest import billing_snapshot


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def statement(past, pro_a, staff):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    return issue_statement(pro_a, 2026, 10, by=staff, source=Source.BACKOFFICE)


def payment_post(pro, **changes):
    return {
        "professional": pro.pk,
        "amount": "25.00",
        "currency": "EUR",
        "method": "card",
        "received_on": "2026-10-20",
        "note": "",
        "bookings": "",
    } | changes


def test_the_billing_page_is_for_staff_only(client, pro_a, staff):
    url = reverse("billing:overview")
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(pro_a.user)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_staff_see_balances_and_the_months_income_by_room(staff_client, past, pro_a, staff):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    record_payment(
        professional=pro_a,
        amount="15.00",
        currency="EUR",
        method="cash",
        received_on=date(2026, 10, 6),
        by=staff,
        source=Source.BACKOFFICE,
    )
    page = staff_client.get(reverse("billing:overview") + "?month=2026-10").content.decode()
    assert "Ana Alves" in page and "€25.00" in page  # owes 40 − 15
    assert "Sala 1" in page and "€40.00" in page and "€15.00" in page
    assert "1 professional owes money." in page


def test_a_receptionist_records_a_payment_from_the_page(staff_client, past, pro_a, staff):
    booking = past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    response = staff_client.post(reverse("billing:payment-record"), payment_post(pro_a))
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.created_by, payment.source) == (
        Decimal("25.00"),
        staff,
        Source.BACKOFFICE,
    )
    assert payment.allocations.get().booking == booking
    assert "recorded" in staff_client.get(reverse("billing:overview")).content.decode()


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"amount": "-5"}, "The amount must be more than zero."),
        ({"amount": "99999999"}, "more than any payment we accept"),
        ({"currency": "USD"}, "No location bills in USD"),
        ({"professional": "999999"}, "There is no such professional."),
    ],
)
def test_bad_payment_input_is_refused_with_a_sentence_and_writes_nothing(
    staff_client, pro_a, location, changes, sentence
):
    before = billing_snapshot()
    response = staff_client.post(reverse("billing:payment-record"), payment_post(pro_a, **changes))
    assert response.status_code == 422
    assert sentence in response.content.decode()
    assert billing_snapshot() == before


def test_reversing_from_the_page_and_reversing_twice(manager_client, pro_a, location, staff):
    payment = record_payment(
        professional=pro_a,
        amount="10.00",
        currency="EUR",
        method="card",
        received_on=date(2026, 10, 6),
        by=staff,
        source=Source.BACKOFFICE,
    )
    url = reverse("billing:payment-reverse", args=[payment.pk])
    assert manager_client.post(url, {"reason": "wrong person"}).status_code == 302
    before = billing_snapshot()
    response = manager_client.post(url, {"reason": "again"}, follow=True)
    assert "This payment was already reversed." in response.content.decode()
    assert billing_snapshot() == before


def test_a_professional_downloads_their_own_statement_and_nobody_elses(
    client, statement, pro_b, staff, manager
):
    url = reverse("billing:statement-download", args=[statement.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(pro_b.user)
    assert client.get(url).status_code == 404
    client.force_login(statement.professional.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert bytes(response.content) == bytes(statement.pdf)
    assert url in client.get(reverse("portal:money")).content.decode()  # where it is listed
    client.force_login(staff)
    assert client.get(url).status_code == 404  # statements are a manager's
    client.force_login(manager)
    assert client.get(url).status_code == 200


def test_a_professional_cannot_issue_statements_or_record_payments(client, pro_a, location):
    client.force_login(pro_a.user)
    before = billing_snapshot()
    client.post(reverse("billing:payment-record"), payment_post(pro_a))
    client.post(reverse("billing:statement-issue"), {"professional": pro_a.pk, "month": "2026-10"})
    client.post(reverse("billing:batch-start"), {"month": "2026-10"})
    assert billing_snapshot() == before


def test_the_batch_page_issues_statements_as_htmx_polls_progress(
    manager_client, past, pro_a, pro_b
):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    past("2026-10-06", "09:00", "10:00", pro_b, state="executed")
    response = manager_client.post(reverse("billing:batch-start"), {"month": "2026-10"})
    page = manager_client.get(response["Location"]).content.decode()
    assert "0 of 2 statements issued." in page and "hx-post" in page
    poll = manager_client.post(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "2 of 2 statements issued." in poll and "Done." in poll and "hx-post" not in poll
    assert Statement.objects.count() == 2


def test_issue_statements_command_issues_the_month(past, pro_a, capsys):
    from django.core.management import call_command

    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    call_command("issue_statements", "2026-10")
    assert Statement.objects.get().number == "2026-10-0001"
    assert "Done: 1 statements." in capsys.readouterr().out


def read_csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_bookings_csv_has_a_bom_local_times_and_filters(manager_client, past, pro_a, pro_b):
    past("2026-10-24", "09:00", "10:00", pro_a, state="executed")  # before DST change
    past("2026-10-26", "09:00", "10:00", pro_a, state="no_show")  # after
    past("2026-10-26", "11:00", "12:00", pro_b, state="executed")
    url = reverse("billing:export-csv", args=["bookings"])
    rows = read_csv(manager_client.get(url, {"professional": pro_a.pk, "date_from": "2026-10-01"}))
    assert rows[0][:4] == ["Booking", "Date", "Start", "End"]
    assert [(r[1], r[2], r[9]) for r in rows[1:]] == [
        ("2026-10-24", "09:00", "Executed"),
        ("2026-10-26", "09:00", "No-show"),
    ]
    only_no_shows = read_csv(manager_client.get(url, {"status": "no_show"}))
    assert len(only_no_shows) == 2
    one_day = read_csv(
        manager_client.get(url, {"date_from": "2026-10-26", "date_to": "2026-10-26"})
    )
    assert len(one_day) == 3


def test_payments_and_new_professionals_csv(manager_client, pro_a, location, staff):
    record_payment(
        professional=pro_a,
        amount="12.50",
        currency="EUR",
        method="bank_transfer",
        received_on=date(2026, 10, 6),
        note="Transferência",
        by=staff,
        source=Source.BACKOFFICE,
    )
    payments = read_csv(manager_client.get(reverse("billing:export-csv", args=["payments"])))
    assert payments[1][1:6] == ["2026-10-06", "Ana Alves", "12.50", "EUR", "Bank transfer"]
    assert payments[1][7] == "Transferência"
    joined = read_csv(manager_client.get(reverse("billing:export-csv", args=["professionals"])))
    assert [row[1] for row in joined[1:]] == ["Ana Alves"]
    none = read_csv(
        manager_client.get(
            reverse("billing:export-csv", args=["professionals"]),
            {"date_from": "2001-01-01", "date_to": "2001-12-31"},
        )
    )
    assert len(none) == 1


def test_exports_are_for_managers_only_and_bad_filters_are_refused(client, staff, manager, pro_a):
    url = reverse("billing:export-csv", args=["bookings"])
    client.force_login(manager)
    assert client.get(url, {"date_from": "2026-10-05", "date_to": "2026-10-01"}).status_code == 422
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(pro_a.user)
    assert client.get(url).status_code == 403


def test_the_billing_page_costs_the_same_queries_however_many_bookings(
    staff_client, past, pro_a, pro_b, django_assert_max_num_queries
):
    url = reverse("billing:overview") + "?month=2026-10"
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    past("2026-10-05", "11:00", "12:00", pro_b, state="no_show")  # reads charge rules
    with django_assert_max_num_queries(30) as few:
        staff_client.get(url)
    for day in range(6, 16):
        past(f"2026-10-{day:02d}", "09:00", "10:00", pro_a, state="executed")
        past(f"2026-10-{day:02d}", "11:00", "12:00", pro_b, state="no_show")
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(url)


def test_a_professional_owing_in_two_currencies_counts_once_among_those_who_owe(
    staff_client, past, pro_a, pro_b, staff
):
    paulista = LocationFactory(name="Integra Paulista", tz="America/Sao_Paulo", currency="BRL")
    lima = LocationFactory(name="Integra Miraflores", tz="America/Lima", currency="PEN")
    sala_sp = RoomFactory(location=paulista, name="Sala Pitanga")
    sala_lima = RoomFactory(location=lima, name="Sala Inca")
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed", on_room=sala_sp)
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed", on_room=sala_lima)
    past("2026-10-06", "09:00", "10:00", pro_b, state="executed", on_room=sala_lima)
    page = staff_client.get(reverse("billing:overview") + "?month=2026-10").content.decode()
    assert page.count("Ana Alves</a>") == 2  # a balance row per currency…
    assert "2 professionals owe money." in page  # …but Ana is one professional
    record_payment(
        professional=pro_b,
        amount="40.00",
        currency="PEN",
        method="cash",
        received_on=date(2026, 10, 7),
        by=staff,
        source=Source.BACKOFFICE,
    )
    page = staff_client.get(reverse("billing:overview") + "?month=2026-10").content.decode()
    assert "1 professional owes money." in page


def test_reception_s_billing_page_reads_no_statements_a_manager_s_lists_them(
    client, staff, manager, statement
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statement_queries(user) -> tuple[int, str]:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("billing:overview"), {"month": statement.period})
        reads = [q["sql"] for q in captured if 'FROM "billing_statement"' in q["sql"]]
        return len(reads), page.content.decode()

    reads, page = statement_queries(staff)
    assert reads == 0 and statement.number not in page
    reads, page = statement_queries(manager)
    assert reads == 1 and statement.number in page
