"""Each booking's payment state and each professional's balance are shown wherever the
backoffice shows bookings and professionals: calendar cards, the professionals' list and
page, the admin. Read through the pages' own queries, so they cost no query per row."""

import re
from datetime import date

import pytest
from django.urls import reverse

from billing.services import issue_statement, record_payment
from scheduling.models import Source


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def three_states(past, pro_a, staff):
    """On 5 October: one paid, one part paid, one unpaid executed booking of Ana."""
    paid = past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    part = past("2026-10-05", "10:00", "11:00", pro_a, state="executed")
    unpaid = past("2026-10-05", "11:00", "12:00", pro_a, state="executed")
    record_payment(
        professional=pro_a,
        amount="55.00",  # 40 settles the first, 15 of 40 the second
        currency="EUR",
        method="cash",
        received_on=date(2026, 10, 6),
        by=staff,
        source=Source.BACKOFFICE,
    )
    return paid, part, unpaid


def card(page: str, booking) -> str:
    match = re.search(rf'<article id="booking-{booking.pk}".*?</article>', page, re.S)
    assert match, f"booking {booking.pk} is not on the page"
    return match.group(0)


@pytest.mark.parametrize("view", ["day", "week"])
def test_calendar_cards_show_paid_part_paid_and_unpaid(staff_client, three_states, location, view):
    url = reverse("calendar:calendar") + f"?view={view}&date=2026-10-05&loc={location.pk}"
    page = staff_client.get(url).content.decode()
    paid, part, unpaid = three_states
    assert 'data-pay="paid" title="Paid">paid<' in card(page, paid)
    assert 'data-pay="partially_paid" title="Partially paid">part paid<' in card(page, part)
    assert 'data-pay="unpaid" title="Unpaid">unpaid<' in card(page, unpaid)
    assert "Partially paid" in re.search(r'aria-label="([^"]*)"', card(page, part)).group(1)


def test_a_booking_still_ahead_and_unpaid_carries_no_mark(staff_client, book, room, pro_a, at):
    ahead = book(room, pro_a, at("09:00"), at("10:00"))
    local_day = ahead.starts_at.astimezone(room.location.zone).date()
    url = reverse("calendar:calendar") + f"?view=day&date={local_day}&loc={room.location_id}"
    assert '<span class="b-pay" data-pay></span>' in card(
        staff_client.get(url).content.decode(), ahead
    )


def test_the_professionals_list_shows_each_balance(staff_client, three_states, pro_b, past):
    past("2026-10-07", "09:00", "10:00", pro_b, state="no_show")
    page = staff_client.get(reverse("professionals:list")).content.decode()
    rows = re.findall(r"<tr.*?</tr>", page, re.S)
    assert "owes €65.00" in next(row for row in rows if "Ana Alves" in row)  # 120 − 55
    assert "owes €40.00" in next(row for row in rows if "Bruno Brito" in row)  # no-show


def test_the_professional_page_shows_balance_payment_states_and_statements(
    manager_client, three_states, pro_a, staff
):
    statement = issue_statement(pro_a, 2026, 10, by=staff, source=Source.BACKOFFICE)
    page = manager_client.get(reverse("professionals:detail", args=[pro_a.pk])).content.decode()
    assert "owes €65.00" in page
    assert page.count('class="pay-state is-paid">Paid<') == 1
    assert page.count('class="pay-state is-partially_paid">Partially paid<') == 1
    assert page.count('class="pay-state is-unpaid">Unpaid<') == 1
    assert statement.number in page
    assert reverse("billing:statement-download", args=[statement.pk]) in page
    download = manager_client.get(reverse("billing:statement-download", args=[statement.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert bytes(download.content) == bytes(statement.pdf)


def test_the_admin_lists_payment_states_and_balances(admin_client, three_states, pro_a):
    bookings = admin_client.get(reverse("admin:scheduling_booking_changelist")).content.decode()
    assert bookings.count(">Paid<") == 1 and bookings.count(">Partially paid<") == 1
    assert bookings.count(">Unpaid<") == 1
    paid = three_states[0]
    change = admin_client.get(reverse("admin:scheduling_booking_change", args=[paid.pk]))
    assert ">Paid<" in change.content.decode()
    professionals = admin_client.get(reverse("admin:professionals_professional_changelist"))
    assert "owes €65.00" in professionals.content.decode()


def test_marks_and_balances_cost_no_query_per_row(
    admin_client, staff_client, past, pro_a, pro_b, staff, django_assert_max_num_queries
):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    past("2026-10-05", "10:00", "11:00", pro_b, state="no_show")
    urls = [
        (admin_client, reverse("admin:scheduling_booking_changelist")),
        (admin_client, reverse("admin:professionals_professional_changelist")),
        (staff_client, reverse("professionals:list")),
        (staff_client, reverse("professionals:detail", args=[pro_a.pk])),
    ]
    counts = []
    for client, url in urls:
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    for day in range(6, 16):
        past(f"2026-10-{day:02d}", "09:00", "10:00", pro_a, state="executed")
        past(f"2026-10-{day:02d}", "10:00", "11:00", pro_b, state="no_show")
        record_payment(
            professional=pro_a,
            amount="10.00",
            currency="EUR",
            method="card",
            received_on=date(2026, 10, day),
            by=staff,
            source=Source.BACKOFFICE,
        )
    for (client, url), count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
