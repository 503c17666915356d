"""A location's booking policy over the API (as the calendar's Policies page) and what
cancelling costs before cancelling (as the calendar's Cancel… dialog and the portal's cancel
page): the same write path and the same rules as the pages."""

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry

from billing.models import BillingPolicy
from scheduling.models import ApprovalMode, Booking, Location

from .conftest import problem_of

pytestmark = pytest.mark.django_db


def _policy(location) -> tuple:
    location = Location.objects.get(pk=location.pk)
    return (
        location.cancellation_deadline_hours,
        location.booking_horizon_days,
        location.portal_min_minutes,
        location.portal_max_minutes,
        location.approval_mode,
        location.reception_may_waive_late_fee,
    )


# ---------------------------------------------------------------- policies


def test_a_manager_changes_only_the_policy_fields_given_and_it_is_recorded(
    as_manager, manager, location
):
    response = as_manager.patch(
        f"/locations/{location.pk}/policy",
        {
            "approval_mode": "manual",
            "portal_max_minutes": 120,
            "reception_may_waive_late_fee": True,
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["location"] == {"id": location.pk, "name": location.name, "tz": location.tz}
    assert body["approval_mode"] == "manual"
    assert body["portal_max_minutes"] == 120
    assert body["reception_may_waive_late_fee"] is True
    assert body["cancellation_deadline_hours"] == 24  # not given, not changed
    assert _policy(location) == (24, 90, None, 120, ApprovalMode.MANUAL, True)
    entry = LogEntry.objects.get(object_id=str(location.pk))
    message = json.loads(entry.change_message)[0]
    assert entry.user == manager
    assert message["source"] == "api"
    assert set(message["changed"]["fields"]) == {
        "Approval of portal bookings",
        "Longest booking a professional may make (minutes)",
        "Reception may waive late-cancellation fees",
    }


def test_staff_read_every_policy_and_one_policy(as_staff, location):
    Location.objects.filter(pk=location.pk).update(booking_horizon_days=14)

    listed = as_staff.get("/policies").json()
    one = as_staff.get(f"/locations/{location.pk}/policy").json()

    assert [row["location"]["id"] for row in listed] == [location.pk]
    assert listed[0] == one
    assert one["booking_horizon_days"] == 14


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"portal_min_minutes": 120, "portal_max_minutes": 60}, "portal_max_minutes"),
        ({"portal_min_minutes": 50}, "portal_min_minutes"),
        ({"cancellation_deadline_hours": None}, "cancellation_deadline_hours"),
        ({"cancellation_deadline_hours": -1}, "cancellation_deadline_hours"),
        ({"booking_horizon_days": 0}, "booking_horizon_days"),
        ({"booking_horizon_days": "30"}, "booking_horizon_days"),
        ({"reception_may_waive_late_fee": 1}, "reception_may_waive_late_fee"),
        ({"approval_mode": "sometimes"}, "approval_mode"),
        ({"name": "Porto"}, "name"),
    ],
)
def test_a_policy_that_breaks_a_rule_is_a_422_naming_the_field_and_changes_nothing(
    as_manager, location, body, field
):
    before = _policy(location)

    problem = problem_of(as_manager.patch(f"/locations/{location.pk}/policy", body), 422)

    assert field in json.dumps(problem["errors"])
    assert _policy(location) == before
    assert not LogEntry.objects.exists()


def test_null_portal_lengths_fall_back_to_the_locations_own(as_manager, location):
    Location.objects.filter(pk=location.pk).update(portal_min_minutes=60, portal_max_minutes=90)

    response = as_manager.patch(
        f"/locations/{location.pk}/policy", {"portal_min_minutes": None, "portal_max_minutes": None}
    )

    assert response.status_code == 200, response.content
    assert _policy(location)[2:4] == (None, None)


def test_a_horizon_set_over_the_api_binds_the_professionals_next_booking(
    as_manager, as_a, pro_a, room, location, at
):
    as_manager.patch(f"/locations/{location.pk}/policy", {"booking_horizon_days": 3})

    problem = problem_of(
        as_a.post(
            "/bookings",
            {
                "room_id": room.pk,
                "starts_at": at("09:00").isoformat(),
                "ends_at": at("10:00").isoformat(),
            },
        ),
        422,
    )

    assert problem["code"].startswith("policy_")
    assert not Booking.objects.exists()


# ---------------------------------------------------------------- cancellation terms


@pytest.fixture
def late(location):
    """Cancelling a booking a week ahead is late: free cancellation ends 200 hours before."""
    Location.objects.filter(pk=location.pk).update(cancellation_deadline_hours=200)
    BillingPolicy.objects.create(location=location, late_cancel_percent=Decimal("50"))


def test_before_the_deadline_cancelling_is_free_and_nothing_is_waived(as_a, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))

    terms = as_a.get(f"/bookings/{booking.pk}/cancellation-terms").json()

    assert terms["late"] is False
    assert Decimal(terms["fee"]) == 0
    assert terms["may_waive"] is False
    assert terms["currency"] == "EUR"
    assert terms["summary"].startswith("Free cancellation until")
    free_until = datetime.fromisoformat(terms["free_until"].replace("Z", "+00:00"))
    assert free_until == at("09:00") - timedelta(hours=24)


def test_after_the_deadline_the_terms_give_the_fee_and_who_may_waive_it(
    late, as_staff, as_manager, as_a, book, room, pro_a, at, location
):
    booking = book(room, pro_a, at("09:00"), at("10:30"))  # 60.00 EUR at 40.00 an hour

    by_reception = as_staff.get(f"/bookings/{booking.pk}/cancellation-terms").json()
    by_manager = as_manager.get(f"/bookings/{booking.pk}/cancellation-terms").json()
    by_owner = as_a.get(f"/bookings/{booking.pk}/cancellation-terms").json()

    for terms in (by_reception, by_manager, by_owner):
        assert terms["late"] is True
        assert Decimal(terms["fee"]) == Decimal("30.00")
        assert Decimal(terms["percent"]) == 50
        assert "30.00" in terms["fee_text"]
    assert (by_reception["may_waive"], by_manager["may_waive"], by_owner["may_waive"]) == (
        False,
        True,
        False,
    )
    assert location.name in by_reception["waiver_note"]
    assert by_manager["waiver_note"] == ""

    Location.objects.filter(pk=location.pk).update(reception_may_waive_late_fee=True)
    assert as_staff.get(f"/bookings/{booking.pk}/cancellation-terms").json()["may_waive"] is True


def test_the_terms_say_what_the_cancellation_then_records(late, as_a, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    terms = as_a.get(f"/bookings/{booking.pk}/cancellation-terms").json()

    cancelled = as_a.post(f"/bookings/{booking.pk}/cancel", {"reason": "ill"}).json()

    assert terms["late"] is cancelled["cancelled_late"] is True
    assert cancelled["late_fee_waived"] is False


def test_another_professional_cannot_read_the_terms_of_a_booking(as_b, book, room, pro_a, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))

    problem_of(as_b.get(f"/bookings/{booking.pk}/cancellation-terms"), 404)
