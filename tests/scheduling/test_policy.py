"""The clinic's policy per location binds the bookings professionals make themselves:
each rule refuses with its sentence and changes nothing; staff are not bound; a late
cancellation is allowed and recorded; approval modes; a request holds its slot."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import ledger
from scheduling import policy, services
from scheduling.errors import IllegalTransition, InvalidBooking, SlotTaken
from scheduling.models import ApprovalMode, Booking, BookingChange, BookingStatus, Source
from tests.api.conftest import problem_of, session_api
from tests.conftest import assert_claims_mirror_bookings, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_pro(book, pro_a):
    """Book as professional A from the portal."""

    def make(room, starts_at, ends_at, professional=None, **kwargs):
        professional = professional or pro_a
        return book(
            room, professional, starts_at, ends_at, by=professional.user, source=Source.PORTAL
        )

    return make


def set_policy(location, **values):
    for field, value in values.items():
        setattr(location, field, value)
    location.full_clean()
    location.save()


def refused(call, code: str) -> InvalidBooking:
    before = snapshot()
    with pytest.raises(InvalidBooking) as caught:
        call()
    assert caught.value.code == code
    assert snapshot() == before
    return caught.value


# ---------------------------------------------------------------- horizon and lengths


def test_a_professional_cannot_book_beyond_the_horizon(location, room, as_pro, at):
    set_policy(location, booking_horizon_days=3)  # `day` is a week ahead
    error = refused(lambda: as_pro(room, at("09:00"), at("10:00")), "policy_beyond_horizon")
    assert error.message == "At Lisboa Centro you can book up to 3 days ahead."


def test_a_professional_cannot_book_shorter_than_the_portal_minimum(location, room, as_pro, at):
    set_policy(location, portal_min_minutes=60)
    error = refused(lambda: as_pro(room, at("09:00"), at("09:45")), "policy_too_short")
    assert error.message == "At Lisboa Centro you can book at least 60 minutes at a time."
    assert as_pro(room, at("09:00"), at("10:00")).status == BookingStatus.BOOKED


def test_a_professional_cannot_book_longer_than_the_portal_maximum(location, room, as_pro, at):
    set_policy(location, portal_max_minutes=120)
    error = refused(lambda: as_pro(room, at("09:00"), at("12:00")), "policy_too_long")
    assert "at most 120 minutes" in error.message
    assert as_pro(room, at("09:00"), at("11:00")).status == BookingStatus.BOOKED


def test_staff_are_not_bound_by_the_policy(location, room, book, pro_a, at):
    set_policy(
        location,
        booking_horizon_days=1,
        portal_min_minutes=60,
        portal_max_minutes=60,
        approval_mode=ApprovalMode.MANUAL,
    )
    short = book(room, pro_a, at("09:00"), at("09:30"))
    long = book(room, pro_a, at("10:00"), at("13:00"))
    assert {short.status, long.status} == {BookingStatus.BOOKED}
    set_policy(location, cancellation_deadline_hours=30 * 24)
    moved = services.move(long, starts_at=at("14:00"), by=None, source=Source.SYSTEM)
    assert moved.starts_at == at("14:00")


def test_moves_by_a_professional_keep_to_the_horizon_and_lengths(location, room, as_pro, at):
    booking = as_pro(room, at("09:00"), at("10:00"))
    set_policy(location, booking_horizon_days=10, portal_max_minutes=90)
    user = booking.professional.user
    refused(
        lambda: services.move(
            booking, starts_at=at("09:00") + timedelta(days=7), by=user, source=Source.PORTAL
        ),
        "policy_beyond_horizon",
    )
    refused(
        lambda: services.resize(booking, ends_at=at("11:00"), by=user, source=Source.PORTAL),
        "policy_too_long",
    )


# ---------------------------------------------------------------- the deadline


def test_a_professional_cannot_move_a_booking_after_the_deadline(location, room, as_pro, at):
    booking = as_pro(room, at("09:00"), at("10:00"))
    set_policy(location, cancellation_deadline_hours=8 * 24)  # `day` is 7 days ahead
    error = refused(
        lambda: services.move(
            booking, starts_at=at("11:00"), by=booking.professional.user, source=Source.PORTAL
        ),
        "policy_deadline",
    )
    assert "until 192 hours before the start" in error.message


def test_before_the_deadline_a_professional_may_move_and_cancel_freely(location, room, as_pro, at):
    booking = as_pro(room, at("09:00"), at("10:00"))
    user = booking.professional.user
    assert policy.cancellable_until(booking) == at("09:00") - timedelta(hours=24)
    moved = services.move(booking, starts_at=at("11:00"), by=user, source=Source.PORTAL)
    cancelled = services.cancel(moved, by=user, source=Source.PORTAL)
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.cancelled_late is False
    assert "cancelled_late" not in BookingChange.objects.filter(action="cancelled").get().diff
    assert ledger.booking_charge(cancelled).amount == Decimal("0.00")


def test_a_cancellation_after_the_deadline_is_allowed_and_recorded_as_late(
    location, room, as_pro, at
):
    booking = as_pro(room, at("09:00"), at("10:00"))
    set_policy(location, cancellation_deadline_hours=8 * 24)
    cancelled = services.cancel(
        booking, reason="ill", by=booking.professional.user, source=Source.PORTAL
    )
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.cancelled_late) == (BookingStatus.CANCELLED, True)
    change = BookingChange.objects.get(booking=booking, action="cancelled")
    assert change.diff["cancelled_late"] == [False, True]
    assert change.source == Source.PORTAL
    charge = ledger.booking_charge(cancelled)  # billing charges the recorded fact
    assert charge.kind == "Late cancellation"
    assert charge.amount == Decimal("20.00")  # default 50 % of 40.00
    assert_claims_mirror_bookings()


def test_a_later_change_of_the_deadline_does_not_rewrite_a_recorded_cancellation(
    location, room, as_pro, at
):
    booking = as_pro(room, at("09:00"), at("10:00"))
    set_policy(location, cancellation_deadline_hours=8 * 24)
    services.cancel(booking, by=booking.professional.user, source=Source.PORTAL)
    set_policy(location, cancellation_deadline_hours=1)
    booking = Booking.objects.for_page().get(pk=booking.pk)
    assert ledger.is_late_cancellation(booking)


def test_undoing_a_late_cancellation_clears_the_mark(location, room, as_pro, staff, at):
    booking = as_pro(room, at("09:00"), at("10:00"))
    set_policy(location, cancellation_deadline_hours=8 * 24)
    services.cancel(booking, by=booking.professional.user, source=Source.PORTAL)
    restored = services.restore(booking, by=staff, source=Source.BACKOFFICE)
    assert (restored.status, Booking.objects.get(pk=booking.pk).cancelled_late) == (
        BookingStatus.BOOKED,
        False,
    )


# ---------------------------------------------------------------- approval


def test_in_manual_mode_a_portal_booking_is_a_request_that_holds_its_slot(
    location, room, as_pro, pro_b, at
):
    set_policy(location, approval_mode=ApprovalMode.MANUAL)
    request = as_pro(room, at("09:00"), at("10:00"))
    assert request.status == BookingStatus.REQUESTED
    assert BookingChange.objects.get(booking=request).action == "requested"
    assert_claims_mirror_bookings()
    before = snapshot()
    with pytest.raises(SlotTaken):
        as_pro(room, at("09:30"), at("10:30"), professional=pro_b)
    assert snapshot() == before
    assert ledger.booking_charge(request).amount == Decimal("0.00")  # not agreed yet


def test_staff_approve_a_request_and_it_becomes_booked(location, room, as_pro, staff, at):
    set_policy(location, approval_mode=ApprovalMode.MANUAL)
    request = as_pro(room, at("09:00"), at("10:00"))
    approved = services.approve(request, by=staff, source=Source.BACKOFFICE)
    assert Booking.objects.get(pk=request.pk).status == BookingStatus.BOOKED
    assert approved.status == BookingStatus.BOOKED
    change = BookingChange.objects.get(booking=request, action="approved")
    assert change.diff == {"status": ["requested", "booked"]}
    assert_claims_mirror_bookings()
    with pytest.raises(IllegalTransition):
        services.approve(request, by=staff, source=Source.BACKOFFICE)


def test_staff_decline_a_request_with_a_reason_and_the_slot_is_free_again(
    location, room, as_pro, staff, pro_b, at
):
    set_policy(location, approval_mode=ApprovalMode.MANUAL, cancellation_deadline_hours=8 * 24)
    request = as_pro(room, at("09:00"), at("10:00"))
    before = snapshot()
    with pytest.raises(InvalidBooking):
        services.decline(request, reason=" ", by=staff, source=Source.BACKOFFICE)
    assert snapshot() == before
    services.decline(request, reason="Room closed for repairs", by=staff, source=Source.BACKOFFICE)
    declined = Booking.objects.get(pk=request.pk)
    assert declined.status == BookingStatus.CANCELLED
    assert declined.cancellation_reason == "Room closed for repairs"
    assert declined.cancelled_late is False  # a refused request is never a late cancellation
    assert_claims_mirror_bookings()
    services.book(
        room=room,
        professional=pro_b,
        starts_at=at("09:00"),
        ends_at=at("10:00"),
        by=staff,
        source=Source.BACKOFFICE,
    )


def test_a_request_cannot_be_marked_executed_or_undone(location, room, as_pro, staff, at):
    set_policy(location, approval_mode=ApprovalMode.MANUAL)
    request = as_pro(room, at("09:00"), at("10:00"))
    before = snapshot()
    for service in (services.mark_executed, services.restore):
        with pytest.raises(IllegalTransition):
            service(request, by=staff, source=Source.BACKOFFICE)
    assert snapshot() == before


def test_a_professional_may_withdraw_their_request(location, room, as_pro, at):
    set_policy(location, approval_mode=ApprovalMode.MANUAL, cancellation_deadline_hours=8 * 24)
    request = as_pro(room, at("09:00"), at("10:00"))
    withdrawn = services.cancel(request, by=request.professional.user, source=Source.PORTAL)
    assert (withdrawn.status, withdrawn.cancelled_late) == (BookingStatus.CANCELLED, False)


def test_in_manual_mode_staff_bookings_are_booked_at_once(location, room, book, pro_a, at):
    set_policy(location, approval_mode=ApprovalMode.MANUAL)
    assert book(room, pro_a, at("09:00"), at("10:00")).status == BookingStatus.BOOKED


def test_known_professionals_are_booked_at_once_others_request(
    location, room, book, as_pro, pro_a, pro_b, staff, at, day
):
    """Known = at least one executed booking (they have actually come to the clinic)."""
    set_policy(location, approval_mode=ApprovalMode.KNOWN)
    earlier = day - timedelta(days=14)
    past = book(room, pro_a, at("09:00", on=earlier), at("10:00", on=earlier), allow_past=True)
    assert as_pro(room, at("09:00"), at("10:00")).status == BookingStatus.REQUESTED
    services.mark_executed(past, by=staff, source=Source.BACKOFFICE)
    assert policy.is_known(pro_a) and not policy.is_known(pro_b)
    assert as_pro(room, at("11:00"), at("12:00")).status == BookingStatus.BOOKED
    assert (
        as_pro(room, at("13:00"), at("14:00"), professional=pro_b).status == BookingStatus.REQUESTED
    )


def test_in_auto_mode_every_portal_booking_is_booked(location, room, as_pro, at):
    assert location.approval_mode == ApprovalMode.AUTO
    assert as_pro(room, at("09:00"), at("10:00")).status == BookingStatus.BOOKED


def test_a_policy_with_a_longest_shorter_than_its_shortest_is_refused(location):
    location.portal_min_minutes, location.portal_max_minutes = 120, 60
    with pytest.raises(ValidationError):
        location.full_clean()
    location.portal_min_minutes = 50
    with pytest.raises(ValidationError):
        location.full_clean()


# ---------------------------------------------------------------- the API


def test_the_api_answers_policy_refusals_with_422_and_the_sentence(location, room, pro_a, at):
    set_policy(location, booking_horizon_days=3)
    api = session_api(pro_a.user)
    before = snapshot()
    body = problem_of(
        api.post(
            "/bookings",
            {
                "room_id": room.pk,
                "starts_at": at("09:00").isoformat(),
                "ends_at": at("10:00").isoformat(),
            },
        ),
        422,
    )
    assert body["code"] == "policy_beyond_horizon"
    assert body["detail"] == "At Lisboa Centro you can book up to 3 days ahead."
    assert body["title"] == "Not allowed by the clinic's booking policy"
    assert snapshot() == before


def test_the_api_shows_until_when_a_booking_is_cancellable_and_refuses_a_late_move(
    location, room, as_pro, pro_a, at
):
    booking = as_pro(room, at("09:00"), at("10:00"))
    api = session_api(pro_a.user)
    shown = api.get(f"/bookings/{booking.pk}").json()
    assert datetime.fromisoformat(shown["cancellable_until"]) == at("09:00") - timedelta(hours=24)
    assert shown["cancelled_late"] is False
    set_policy(location, cancellation_deadline_hours=8 * 24)
    before = snapshot()
    body = problem_of(
        api.post(f"/bookings/{booking.pk}/move", {"starts_at": at("11:00").isoformat()}), 422
    )
    assert body["code"] == "policy_deadline"
    assert snapshot() == before
    cancelled = api.post(f"/bookings/{booking.pk}/cancel", {"reason": ""}).json()
    assert cancelled["cancelled_late"] is True


def test_staff_approve_and_decline_requests_over_the_api_professionals_cannot(
    location, room, as_pro, pro_a, staff, at
):
    set_policy(location, approval_mode=ApprovalMode.MANUAL)
    first = as_pro(room, at("09:00"), at("10:00"))
    second = as_pro(room, at("11:00"), at("12:00"))
    mine = session_api(pro_a.user)
    assert mine.get(f"/bookings/{first.pk}").json()["status"] == "requested"
    problem_of(mine.post(f"/bookings/{first.pk}/approve"), 403)
    desk = session_api(staff)
    assert desk.post(f"/bookings/{first.pk}/approve").json()["status"] == "booked"
    problem_of(desk.post(f"/bookings/{first.pk}/approve"), 409)
    declined = desk.post(f"/bookings/{second.pk}/decline", {"reason": "Fully booked"}).json()
    assert (declined["status"], declined["cancellation_reason"]) == ("cancelled", "Fully booked")


def test_the_location_api_shows_the_policy(location, pro_a):
    set_policy(location, booking_horizon_days=30, approval_mode=ApprovalMode.KNOWN)
    shown = session_api(pro_a.user).get(f"/locations/{location.pk}").json()
    assert (shown["booking_horizon_days"], shown["approval_mode"]) == (30, "known")
    assert shown["cancellation_deadline_hours"] == 24


def test_the_calendar_menu_approves_and_declines_requests_for_staff_only(
    client, location, room, as_pro, pro_a, staff, at
):
    set_policy(location, approval_mode=ApprovalMode.MANUAL)
    first = as_pro(room, at("09:00"), at("10:00"))
    second = as_pro(room, at("11:00"), at("12:00"))

    def act(booking, action, **data):
        return client.post(reverse("calendar:booking-action", args=[booking.pk, action]), data)

    client.force_login(pro_a.user)
    assert act(first, "approve").status_code == 403
    client.force_login(staff)
    assert act(first, "approve").status_code == 200
    assert act(second, "decline").status_code == 422  # a reason is required
    assert act(second, "decline", reason="Fully booked").status_code == 200
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk]) == ("booked", "cancelled")


def test_a_manager_edits_a_locations_policy_on_its_page_reception_reads_it(
    client, location, staff, manager, pro_a
):
    url = reverse("calendar:location-policy", args=[location.pk])
    good = {
        "cancellation_deadline_hours": "48",
        "booking_horizon_days": "30",
        "portal_min_minutes": "60",
        "portal_max_minutes": "180",
        "approval_mode": "known",
    }
    client.force_login(pro_a.user)
    assert client.post(url, good).status_code == 403
    client.force_login(staff)
    listed = client.get(reverse("calendar:location-policies"))
    assert listed.status_code == 200 and url not in listed.content.decode()
    assert client.post(url, good).status_code == 403
    client.force_login(manager)
    assert url in client.get(reverse("calendar:location-policies")).content.decode()
    bad = client.post(url, {**good, "portal_max_minutes": "45"})
    assert bad.status_code == 200
    assert "The longest booking must not be shorter than the shortest." in bad.content.decode()
    location.refresh_from_db()
    assert (location.cancellation_deadline_hours, location.approval_mode) == (24, "auto")
    assert client.post(url, good).status_code == 302
    location.refresh_from_db()
    assert (
        location.cancellation_deadline_hours,
        location.booking_horizon_days,
        location.portal_min_minutes,
        location.portal_max_minutes,
        location.approval_mode,
    ) == (48, 30, 60, 180, "known")
