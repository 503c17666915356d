"""The revenue-agreement service and admin (no overlaps, recorded, refusals change
nothing), and the professionals' month table page: the issued statements' figures, sorted
on the server, as CSV too, in a constant number of queries."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import RevenueAgreement
from billing.month_table import month_table, year_table
from billing.services import issue_statement
from billing.services.revenue import (
    create_revenue_agreement,
    end_revenue_agreement,
    save_revenue_agreement,
)
from scheduling.models import Source
from tests.factories import ProfessionalFactory

from . import test_revenue_share as share

# The revenue-share tests' places and helpers (pytest finds fixtures by module name).
agreement = share.agreement
sao_paulo, lima = share.sao_paulo, share.lima
sp_room, lima_room, session = share.sp_room, share.lima_room, share.session

D = Decimal


def values(professional, start, until=None, **changes):
    return {
        "professional": professional,
        "valid_from": date.fromisoformat(start),
        "valid_until": date.fromisoformat(until) if until else None,
        "model": "commission",
        "clinic_share_percent": D("30"),
        "collector": "clinic",
        **changes,
    }


def test_an_agreement_is_created_changed_and_ended_through_the_service_and_recorded(pro_a, manager):
    made = create_revenue_agreement(
        values(pro_a, "2026-01-01"), by=manager, source=Source.BACKOFFICE, ip="10.0.0.1"
    )
    save_revenue_agreement(
        made, {"clinic_share_percent": D("35")}, by=manager, source=Source.BACKOFFICE
    )
    end_revenue_agreement(made, date(2026, 6, 30), by=manager, source=Source.BACKOFFICE)

    made.refresh_from_db()
    assert made.clinic_share_percent == D("35")
    assert made.valid_until == date(2026, 6, 30)
    assert LogEntry.objects.filter(object_id=str(made.pk)).count() == 3


def test_an_overlapping_agreement_is_refused_with_a_sentence_and_changes_nothing(
    pro_a, pro_b, manager
):
    create_revenue_agreement(
        values(pro_a, "2026-01-01", "2026-06-30"), by=manager, source=Source.BACKOFFICE
    )
    create_revenue_agreement(values(pro_b, "2026-03-01"), by=manager, source=Source.BACKOFFICE)
    before = list(RevenueAgreement.objects.order_by("pk").values())
    logged = LogEntry.objects.count()

    with pytest.raises(ValidationError) as refused:
        create_revenue_agreement(values(pro_a, "2026-06-30"), by=manager, source=Source.BACKOFFICE)

    assert "Ana Alves already has an agreement from 2026-01-01 to 2026-06-30" in str(refused.value)
    assert list(RevenueAgreement.objects.order_by("pk").values()) == before
    assert LogEntry.objects.count() == logged


def test_the_next_agreement_may_start_the_day_after_the_last_ends(pro_a, manager):
    create_revenue_agreement(
        values(pro_a, "2026-01-01", "2026-06-30"), by=manager, source=Source.BACKOFFICE
    )
    create_revenue_agreement(
        values(pro_a, "2026-07-01", model="both"), by=manager, source=Source.BACKOFFICE
    )
    assert RevenueAgreement.objects.filter(professional=pro_a).count() == 2


def test_the_admin_refuses_an_overlapping_agreement_and_writes_nothing(client, pro_a, manager):
    manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    agreement(pro_a, "2026-01-01", collector="clinic")
    post = {
        "professional": pro_a.pk,
        "valid_from": "2026-05-01",
        "valid_until": "",
        "model": "both",
        "clinic_share_percent": "20",
        "collector": "professional",
        "note": "",
    }
    response = client.post(reverse("admin:billing_revenueagreement_add"), post)
    assert response.status_code == 200
    assert "already has an agreement from 2026-01-01" in response.content.decode()
    assert RevenueAgreement.objects.count() == 1


@pytest.fixture
def month(session, sp_room, lima_room, pro_a, pro_b):
    agreement(pro_a, "2026-01-01", "2026-10-14", share="30", collector="clinic")
    agreement(pro_a, "2026-10-15", model="both", share="20", collector="professional")
    agreement(pro_b, "2026-01-01", share="40", collector="professional")
    session(sp_room, pro_a, "2026-10-14", "21:00", "22:00", "150.00")
    session(sp_room, pro_a, "2026-10-15", "09:00", "10:00", "150.00")
    session(lima_room, pro_a, "2026-10-20", "09:00", "10:00", "50.00", currency="USD")
    session(lima_room, pro_b, "2026-10-21", "09:00", "10:00", "300.00", state="no_show")
    session(sp_room, pro_b, "2026-10-22", "09:00", "10:00", "100.00", state="late_cancelled")


def test_the_month_table_equals_the_issued_statements(month, pro_a, pro_b, manager):
    rows = month_table(2026, 10)
    for row in rows:
        statement = issue_statement(
            row.professional, 2026, 10, currency=row.currency, by=manager,
            source=Source.BACKOFFICE,
        )  # fmt: skip
        sessions = statement.totals["sessions"]
        assert str(row.gross) == sessions["gross"]
        assert str(row.commission) == sessions["commission"]
        assert str(row.balance) == sessions["month_balance"]
        assert row.sessions == sessions["count"]
        assert row.rent == statement.charges_total
    # Ana: BRL, USD (the Lima session) and PEN (its room's rent under "both"); Bruno: BRL, PEN
    assert len(rows) == 5


def test_the_month_table_page_sorts_on_the_server_and_its_csv_has_the_same_rows(
    month, client, manager
):
    client.force_login(manager)
    page = client.get(reverse("billing:month-table"), {"month": "2026-10", "sort": "-balance"})
    assert page.status_code == 200
    download = client.get(
        reverse("billing:month-table-csv"), {"month": "2026-10", "sort": "-balance"}
    )
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    balances = [D(line[7]) for line in lines[1:]]
    assert balances == sorted(balances, reverse=True)
    shown = re.findall(
        r'<td><a href="[^"]+">([^<]+)</a></td>\s*<td>([^<]+)</td>', page.content.decode()
    )
    assert shown == [(line[0], line[1] or "—") for line in lines[1:]]


def test_the_month_table_page_takes_the_same_number_of_queries_for_more_professionals(
    month, session, sp_room, client, manager
):
    client.force_login(manager)
    url = reverse("billing:month-table")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"month": "2026-10"}).status_code == 200
    for n in range(6):
        professional = ProfessionalFactory(name=f"Extra {n}")
        agreement(professional, "2026-01-01", model="both", collector="clinic")
        session(sp_room, professional, "2026-10-0" + str(n + 1), "12:00", "13:00", "80.00")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, {"month": "2026-10"}).status_code == 200
    assert len(many) == len(few)


def test_a_professional_cannot_open_the_month_table(client, pro_a):
    client.force_login(pro_a.user)
    response = client.get(reverse("billing:month-table"))
    assert response.status_code in (302, 403)


def test_a_year_by_month_holds_each_months_table_and_its_csv_says_the_month(
    month, session, sp_room, pro_a, client, manager
):
    session(sp_room, pro_a, "2026-11-03", "09:00", "10:00", "150.00")
    year = year_table(2026)
    assert sorted(year) == list(range(1, 13))
    assert year[10] == month_table(2026, 10)
    assert year[11] == month_table(2026, 11)

    client.force_login(manager)
    with CaptureQueriesContext(connection) as one_month:
        client.get(reverse("billing:month-table"), {"month": "2026-10"})
    with CaptureQueriesContext(connection) as whole_year:
        page = client.get(reverse("billing:month-table"), {"year": "2026"})
    assert page.status_code == 200
    assert len(whole_year) == len(one_month)
    download = client.get(reverse("billing:month-table-csv"), {"year": "2026"})
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[0][0] == "Month"
    assert {line[0] for line in lines[1:]} == {f"2026-{m:02d}" for m in range(1, 13)}
    november = [line for line in lines[1:] if line[0] == "2026-11" and line[2] == "BRL"]
    assert [line[1] for line in november] == ["Ana Alves"]


def test_a_lima_room_rented_in_pen_with_sessions_in_usd_counts_its_hours_once(
    session, lima_room, pro_a, pro_b, client, manager
):
    """Ana rents the Lima room by the hour (PEN) and takes a commission on her sessions,
    two of them priced in USD: her hours are the room's, on the PEN row with the rent,
    and the USD row has the sessions but no hours again. Bruno pays no rent: his hours
    stay with his USD sessions."""
    agreement(pro_a, "2026-01-01", model="both", share="20", collector="professional")
    agreement(pro_b, "2026-01-01", share="40", collector="clinic")
    session(lima_room, pro_a, "2026-10-20", "09:00", "10:00", "50.00", currency="USD")
    session(lima_room, pro_a, "2026-10-21", "09:00", "10:30", "80.00", currency="USD")
    session(lima_room, pro_a, "2026-10-22", "09:00", "10:00", "120.00")  # PEN
    session(lima_room, pro_b, "2026-10-23", "09:00", "10:00", "60.00", currency="USD")

    rows = {(row.professional, row.currency): row for row in month_table(2026, 10)}

    figures = {key: (row.sessions, row.hours, row.rent) for key, row in rows.items()}
    assert figures == {
        (pro_a, "PEN"): (1, D("3.50"), D("140.00")),
        (pro_a, "USD"): (2, D("0.00"), D("0.00")),
        (pro_b, "USD"): (1, D("1.00"), D("0.00")),
    }
    for (professional, currency), row in rows.items():
        statement = issue_statement(
            professional, 2026, 10, currency=currency, by=manager, source=Source.BACKOFFICE
        )
        assert row.sessions == statement.totals["sessions"]["count"]
        assert row.rent == statement.charges_total
    client.force_login(manager)
    download = client.get(reverse("billing:month-table-csv"), {"month": "2026-10"})
    lines = list(csv.reader(io.StringIO(download.content.decode())))[1:]
    assert sum(D(line[3]) for line in lines) == D("4.50")  # 3.5 h in Ana's room, 1 h Bruno's


def test_the_month_table_api_gives_the_pages_figures_to_a_manager_only(
    month, manager, staff, pro_a
):
    from tests.api.conftest import session_api

    answer = session_api(manager).get("/month-table", month="2026-10", sort="-balance")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    rows = month_table(2026, 10)
    assert len(body["rows"]) == len(rows) == 5
    by_key = {(r.professional.pk, r.currency): r for r in rows}
    for item in body["rows"]:
        row = by_key[(item["professional"]["id"], item["currency"])]
        assert (item["gross"], item["commission"], item["balance"]) == (
            str(row.gross),
            str(row.commission),
            str(row.balance),
        )
        assert item["sessions"] == row.sessions and D(item["hours"]) == row.hours
    balances = [D(item["balance"]) for item in body["rows"]]
    assert balances == sorted(balances, reverse=True)
    # Only what happened in São Paulo.
    sao_paulo = month_table(2026, 10, location_id=month_location_id("BRL"))
    only = session_api(manager).get(
        "/month-table", month="2026-10", location=month_location_id("BRL")
    )
    assert len(only.json()["rows"]) == len(sao_paulo)
    # Refusals: not a manager's, a month that is not one, an unknown location, a sort
    # the table does not have.
    assert session_api(pro_a.user).get("/month-table", month="2026-10").status_code == 403
    assert session_api(None).get("/month-table", month="2026-10").status_code == 401
    assert session_api(manager).get("/month-table", month="2026-13").status_code == 422
    assert (
        session_api(manager).get("/month-table", month="2026-10", location=999999).status_code
        == 404
    )
    assert (
        session_api(manager).get("/month-table", month="2026-10", sort="price").status_code == 422
    )


def month_location_id(currency: str) -> int:
    from scheduling.models import Location

    return Location.objects.get(currency=currency).pk
