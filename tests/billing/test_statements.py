from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from billing import statement_document as statements
from billing.models import Statement
from billing.services import (
    advance_batch,
    issue_statement,
    record_payment,
    reverse_payment,
    start_batch,
)
from scheduling import services
from scheduling.models import Booking, Source

from .conftest import pdf_text


@pytest.fixture
def october(past, pro_a, room, other_room, staff, policy):
    """A month of Ana's bookings across the DST change (Lisbon, Sunday 25 October 2026)."""
    past("2026-09-28", "09:00", "10:00", pro_a, state="executed")  # September: opening
    past("2026-10-24", "09:00", "10:00", pro_a, state="executed")  # WEST, UTC+1
    past("2026-10-26", "09:00", "10:30", pro_a, state="executed", on_room=other_room)  # WET
    past("2026-10-27", "18:00", "19:00", pro_a, state="no_show")
    past("2026-10-28", "09:00", "10:00", pro_a, state="cancelled")  # late: after the start
    past("2026-11-02", "09:00", "10:00", pro_a, state="executed")  # November
    for amount, on in (("30.00", date(2026, 9, 30)), ("50.00", date(2026, 10, 27))):
        record_payment(
            professional=pro_a,
            amount=amount,
            currency="EUR",
            method="card",
            received_on=on,
            by=staff,
            source=Source.BACKOFFICE,
        )


def issue(professional, year, month, by):
    return issue_statement(professional, year, month, by=by, source=Source.BACKOFFICE)


def test_a_statements_totals_equal_the_sum_of_its_lines(october, pro_a, staff):
    statement = issue(pro_a, 2026, 10, staff)
    content = statements.build(pro_a, 2026, 10, "EUR")
    assert [line.amount for line in content.lines] == [
        Decimal("40.00"),
        Decimal("60.00"),
        Decimal("40.00"),
        Decimal("20.00"),
    ]
    assert statement.charges_total == sum(line.amount for line in content.lines)
    assert statement.charges_total == Decimal("160.00")
    assert sum(Decimal(v) for v in statement.totals["by_state"].values()) == Decimal("160.00")
    assert sum(Decimal(v) for v in statement.totals["by_room"].values()) == Decimal("160.00")
    assert statement.totals["by_state"] == {
        "Executed": "100.00",
        "No-show": "40.00",
        "Late cancellation": "20.00",
    }
    assert statement.opening_balance == Decimal("10.00")  # 40 charged − 30 paid in September
    assert statement.payments_total == Decimal("50.00")
    assert statement.closing_balance == Decimal("120.00")
    assert statement.number == "2026-10-0001"


def test_a_months_closing_balance_is_the_next_months_opening_balance(october, pro_a, staff):
    september = issue(pro_a, 2026, 9, staff)
    october_statement = issue(pro_a, 2026, 10, staff)
    november = issue(pro_a, 2026, 11, staff)
    assert september.closing_balance == october_statement.opening_balance
    assert october_statement.closing_balance == november.opening_balance
    assert november.closing_balance == Decimal("160.00")


def test_the_pdf_shows_local_times_on_both_sides_of_the_dst_change(october, pro_a, staff):
    text = pdf_text(issue(pro_a, 2026, 10, staff).pdf)
    assert "Monthly statement" in text
    assert "2026-10-0001" in text
    assert "Ana Alves" in text
    assert "1 October 2026 – 31 October 2026" in text
    # Saturday before the change (UTC+1) and Monday after it (UTC+0): both 09:00 local.
    assert "Sat, 24/10/2026" in text and "Mon, 26/10/2026" in text
    assert text.count("09:00–10:00") == 2  # 24th and the late-cancelled 28th
    assert "09:00–10:30" in text  # 26th, Sala 2
    assert "08:00" not in text  # what UTC would have shown on the 24th
    assert "18:00–19:00" in text and "No-show" in text and "Late cancellation" in text
    assert "€160.00" in text and "€120.00" in text and "€10.00" in text
    assert "Sala 2 · Lisboa Centro" in text
    # Each charge reads as one line: local date and time, room, location, length, state,
    # amount; 09:00 local on both sides of the change (08:00Z before it, 09:00Z after).
    lines = {tuple(line.split()) for line in text.splitlines()}
    for expected in [
        "Sat, 24/10/2026 09:00–10:00 Sala 1 Lisboa Centro 1 h Executed 40.00",
        "Mon, 26/10/2026 09:00–10:30 Sala 2 Lisboa Centro 1 h 30 min Executed 60.00",
        "Tue, 27/10/2026 18:00–19:00 Sala 1 Lisboa Centro 1 h No-show 40.00",
        "Wed, 28/10/2026 09:00–10:00 Sala 1 Lisboa Centro 1 h Late cancellation 20.00",
        "Total of 4 charges 160.00",
    ]:
        assert tuple(expected.split()) in lines, expected


def test_an_issued_statement_does_not_change_when_bookings_change(october, pro_a, staff):
    statement = issue(pro_a, 2026, 10, staff)
    pdf, total = bytes(statement.pdf), statement.charges_total
    no_show = Booking.objects.get(status="no_show")
    services.restore(no_show, by=staff, source=Source.BACKOFFICE)
    services.cancel(no_show, by=staff, source=Source.BACKOFFICE)
    statement.refresh_from_db()
    assert bytes(statement.pdf) == pdf and statement.charges_total == total
    with pytest.raises(ValueError, match="cannot be changed"):
        statement.save()


def test_issuing_again_creates_a_new_version_that_replaces_the_first(october, pro_a, staff):
    first = issue(pro_a, 2026, 10, staff)
    payment = record_payment(
        professional=pro_a,
        amount="20.00",
        currency="EUR",
        method="cash",
        received_on=date(2026, 10, 29),
        by=staff,
        source=Source.BACKOFFICE,
    )
    reverse_payment(
        payment, reason="typed twice", on=date(2026, 10, 30), by=staff, source=Source.BACKOFFICE
    )
    second = issue(pro_a, 2026, 10, staff)
    assert (second.version, second.replaces, second.number) == (2, first, "2026-10-0002")
    assert "replaces 2026-10-0001" in pdf_text(second.pdf)
    assert "reverses #" in pdf_text(second.pdf)
    assert second.payments_total == first.payments_total  # 20 − 20
    assert Statement.objects.filter(replaced_by__isnull=True).get() == second


def test_issuing_all_statements_of_a_month_issues_each_missing_one_and_emails_it(
    october, pro_a, pro_b, past, staff
):
    past("2026-10-05", "11:00", "12:00", pro_b, state="executed")
    issue(pro_a, 2026, 10, staff)  # already issued: the batch leaves it alone
    batch = start_batch(2026, 10, send_email=True, by=staff, source=Source.BACKOFFICE)
    assert batch.total == 1
    done = advance_batch(batch, limit=5, by=staff, source=Source.BACKOFFICE)
    assert done == 1 and batch.finished_at is not None
    assert Statement.objects.filter(year=2026, month=10).count() == 2
    assert Statement.objects.get(professional=pro_b).version == 1


def test_a_batch_can_email_each_statement(
    october, pro_a, staff, django_capture_on_commit_callbacks
):
    batch = start_batch(2026, 10, send_email=True, by=staff, source=Source.BACKOFFICE)
    with django_capture_on_commit_callbacks(execute=True):
        advance_batch(batch, by=staff, source=Source.BACKOFFICE)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana.alves@example.test"]
    assert message.attachments[0][0] == "statement-2026-10-0001.pdf"


def test_a_month_that_is_not_one_is_refused(pro_a, staff):
    from billing.errors import BillingError

    with pytest.raises(BillingError, match="is not a month"):
        issue(pro_a, 2026, 13, staff)
    assert not Statement.objects.exists()


def test_weasyprint_may_only_fetch_our_static_files():
    fetcher = statements.StaticOnlyFetcher()
    for url in ("file:///etc/passwd", "https://example.com/x.css", statements.STATIC_BASE + "../x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch(statements.STATIC_BASE + "css/app.css").read()


def test_a_batch_leaves_out_professionals_whose_first_booking_is_next_month(
    past, pro_a, pro_b, staff
):
    past("2026-10-31", "21:00", "22:00", pro_a, state="executed")  # 21:00Z, still October
    past("2026-11-01", "07:00", "08:00", pro_b, state="executed")  # November only
    batch = start_batch(2026, 10, send_email=False, by=staff, source=Source.BACKOFFICE)
    assert batch.targets == [[pro_a.pk, "EUR"]]


def test_a_statement_issued_while_another_renders_makes_the_other_the_next_version(
    october, pro_a, staff, monkeypatch
):
    """The PDF is laid out outside the transaction (it takes most of a second and must not
    hold the write lock); a statement stored meanwhile is noticed and ours is rendered
    again on top of it, with the next number and version."""
    render = statements.render_pdf
    numbers_rendered = []

    def render_while_someone_else_issues(content, **kwargs):
        numbers_rendered.append(kwargs["number"])
        if len(numbers_rendered) == 1:  # a colleague clicks "issue" at the same moment
            issue(pro_a, 2026, 10, staff)
        return render(content, **kwargs)

    monkeypatch.setattr(statements, "render_pdf", render_while_someone_else_issues)
    ours = issue(pro_a, 2026, 10, staff)
    theirs = Statement.objects.get(version=1)
    assert numbers_rendered == ["2026-10-0001", "2026-10-0001", "2026-10-0002"]
    assert (ours.number, ours.version, ours.replaces) == ("2026-10-0002", 2, theirs)
    assert "Version 2, replaces 2026-10-0001" in pdf_text(ours.pdf)
    assert Statement.objects.count() == 2
