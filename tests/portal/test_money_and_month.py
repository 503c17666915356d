"""My money and my month: what I owe now and paid, booked ahead, my statements only; the
month's booked hours, spend, done vs no-show per week and month, drawn as SVG."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services as billing
from portal import dashboard
from scheduling import services
from scheduling.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_month(location) -> date:
    today = timezone.now().astimezone(location.zone).date()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def history(pro_a, pro_b, staff, room, other_room, location, last_month):
    """Last month, A: two sessions done, one no-show, one late cancellation (each 1 h at
    40 EUR), in the month's first and second weeks; B: one session done."""
    zone = location.zone

    def past(room, who, on: date, hour: int):
        return services.book(
            room=room,
            professional=who,
            starts_at=datetime.combine(on, time(hour), zone),
            ends_at=datetime.combine(on, time(hour + 1), zone),
            by=staff,
            source=Source.BACKOFFICE,
            allow_past=True,
        )

    staff_says = {"by": staff, "source": Source.BACKOFFICE}
    first, second = last_month + timedelta(days=2), last_month + timedelta(days=9)
    done = [past(room, pro_a, first, 9), past(room, pro_a, second, 9)]
    for booking in done:
        services.mark_executed(booking, **staff_says)
    services.mark_no_show(past(room, pro_a, second, 11), **staff_says)
    services.cancel(past(room, pro_a, second, 14), reason="ill", **staff_says)
    services.mark_executed(past(other_room, pro_b, first, 9), **staff_says)
    billing.record_payment(
        professional=pro_a,
        amount=Decimal("50.00"),
        currency="EUR",
        method="card",
        received_on=second,
        by=staff,
        source=Source.BACKOFFICE,
    )
    billing.record_payment(
        professional=pro_b,
        amount=Decimal("777.00"),
        currency="EUR",
        method="cash",
        received_on=second,
        by=staff,
        source=Source.BACKOFFICE,
    )
    return {"first": first, "second": second}


def test_money_shows_what_i_owe_now_what_i_paid_and_what_is_booked_ahead(
    as_a, pro_a, room, book, at, history
):
    book(room, pro_a, at("09:00"), at("10:30"))  # 60.00 EUR, upcoming
    html = as_a.get(reverse("portal:money")).content.decode()
    # Charged so far: 40 + 40 + 40 (no-show, 100 %) + 20 (late, 50 %) = 140; paid 50.
    assert "I owe now" in html and "€90.00" in html
    assert "Paid so far: €50.00" in html
    assert "Booked ahead: €60.00" in html
    assert "777.00" not in html  # B's payment
    assert "Card" in html


def test_month_dashboard_counts_hours_spend_and_attendance(pro_a, history, last_month):
    board = dashboard.build(pro_a, last_month)
    month = board.month
    assert (month.executed, month.no_show, month.late_cancelled) == (2, 1, 1)
    assert month.hours == Decimal("3.00")  # the late cancellation holds no time
    assert dict(month.spend) == {"EUR": Decimal("140.00")}
    weeks = {w.first_day: w for w in board.weeks}
    first_week = weeks[history["first"] - timedelta(days=history["first"].weekday())]
    second_week = weeks[history["second"] - timedelta(days=history["second"].weekday())]
    assert (first_week.executed, first_week.no_show, first_week.hours) == (1, 0, Decimal("1.00"))
    assert (second_week.executed, second_week.no_show) == (1, 1)
    assert second_week.spend["EUR"] == Decimal("100.00")
    assert [m.first_day for m in board.months][-1] == last_month
    assert len(board.months) == 6


def test_month_page_draws_the_charts_with_a_text_alternative(as_a, history, last_month):
    response = as_a.get(reverse("portal:month"), {"month": last_month.strftime("%Y-%m")})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart"') == 5  # hours and attendance per week and month, spend
    assert "done, 1 no-show" in html  # in an aria-label and a <title>
    assert "€140.00" in html
    # The spend chart's bar title and text alternative say the amount with its currency.
    assert f"{last_month:%m/%Y}: €140.00" in html
    assert as_a.get(reverse("portal:month"), {"month": "nonsense"}).status_code == 200


def test_my_statements_are_mine_only(as_a, as_b, pro_a, staff, history, last_month):
    statement = billing.issue_statement(
        pro_a, last_month.year, last_month.month, by=staff, source=Source.BACKOFFICE
    )
    download = reverse("billing:statement-download", args=[statement.pk])
    assert download in as_a.get(reverse("portal:money")).content.decode()
    assert download not in as_b.get(reverse("portal:money")).content.decode()
    assert as_b.get(download).status_code == 404
    assert as_a.get(download)["Content-Type"] == "application/pdf"
