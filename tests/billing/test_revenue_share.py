"""The revenue share: rent and commission by the agreement in force on each booking's local
date, the session rules of each location, the statement's sessions and totals, and that an
erasure leaves issued statements as they were."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from accounts import formats, languages
from billing import money
from billing import statement_document as statements
from billing.models import BillingPolicy, RevenueAgreement, Statement
from billing.month_table import month_table
from billing.services import issue_statement, record_payment
from patients.services.records import erase
from scheduling import services
from scheduling.models import SessionType, Source
from tests.factories import LocationFactory, PatientFactory, RoomFactory

from .conftest import pdf_text

D = Decimal


@pytest.fixture
def sao_paulo(db):
    return LocationFactory(name="São Paulo", tz="America/Sao_Paulo", currency="BRL")


@pytest.fixture
def lima(db):
    return LocationFactory(name="Lima", tz="America/Lima", currency="PEN", other_currencies=["USD"])


@pytest.fixture
def sp_room(sao_paulo):
    return RoomFactory(location=sao_paulo, name="Sala 1", hourly_price=D("40.00"))


@pytest.fixture
def lima_room(lima):
    return RoomFactory(location=lima, name="Consultorio 1", hourly_price=D("40.00"))


@pytest.fixture
def session(book, at, manager):
    """session(room, pro, "2026-10-05", "09:00", "10:00", "200.00") → a past booking with a
    session, moved to `state` through the booking service."""

    def make(room, professional, day, start, end, price, *, currency="", state="executed",
             patients=(), kind=SessionType.ON_SITE, waive=False):  # fmt: skip
        local_day = date.fromisoformat(day)
        booking = book(
            room,
            professional,
            at(start, on=local_day, loc=room.location),
            at(end, on=local_day, loc=room.location),
            allow_past=True,
            session_price=D(price),
            session_currency=currency,
            patients=list(patients),
            session_type=kind,
        )
        if state == "executed":
            booking = services.mark_executed(booking, by=None, source=Source.SYSTEM)
        elif state == "no_show":
            booking = services.mark_no_show(booking, by=None, source=Source.SYSTEM)
        elif state == "late_cancelled":  # a past booking cancelled now is late
            booking = services.cancel(
                booking,
                waive_late_fee=waive,
                waiver_reason="Family emergency" if waive else "",
                by=manager,
                source=Source.BACKOFFICE,
            )
        return booking

    return make


def agreement(professional, start, until=None, *, model="commission", share="30", collector):
    return RevenueAgreement.objects.create(
        professional=professional,
        valid_from=date.fromisoformat(start),
        valid_until=date.fromisoformat(until) if until else None,
        model=model,
        clinic_share_percent=None if model == "rent" else D(share),
        collector=collector,
    )


def sheet(professional, currency, year=2026, month=10):
    return statements.build(professional, year, month, currency)


def issue(professional, currency, by, year=2026, month=10):
    return issue_statement(
        professional, year, month, currency=currency, by=by, source=Source.BACKOFFICE
    )


def test_an_agreement_change_mid_month_splits_by_local_date_in_sao_paulo(
    session, sp_room, pro_a, manager
):
    agreement(pro_a, "2026-10-01", "2026-10-14", model="rent", collector="professional")
    agreement(pro_a, "2026-10-15", share="30", collector="professional")
    # 21:00 on the 14th in São Paulo is already the 15th in UTC: still the rent agreement.
    late_evening = session(sp_room, pro_a, "2026-10-14", "21:00", "22:00", "200.00")
    session(sp_room, pro_a, "2026-10-15", "09:00", "10:00", "200.00")
    session(sp_room, pro_a, "2026-10-16", "09:00", "11:00", "300.00")

    content = sheet(pro_a, "BRL")

    assert [line.booking.pk for line in content.lines] == [late_evening.pk]
    assert content.charges_total == D("40.00")  # one hour of rent; commission: no rent
    assert [line.commission for line in content.sessions] == [D("60.00"), D("90.00")]
    assert content.commission_total == D("150.00")
    assert content.owed_to_clinic == D("150.00")  # the professional collected
    assert content.owed_to_professional == D("0.00")
    assert content.month_balance == D("190.00")
    assert content.closing_balance == D("190.00")
    statement = issue(pro_a, "BRL", manager)
    assert statement.closing_balance == D("190.00")
    assert statement.totals["sessions"]["commission"] == "150.00"


def test_lima_counts_pen_and_usd_sessions_apart_and_splits_the_agreement_by_local_date(
    session, lima_room, pro_a, manager
):
    agreement(pro_a, "2026-10-01", "2026-10-20", model="both", share="20", collector="clinic")
    agreement(pro_a, "2026-10-21", share="40", collector="clinic")
    # 19:00 on the 20th in Lima is 00:00 UTC on the 21st: the first agreement still.
    session(lima_room, pro_a, "2026-10-20", "19:00", "20:00", "100.00")
    session(lima_room, pro_a, "2026-10-21", "09:00", "10:00", "50.00", currency="USD")
    # 20:00 on the 31st in Lima is November in UTC: October's statement still.
    session(lima_room, pro_a, "2026-10-31", "20:00", "21:00", "150.00")

    pen, usd = sheet(pro_a, "PEN"), sheet(pro_a, "USD")

    assert pen.charges_total == D("40.00")  # rent of the 20th only (both); none under commission
    assert [(s.price, s.commission) for s in pen.sessions] == [
        (D("100.00"), D("20.00")),
        (D("150.00"), D("60.00")),
    ]
    assert pen.owed_to_professional == D("170.00")  # the clinic collected 250, keeps 80
    assert pen.month_balance == D("-130.00")  # the clinic owes the professional
    assert [(s.price, s.currency, s.commission) for s in usd.sessions] == [
        (D("50.00"), "USD", D("20.00"))
    ]
    assert usd.charges_total == D("0.00")
    assert usd.month_balance == D("-30.00")
    assert issue(pro_a, "PEN", manager).closing_balance == D("-130.00")
    assert issue(pro_a, "USD", manager).closing_balance == D("-30.00")


def test_no_show_and_late_cancellation_count_by_each_locations_rules(
    session, sp_room, lima_room, pro_a
):
    BillingPolicy.objects.create(
        location=sp_room.location,
        no_show_session_percent=D("60"),
        late_cancel_session_percent=D("25"),
    )  # Lima has no row: the defaults, 100 % and 50 %
    agreement(pro_a, "2026-01-01", share="50", collector="professional")
    session(sp_room, pro_a, "2026-10-05", "09:00", "10:00", "100.00", state="no_show")
    session(sp_room, pro_a, "2026-10-06", "09:00", "10:00", "100.00", state="late_cancelled")
    session(
        sp_room, pro_a, "2026-10-07", "09:00", "10:00", "100.00", state="late_cancelled", waive=True
    )
    session(lima_room, pro_a, "2026-10-05", "09:00", "10:00", "100.00", state="no_show")
    session(lima_room, pro_a, "2026-10-06", "09:00", "10:00", "100.00", state="late_cancelled")

    brl, pen = sheet(pro_a, "BRL"), sheet(pro_a, "PEN")

    assert [(s.percent, s.counted, s.commission) for s in brl.sessions] == [
        (D("60"), D("60.00"), D("30.00")),
        (D("25"), D("25.00"), D("12.50")),
    ]  # the waived late cancellation counts nothing and is not listed
    assert [(s.percent, s.counted, s.commission) for s in pen.sessions] == [
        (D("100"), D("100.00"), D("50.00")),
        (D("50"), D("50.00"), D("25.00")),
    ]


def test_a_cancellation_in_time_counts_nothing(book, at, day, room, pro_a, staff):
    agreement(pro_a, "2026-01-01", share="50", collector="professional")
    booking = book(room, pro_a, at("09:00"), at("10:00"), session_price=D("80.00"))
    services.cancel(booking, by=staff, source=Source.BACKOFFICE)
    content = statements.build(pro_a, day.year, day.month, "EUR")
    assert content.sessions == []
    assert content.shows_commission
    assert content.month_balance == D("0.00")


def test_statement_totals_equal_the_sum_of_their_lines(session, lima_room, sp_room, pro_a, pro_b):
    agreement(pro_a, "2026-01-01", model="both", share="33.33", collector="professional")
    agreement(pro_b, "2026-01-01", share="45", collector="clinic")
    for n, (start, price) in enumerate([("09:00", "99.99"), ("10:00", "123.45"), ("11:00", "7")]):
        for professional, room in ((pro_a, sp_room), (pro_b, sp_room), (pro_a, lima_room)):
            day = f"2026-10-{10 + n:02d}"
            hour = int(start[:2]) + (3 if professional == pro_b else 0)
            session(room, professional, day, f"{hour:02d}:00", f"{hour + 1:02d}:00", price)
    for professional, currency in ((pro_a, "BRL"), (pro_b, "BRL"), (pro_a, "PEN")):
        content = sheet(professional, currency)
        assert content.commission_total == sum(s.commission for s in content.sessions)
        assert content.sessions_gross == sum(s.counted for s in content.sessions)
        assert content.owed_to_clinic + content.owed_to_professional == sum(
            s.owed_to_clinic + s.owed_to_professional for s in content.sessions
        )
        assert content.month_balance == content.charges_total + sum(
            s.owed_to_clinic - s.owed_to_professional for s in content.sessions
        )
    assert [s.commission for s in sheet(pro_a, "BRL").sessions] == [
        D("33.33"),
        D("41.15"),
        D("2.33"),
    ]


def test_the_month_table_equals_the_statements(session, lima_room, sp_room, pro_a, pro_b, past):
    agreement(pro_a, "2026-10-01", "2026-10-11", model="rent", collector="professional")
    agreement(pro_a, "2026-10-12", model="both", share="25", collector="clinic")
    agreement(pro_b, "2026-01-01", share="40", collector="professional")
    session(sp_room, pro_a, "2026-10-11", "21:00", "22:00", "150.00")
    session(sp_room, pro_a, "2026-10-12", "09:00", "10:30", "150.00")
    session(sp_room, pro_b, "2026-10-12", "11:00", "12:00", "90.00", state="no_show")
    session(lima_room, pro_b, "2026-10-31", "20:00", "21:00", "60.00", currency="USD")
    session(lima_room, pro_a, "2026-10-20", "09:00", "10:00", "100.00", state="late_cancelled")
    past("2026-10-13", "09:00", "10:00", pro_a, state="executed")  # Lisbon: rent, no session

    rows = month_table(2026, 10)

    assert {(r.professional.pk, r.currency) for r in rows} == {
        (pro_a.pk, "BRL"),
        (pro_a.pk, "EUR"),
        (pro_a.pk, "PEN"),
        (pro_b.pk, "BRL"),
        (pro_b.pk, "USD"),
    }
    for row in rows:
        content = sheet(row.professional, row.currency)
        assert row.sessions == len(content.sessions)
        assert row.gross == content.sessions_gross
        assert row.commission == content.commission_total
        assert row.rent == content.charges_total
        assert row.balance == content.month_balance
    by_key = {(r.professional.pk, r.currency): r for r in rows}
    assert by_key[(pro_a.pk, "BRL")].hours == D("2.50")
    assert by_key[(pro_a.pk, "EUR")].rent == D("40.00")
    assert by_key[(pro_b.pk, "BRL")].rent == D("0.00")  # commission only: no rent


def test_an_hourly_rent_statement_shows_no_sessions_even_when_they_are_priced(
    session, sp_room, pro_a, manager
):
    session(sp_room, pro_a, "2026-10-05", "09:00", "10:00", "200.00")
    statement = issue(pro_a, "BRL", manager)
    assert "sessions" not in statement.totals
    assert statement.charges_total == D("40.00")
    assert statement.closing_balance == D("40.00")
    text = pdf_text(statement.pdf)
    assert "Commission" not in text
    assert "Sessions" not in text


def test_the_commission_statement_pdf_lists_every_session_with_its_patient(
    session, sp_room, pro_a, manager
):
    marina = PatientFactory(first_name="Marina", last_name="Souza")
    agreement(pro_a, "2026-01-01", share="30", collector="professional")
    session(sp_room, pro_a, "2026-10-05", "09:00", "10:00", "200.00", patients=[marina.pk])
    session(
        sp_room, pro_a, "2026-10-06", "09:00", "10:00", "150.00", kind=SessionType.VIRTUAL,
        patients=[marina.pk],
    )  # fmt: skip
    statement = issue(pro_a, "BRL", manager)
    text = pdf_text(statement.pdf)
    assert "Marina Souza" in text
    assert "On-site" in text and "Virtual" in text
    assert "Balance of the month" in text
    assert statement.totals["sessions"]["count"] == 2
    assert marina.reads.filter(kind="export").count() == 1


def test_erasing_a_patient_keeps_an_issued_statement_byte_identical(
    session, sp_room, pro_a, manager
):
    marina = PatientFactory(first_name="Marina", last_name="Souza")
    agreement(pro_a, "2026-01-01", share="30", collector="clinic")
    session(sp_room, pro_a, "2026-10-05", "09:00", "10:00", "200.00", patients=[marina.pk])
    statement = issue(pro_a, "BRL", manager)
    before = Statement.objects.filter(pk=statement.pk).values().get()

    erase(marina, by=manager, source=Source.BACKOFFICE)

    assert Statement.objects.count() == 1
    after = Statement.objects.filter(pk=statement.pk).values().get()
    assert bytes(after.pop("pdf")) == bytes(before.pop("pdf"))
    assert after == before
    assert "Marina Souza" in pdf_text(Statement.objects.get().pdf)
    # A statement computed now reads the patient as erased.
    assert [s.patient_names for s in sheet(pro_a, "BRL").sessions] == ["Erased patient"]


@pytest.mark.parametrize("language", ["pt-br", "pt-pt", "es", "en"])
def test_the_commission_statement_pdf_keeps_each_sessions_date_time_and_price_apart(
    session, sp_room, pro_a, manager, staff, language
):
    """The weekday, the date, the hours, the price and the counted share are columns of
    their own in every language we speak: a value that is too wide for its column wraps
    inside it, it never runs into the next one (where the PDF's text would read them as
    one word, "01/10/202609:00–10:30")."""
    languages.choose(pro_a.user, language, by=pro_a.user, source=Source.PORTAL)
    long_name = PatientFactory(
        first_name="Maria Aparecida Conceição", last_name="de Albuquerque Vasconcelos Sobrinho"
    )
    # Commission only: no rent, so the charges listing (which also writes day and time)
    # cannot answer for the sessions table.
    agreement(pro_a, "2026-01-01", share="33.33", collector="professional")
    days = [date(2026, 10, d) for d in range(1, 8)]  # every weekday's name
    for n, day in enumerate(days):
        price = "12345.67" if n == 1 else "250.00"
        patients = [long_name.pk] if n % 2 else []
        session(sp_room, pro_a, day.isoformat(), "09:00", "10:30", price, patients=patients)
    record_payment(
        professional=pro_a, amount="150.00", currency="BRL", method="pix",
        received_on=date(2026, 10, 4), by=staff, source=Source.BACKOFFICE,
    )  # fmt: skip

    text = pdf_text(issue(pro_a, "BRL", manager).pdf)

    with translation.override(language):
        for day in days:
            numeric = formats.numeric_day(day)
            assert formats.dated_day(day).split()[0] in text
            assert re.search(rf"{re.escape(numeric)}\s+09:00–10:30\s", text), numeric
        for price in ("12345.67", "250.00"):
            shown = money.format_money(D(price), "BRL")
            assert re.search(rf"{re.escape(shown)}\s+100 %", text), shown
        paid_on = formats.numeric_day(date(2026, 10, 4))
        assert re.search(rf"{re.escape(paid_on)}\s+#\d+", text), paid_on
