"""A booking's admin page says what session it holds (type, session price, how many
patients) and never who the patients are: names are read on the staff patient pages,
where every read is recorded."""

from decimal import Decimal

import pytest
from django.urls import reverse

from patients.models import PatientRead

from ..factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_the_admin_shows_the_session_but_not_the_patients_names(
    admin_browser, book, room, pro_a, at
):
    marina = PatientFactory(first_name="Marina", last_name="Quintanilha")
    booking = book(
        room,
        pro_a,
        at("09:00"),
        at("10:00"),
        session_type="virtual",
        patients=[marina.pk],
        session_price=Decimal("120"),
    )
    page = admin_browser.get(reverse("admin:scheduling_booking_change", args=[booking.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Virtual" in html and "€120.00" in html
    assert "Quintanilha" not in html
    assert not PatientRead.objects.exists()
