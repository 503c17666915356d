"""The demo data command: three zones, everything made through the booking service, every
booking state present, never a double booking, and a second run changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from billing.models import RevenueAgreement
from patients.models import Patient
from professionals.models import Professional
from scheduling.models import Booking, BookingChange, BookingStatus, Location, Room
from tests.conftest import assert_claims_mirror_bookings, assert_no_double_booking

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_has_three_zones_and_every_booking_state_without_double_booking():
    printed = seed("--bookings", "80")

    assert sorted(Location.objects.values_list("tz", "currency")) == [
        ("America/Lima", "PEN"),
        ("America/Sao_Paulo", "BRL"),
        ("Europe/Lisbon", "EUR"),
    ]
    assert Room.objects.filter(is_virtual=False).count() == 15
    # Each location's Online lane, made by its first virtual session.
    assert Room.objects.filter(is_virtual=True).count() == 3
    assert Professional.objects.count() == 25
    assert Booking.objects.count() == 80
    assert set(Booking.objects.values_list("status", flat=True)) == set(BookingStatus.values)
    assert not Location.objects.filter(opening_hours__weekday=6).exists()  # Sundays closed
    # Made through the service: every booking has its history.
    assert BookingChange.objects.filter(action__in=["booked", "requested"]).count() == 80
    assert_no_double_booking()
    assert_claims_mirror_bookings()
    # Patients: 400, the minors among them with a responsible adult receiving messages,
    # every one in a care team; sessions on most bookings; half the professionals on a
    # commission.
    assert Patient.objects.count() == 400
    minors = [p for p in Patient.objects.all() if p.is_minor]
    assert minors and all(
        any(link.receives_messages and not link.guardian.is_minor for link in p.guardians.all())
        for p in minors
    )
    assert not Patient.objects.filter(care_links__isnull=True).exists()
    with_patients = Booking.objects.filter(patients__isnull=False).distinct().count()
    assert with_patients > 80 / 2
    assert Booking.objects.filter(session_type="virtual").exists()
    on_commission = RevenueAgreement.objects.exclude(model="rent").values("professional")
    assert 10 <= on_commission.distinct().count() <= 15
    assert "reception" in printed and "ana" in printed and "integra-demo" in printed


def test_the_printed_demo_logins_work():
    seed("--bookings", "5")

    # As a login form asks (login throttling needs the request).
    request = RequestFactory().post("/admin/login/")
    reception = authenticate(request, username="reception", password="integra-demo")
    manager = authenticate(request, username="manager", password="integra-demo")
    admin = authenticate(request, username="admin", password="integra-demo")
    ana = authenticate(request, username="ana", password="integra-demo")

    assert reception.is_staff and not reception.is_superuser
    assert [g.name for g in reception.groups.all()] == ["reception"]
    assert reception.has_perm("scheduling.add_booking")
    assert not reception.has_perm("billing.reverse_payment")
    assert manager.is_staff and not manager.is_superuser
    assert manager.has_perm("billing.reverse_payment") and manager.has_perm("auth.change_user")
    assert admin.is_superuser
    assert ana.professional.name == "Ana Alves" and not ana.is_staff


# --reset empties the database (flush), which PostgreSQL refuses inside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_a_second_run_changes_nothing_and_reset_starts_again():
    seed("--bookings", "30")
    before = sorted(Booking.objects.values_list("pk", "starts_at", "status"))

    printed = seed("--bookings", "30")
    assert "already" in printed
    assert sorted(Booking.objects.values_list("pk", "starts_at", "status")) == before

    seed("--reset", "--bookings", "12")
    assert Booking.objects.count() == 12
    assert Location.objects.count() == 3
    assert_no_double_booking()


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_demo():
    seed("--bookings", "25", "--seed", "7")
    first = sorted(Booking.objects.values_list("room__name", "professional__name", "starts_at"))

    seed("--reset", "--bookings", "25", "--seed", "7")
    again = sorted(Booking.objects.values_list("room__name", "professional__name", "starts_at"))

    assert again == first
