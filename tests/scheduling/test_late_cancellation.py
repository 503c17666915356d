"""Staff cancelling late choose: charge the late fee or waive it. They are told first
whether the cancellation is free or late and what a late one costs; a waiver is recorded
(who, when, why, from where) and billing then charges nothing; reception waives only where
the location allows it, a manager always; a professional's late cancellation stays late.
Through the service, the calendar's endpoint, the admin and the API."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from billing import ledger
from billing.money import format_money
from scheduling import services
from scheduling.errors import InvalidBooking, WaiverRefused
from scheduling.models import Booking, BookingChange, BookingStatus, Source
from tests.api.conftest import problem_of, session_api
from tests.conftest import snapshot
from tests.factories import LocationFactory, RoomFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paulista(db):
    """São Paulo, BRL, a room at 150.00 an hour: a late hour costs 75.00 (50 %)."""
    return LocationFactory(name="Integra Paulista", tz="America/Sao_Paulo", currency="BRL")


@pytest.fixture
def pitanga(paulista):
    return RoomFactory(location=paulista, name="Sala Pitanga", hourly_price=Decimal("150.00"))


@pytest.fixture
def ahead(pitanga, paulista, book):
    """Ana's hour at 09:00 in São Paulo, three days from now: free until 24 h before."""

    def make(professional, **kwargs):
        local_day = timezone.now().astimezone(paulista.zone).date() + timedelta(days=3)
        start = datetime.combine(local_day, time(9), tzinfo=paulista.zone)
        return book(pitanga, professional, start, start + timedelta(hours=1), **kwargs)

    return make


def make_late(location) -> None:
    """Move the deadline past the booking (a week): cancelling now is late."""
    location.cancellation_deadline_hours = 7 * 24
    location.save(update_fields=["cancellation_deadline_hours"])


def allow_reception(location) -> None:
    location.reception_may_waive_late_fee = True
    location.save(update_fields=["reception_may_waive_late_fee"])


def fee(amount: str) -> str:
    return format_money(Decimal(amount), "BRL")


def cancel_change(booking) -> BookingChange:
    return BookingChange.objects.get(booking=booking, action="cancelled")


def charged(booking) -> Decimal:
    return ledger.booking_charge(Booking.objects.for_page().get(pk=booking.pk)).amount


# ---------------------------------------------------------------- the service


def test_a_staff_cancellation_before_the_deadline_is_free_and_charges_nothing(ahead, pro_a, staff):
    booking = ahead(pro_a)
    cancelled = services.cancel(booking, reason="client ill", by=staff, source=Source.BACKOFFICE)
    assert (cancelled.cancelled_late, cancelled.late_fee_waived) == (False, False)
    assert charged(booking) == Decimal("0.00")


def test_a_late_staff_cancellation_charged_costs_the_billing_percentage(
    ahead, paulista, pro_a, staff
):
    booking = ahead(pro_a)
    make_late(paulista)
    services.cancel(booking, reason="client ill", by=staff, source=Source.BACKOFFICE)
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.cancelled_late, stored.late_fee_waived) == (True, False)
    assert charged(booking) == Decimal("75.00")
    assert cancel_change(booking).diff["charge_percent"] == [None, "50.00"]


def test_a_manager_waives_a_late_fee_billing_charges_nothing_and_the_history_says_who_and_why(
    ahead, paulista, pro_a, manager
):
    booking = ahead(pro_a)
    make_late(paulista)
    services.cancel(
        booking,
        reason="client ill",
        waive_late_fee=True,
        waiver_reason="hospitalised, sent a note",
        by=manager,
        source=Source.BACKOFFICE,
        ip="192.0.2.7",
    )
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.cancelled_late, stored.late_fee_waived) == (
        BookingStatus.CANCELLED,
        True,
        True,
    )
    assert stored.late_fee_waiver_reason == "hospitalised, sent a note"
    assert charged(booking) == Decimal("0.00")
    assert ledger.balance(pro_a, "BRL") == Decimal("0.00")
    assert ledger.booking_charge(stored).kind == "Late cancellation, fee waived"
    change = cancel_change(booking)
    assert (change.by, change.source, change.ip) == (manager, Source.BACKOFFICE, "192.0.2.7")
    assert change.diff["late_fee_waived"] == [False, True]
    assert change.diff["late_fee_waiver_reason"] == ["", "hospitalised, sent a note"]
    assert "charge_percent" not in change.diff


def test_reception_may_not_waive_where_the_policy_forbids_it_and_nothing_changes(
    ahead, paulista, pro_a, staff
):
    booking = ahead(pro_a)
    make_late(paulista)
    before = snapshot()
    with pytest.raises(WaiverRefused) as refused:
        services.cancel(
            booking, waive_late_fee=True, waiver_reason="kind", by=staff, source=Source.BACKOFFICE
        )
    assert refused.value.status == 403
    assert "only a manager may waive" in refused.value.message
    assert "Nothing was cancelled" in refused.value.message
    assert snapshot() == before
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.BOOKED


def test_reception_may_waive_where_the_location_allows_it(ahead, paulista, pro_a, staff):
    booking = ahead(pro_a)
    make_late(paulista)
    allow_reception(paulista)
    services.cancel(
        booking, waive_late_fee=True, waiver_reason="first time", by=staff, source=Source.ADMIN
    )
    assert Booking.objects.get(pk=booking.pk).late_fee_waived is True
    assert charged(booking) == Decimal("0.00")


def test_a_waiver_without_a_reason_is_refused_and_changes_nothing(ahead, paulista, pro_a, manager):
    booking = ahead(pro_a)
    make_late(paulista)
    before = snapshot()
    with pytest.raises(InvalidBooking) as refused:
        services.cancel(booking, waive_late_fee=True, by=manager, source=Source.BACKOFFICE)
    assert refused.value.field == "waiver_reason"
    assert snapshot() == before


def test_asking_to_waive_a_free_cancellation_records_no_waiver(ahead, pro_a, manager):
    booking = ahead(pro_a)
    services.cancel(
        booking, waive_late_fee=True, waiver_reason="x", by=manager, source=Source.BACKOFFICE
    )
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.cancelled_late, stored.late_fee_waived, stored.late_fee_waiver_reason) == (
        False,
        False,
        "",
    )
    assert "late_fee_waived" not in cancel_change(booking).diff


def test_a_professionals_own_late_cancellation_stays_late_and_cannot_be_waived(
    ahead, paulista, pro_a
):
    booking = ahead(pro_a, by=pro_a.user, source=Source.PORTAL)
    make_late(paulista)
    allow_reception(paulista)  # reception's right is not the professional's
    before = snapshot()
    with pytest.raises(WaiverRefused):
        services.cancel(
            booking, waive_late_fee=True, waiver_reason="me", by=pro_a.user, source=Source.PORTAL
        )
    assert snapshot() == before
    services.cancel(booking, by=pro_a.user, source=Source.PORTAL)
    assert charged(booking) == Decimal("75.00")


def test_undoing_a_waived_cancellation_clears_the_waiver(ahead, paulista, pro_a, manager):
    booking = ahead(pro_a)
    make_late(paulista)
    services.cancel(
        booking, waive_late_fee=True, waiver_reason="ok", by=manager, source=Source.BACKOFFICE
    )
    services.restore(booking, by=manager, source=Source.BACKOFFICE)
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.cancelled_late, stored.late_fee_waived, stored.late_fee_waiver_reason) == (
        False,
        False,
        "",
    )


# ---------------------------------------------------------------- the calendar's dialog


def cancel_url(booking) -> str:
    return reverse("calendar:booking-cancel", args=[booking.pk])


def test_the_cancel_dialog_says_a_cancellation_is_free_before_the_deadline(desk, ahead, pro_a):
    booking = ahead(pro_a)
    terms = desk.get(cancel_url(booking)).json()
    assert terms["late"] is False
    assert terms["summary"].startswith("Free cancellation until ")
    # the deadline in São Paulo's own time: 09:00 there, a day before
    assert terms["summary"].endswith("09:00: cancelling now costs nothing.")
    answer = desk.post(cancel_url(booking), {"reason": "client ill"}).json()
    assert answer["message"] == "Cancelled, no charge."
    assert "no charge" in answer["html"]


def test_the_cancel_dialog_shows_the_late_fee_and_the_toast_says_it_was_charged(
    desk, ahead, paulista, pro_a
):
    booking = ahead(pro_a)
    make_late(paulista)
    terms = desk.get(cancel_url(booking)).json()
    assert terms["late"] is True
    assert terms["fee_text"] == fee("75.00")
    assert fee("75.00") in terms["summary"]
    assert terms["may_waive"] is False
    assert terms["waiver_note"] == (
        "At Integra Paulista only a manager may waive a late-cancellation fee."
    )
    answer = desk.post(cancel_url(booking), {"reason": "ill", "late_fee": "charge"})
    assert answer.status_code == 200
    assert answer.json()["message"] == f"Cancelled late: fee {fee('75.00')} charged."
    assert 'data-pay="unpaid"' in answer.json()["html"]
    assert charged(booking) == Decimal("75.00")


def test_a_manager_waives_from_the_calendar_and_the_toast_says_so(
    client, manager, ahead, paulista, pro_a
):
    booking = ahead(pro_a)
    make_late(paulista)
    client.force_login(manager)
    assert client.get(cancel_url(booking)).json()["may_waive"] is True
    answer = client.post(
        cancel_url(booking), {"reason": "ill", "late_fee": "waive", "waiver_reason": "note"}
    ).json()
    assert answer["message"] == "Cancelled late: fee waived."
    assert 'data-pay="waived"' in answer["html"] and "fee waived" in answer["html"]
    change = cancel_change(booking)
    assert (change.by, change.source) == (manager, Source.BACKOFFICE)
    assert charged(booking) == Decimal("0.00")


def test_reception_waiving_from_the_calendar_where_forbidden_gets_403_and_nothing_changes(
    desk, ahead, paulista, pro_a
):
    booking = ahead(pro_a)
    make_late(paulista)
    before = snapshot()
    response = desk.post(
        cancel_url(booking), {"reason": "ill", "late_fee": "waive", "waiver_reason": "kind"}
    )
    assert response.status_code == 403
    assert response.json()["message"].startswith(
        "At Integra Paulista only a manager may waive a late-cancellation fee."
    )
    assert snapshot() == before


def test_reception_waives_from_the_calendar_where_the_location_allows_it(
    desk, ahead, paulista, pro_a
):
    booking = ahead(pro_a)
    make_late(paulista)
    allow_reception(paulista)
    assert desk.get(cancel_url(booking)).json()["may_waive"] is True
    answer = desk.post(cancel_url(booking), {"late_fee": "waive", "waiver_reason": "first time"})
    assert answer.json()["message"] == "Cancelled late: fee waived."


def test_a_professional_cannot_read_the_cancel_terms_or_cancel_through_the_calendar(
    client, ahead, pro_a
):
    booking = ahead(pro_a)
    client.force_login(pro_a.user)
    before = snapshot()
    assert client.get(cancel_url(booking)).status_code == 403
    assert client.post(cancel_url(booking), {"late_fee": "waive"}).status_code == 403
    assert snapshot() == before


# ---------------------------------------------------------------- the calendar's cards


def test_cancelled_cards_say_no_charge_fee_unpaid_fee_paid_or_fee_waived(
    desk, book, pitanga, paulista, pro_a, pro_b, staff, manager
):
    from billing.services import record_payment

    local_day = timezone.now().astimezone(paulista.zone).date() + timedelta(days=3)

    def hour(clock: int, professional):
        start = datetime.combine(local_day, time(clock), tzinfo=paulista.zone)
        return book(pitanga, professional, start, start + timedelta(hours=1))

    free, unpaid, paid, waived = hour(9, pro_a), hour(10, pro_a), hour(11, pro_b), hour(12, pro_a)
    services.cancel(free, by=staff, source=Source.BACKOFFICE)
    make_late(paulista)
    services.cancel(unpaid, by=staff, source=Source.BACKOFFICE)
    services.cancel(paid, by=staff, source=Source.BACKOFFICE)
    services.cancel(
        waived, waive_late_fee=True, waiver_reason="ok", by=manager, source=Source.BACKOFFICE
    )
    record_payment(
        professional=pro_b,
        amount="75.00",
        currency="BRL",
        method="cash",
        received_on=timezone.now().astimezone(paulista.zone).date(),
        by=staff,
        source=Source.BACKOFFICE,
    )
    url = reverse("calendar:calendar") + f"?view=day&date={local_day}&loc={paulista.pk}"
    page = desk.get(url).content.decode()

    def mark(booking) -> str:
        from tests.billing.test_marks import card

        return card(page, booking)

    assert 'data-pay="no_charge" title="Cancelled in time: no charge">no charge<' in mark(free)
    assert 'data-pay="unpaid" title="Late cancellation: fee unpaid">fee unpaid<' in mark(unpaid)
    assert 'data-pay="paid" title="Late cancellation: fee paid">fee paid<' in mark(paid)
    assert 'data-pay="waived" title="Late cancellation: fee waived">fee waived<' in mark(waived)
    assert ">unpaid<" not in mark(free) + mark(waived)


# ---------------------------------------------------------------- the admin


@pytest.fixture
def reception_admin(client, db):
    """Reception in the admin: staff with the booking permissions, not a superuser."""
    user = StaffFactory(username="recepcao")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="scheduling", codename__in=["view_booking", "change_booking"]
        )
    )
    client.force_login(user)
    return client


def admin_cancel_form(booking, **fields):
    zone = booking.room.location.zone
    start, end = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
    return {
        "room": booking.room_id,
        "professional": booking.professional_id,
        "day": start.date().isoformat(),
        "starts": f"{start:%H:%M}",
        "ends": f"{end:%H:%M}",
        "status": "cancelled",
        "notes": "",
        "changes-TOTAL_FORMS": 0,
        "changes-INITIAL_FORMS": 0,
        **fields,
    }


def admin_url(booking) -> str:
    return reverse("admin:scheduling_booking_change", args=[booking.pk])


def test_the_admin_shows_the_late_fee_and_refuses_receptions_waiver_where_forbidden(
    reception_admin, ahead, paulista, pro_a
):
    booking = ahead(pro_a)
    make_late(paulista)
    page = reception_admin.get(admin_url(booking)).content.decode()
    assert fee("75.00") in page
    assert "only a manager may waive" in page
    before = snapshot()
    response = reception_admin.post(
        admin_url(booking), admin_cancel_form(booking, late_fee="waive", waiver_reason="kind")
    )
    assert response.status_code == 200  # the form again, with the refusal
    assert "only a manager may waive" in response.content.decode()
    assert snapshot() == before


def test_a_manager_waives_in_the_admin_and_the_message_says_so(
    client, manager, ahead, paulista, pro_a
):
    client.force_login(manager)
    booking = ahead(pro_a)
    make_late(paulista)
    response = client.post(
        admin_url(booking),
        admin_cancel_form(booking, late_fee="waive", waiver_reason="note from the doctor"),
        follow=True,
    )
    assert "Cancelled late: fee waived." in response.content.decode()
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.late_fee_waived, stored.late_fee_waiver_reason) == (
        True,
        "note from the doctor",
    )
    assert cancel_change(booking).source == Source.ADMIN


def test_cancelling_in_the_admin_late_charges_and_says_what_it_cost(
    reception_admin, ahead, paulista, pro_a
):
    booking = ahead(pro_a)
    make_late(paulista)
    response = reception_admin.post(admin_url(booking), admin_cancel_form(booking), follow=True)
    assert f"Cancelled late: fee {fee('75.00')} charged." in response.content.decode()
    assert charged(booking) == Decimal("75.00")


# ---------------------------------------------------------------- the API


def test_the_api_waives_for_a_manager_and_shows_it(manager, ahead, paulista, pro_a):
    booking = ahead(pro_a)
    make_late(paulista)
    body = (
        session_api(manager)
        .post(
            f"/bookings/{booking.pk}/cancel",
            {"reason": "ill", "waive_late_fee": True, "waiver_reason": "doctor's note"},
        )
        .json()
    )
    assert (body["cancelled_late"], body["late_fee_waived"]) == (True, True)
    assert charged(booking) == Decimal("0.00")
    assert cancel_change(booking).source == Source.API


def test_the_api_refuses_receptions_waiver_where_forbidden_with_403_and_changes_nothing(
    staff, ahead, paulista, pro_a
):
    booking = ahead(pro_a)
    make_late(paulista)
    before = snapshot()
    response = session_api(staff).post(
        f"/bookings/{booking.pk}/cancel", {"waive_late_fee": True, "waiver_reason": "kind"}
    )
    body = problem_of(response, 403)
    assert body["code"] == "waiver_refused"
    assert "only a manager may waive" in body["detail"]
    assert snapshot() == before


def test_a_professional_cannot_waive_over_the_api_and_a_plain_late_cancel_is_charged(
    ahead, paulista, pro_a
):
    booking = ahead(pro_a, by=pro_a.user, source=Source.PORTAL)
    make_late(paulista)
    api = session_api(pro_a.user)
    before = snapshot()
    refused = api.post(
        f"/bookings/{booking.pk}/cancel", {"waive_late_fee": True, "waiver_reason": "me"}
    )
    assert problem_of(refused, 403)["code"] == "waiver_refused"
    assert snapshot() == before
    body = api.post(f"/bookings/{booking.pk}/cancel", {}).json()
    assert (body["cancelled_late"], body["late_fee_waived"]) == (True, False)
    assert charged(booking) == Decimal("75.00")


def test_the_api_schema_documents_the_waiver(client):
    schema = client.get("/api/v1/openapi.json").json()
    cancel_in = schema["components"]["schemas"]["CancelIn"]["properties"]
    assert "waive_late_fee" in cancel_in and "waiver_reason" in cancel_in
    assert "reception_may_waive_late_fee" in cancel_in["waive_late_fee"]["description"]
    assert "late_fee_waived" in schema["components"]["schemas"]["BookingOut"]["properties"]
    location_out = schema["components"]["schemas"]["LocationOut"]["properties"]
    assert "reception_may_waive_late_fee" in location_out


# ---------------------------------------------------------------- the portal and the policy page


def test_the_portal_keeps_its_rule_a_late_cancellation_is_charged(client, ahead, paulista, pro_a):
    booking = ahead(pro_a, by=pro_a.user, source=Source.PORTAL)
    make_late(paulista)
    allow_reception(paulista)
    client.force_login(pro_a.user)
    client.post(reverse("portal:booking-cancel", args=[booking.pk]), {"reason": "ill"})
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.cancelled_late, stored.late_fee_waived) == (True, False)
    assert charged(booking) == Decimal("75.00")


def test_the_policies_page_tells_who_may_waive_and_only_a_manager_changes_it(
    desk, client, manager, paulista
):
    page = desk.get(reverse("calendar:location-policies")).content.decode()
    assert "staff are not bound" not in page.replace("staff are not bound by them", "")
    assert "A manager only" in page
    url = reverse("calendar:location-policy", args=[paulista.pk])
    form = {
        "cancellation_deadline_hours": 24,
        "booking_horizon_days": 90,
        "approval_mode": "auto",
        "reception_may_waive_late_fee": "on",
    }
    desk.post(url, form)
    paulista.refresh_from_db()
    assert paulista.reception_may_waive_late_fee is False  # reception cannot grant itself
    client.force_login(manager)
    client.post(url, form)
    paulista.refresh_from_db()
    assert paulista.reception_may_waive_late_fee is True
    assert (
        "Reception or a manager"
        in client.get(reverse("calendar:location-policies")).content.decode()
    )


def test_the_professional_sees_on_the_portal_that_the_late_fee_was_waived(
    client, ahead, paulista, pro_a, manager
):
    booking = ahead(pro_a)
    make_late(paulista)
    services.cancel(
        booking, waive_late_fee=True, waiver_reason="note", by=manager, source=Source.BACKOFFICE
    )
    client.force_login(pro_a.user)
    page = client.get(reverse("portal:booking", args=[booking.pk])).content.decode()
    assert "late cancellation, fee waived" in page
    assert "No charge" in page
