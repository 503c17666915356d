"""The portal's My money reads billing's ledger: what a professional is told they owe, were
charged and paid is what the staff billing page says, late cancellation fees included."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services as billing
from scheduling import services
from scheduling.models import Source
from tests.factories import LocationFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lima(db):
    # A long free-cancellation window, so a booking days ahead is cancelled late.
    return LocationFactory(
        name="Integra Miraflores",
        tz="America/Lima",
        currency="PEN",
        cancellation_deadline_hours=10 * 24,
    )


@pytest.fixture
def month_of_ana(lima, pro_a, staff):
    """In Lima, at 100 PEN an hour: a session done and a no-show this week, a booking in
    three days cancelled late by Ana (50 %), one in five days still ahead, and a part
    payment of 70 PEN."""
    room = RoomFactory(location=lima, name="Sala Inca", hourly_price=Decimal("100.00"))
    today = timezone.now().astimezone(lima.zone).date()
    staff_says = {"by": staff, "source": Source.BACKOFFICE}

    def hour(days: int, clock: int, **kwargs):
        start = datetime.combine(today + timedelta(days=days), time(clock), lima.zone)
        return services.book(
            room=room,
            professional=pro_a,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            **staff_says,
            **kwargs,
        )

    services.mark_executed(hour(-3, 9, allow_past=True), **staff_says)
    services.mark_no_show(hour(-2, 11, allow_past=True), **staff_says)
    late = services.cancel(hour(3, 9), reason="a course", by=pro_a.user, source=Source.PORTAL)
    assert late.cancelled_late
    ahead = hour(5, 9)
    billing.record_payment(
        professional=pro_a,
        amount="70.00",
        currency="PEN",
        method="cash",
        received_on=today,
        **staff_says,
    )
    return {"late": late, "ahead": ahead}


def billing_row(page: str, name: str) -> tuple[str, str, str]:
    """(charged, paid, balance) of `name`'s row on the billing page."""
    row = re.search(
        rf">{name}</a></td>\s*<td class=\"num\">(.*?)</td>\s*<td class=\"num\">(.*?)</td>"
        r"\s*<td class=\"num\"><strong>(.*?)</strong>",
        page,
    )
    assert row, f"no billing row for {name}"
    return row.groups()


def portal_tile(page: str, currency: str) -> dict[str, str]:
    tile = re.search(rf'data-currency="{currency}">(.*?)</div>', page, re.S)
    assert tile, f"no {currency} tile"
    text = tile.group(1)
    return {
        "label": re.search(r'tile-label">(.*?)<', text).group(1),
        "owed": re.search(r'tile-value">(.*?)<', text).group(1),
        "charged": re.search(r"Charged so far: (.*?)<", text).group(1),
        "paid": re.search(r"Paid so far: (.*?)<", text).group(1),
        "ahead": re.search(r"Booked ahead: (.*?)<", text).group(1),
    }


def test_the_portal_shows_the_same_owed_charged_and_paid_as_the_billing_page(
    client, staff, as_a, month_of_ana
):
    client.force_login(staff)
    charged, paid, balance = billing_row(
        client.get(reverse("billing:overview")).content.decode(), "Ana Alves"
    )
    portal = as_a.get(reverse("portal:money")).content.decode()
    tile = portal_tile(portal, "PEN")
    assert (tile["charged"], tile["paid"], tile["owed"]) == (charged, paid, balance)
    # 100 done + 100 no-show + 50 late cancellation, less 70 paid; the hour ahead apart.
    assert (charged, paid, balance) == ("PEN250.00", "PEN70.00", "PEN180.00")
    assert tile["label"] == "I owe now"
    assert tile["ahead"] == "PEN100.00"  # the booking still ahead, not the late fee
    # The late cancellation's fee is due now: it is listed among what is unpaid.
    due = portal.split('id="open-h"', 1)[1].split("</section>", 1)[0]
    assert f'id="card-{month_of_ana["late"].pk}"' in due
    assert f'id="card-{month_of_ana["ahead"].pk}"' not in due
