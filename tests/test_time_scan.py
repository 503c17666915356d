"""The time scan: a booking at 09:00 local in São Paulo (−03), Lima (−05) and Kiritimati
(+14), looked at on every page and payload that shows it, as staff and as its professional.

Each must show 09:00, never the UTC hour, never the server's hour. The tests' server runs in
Asia/Kathmandu (+05:45, tests/environment.py), a zone none of these locations uses, so a time
formatted in the server's zone instead of its location's shows here as a wrong hour."""

import io
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing.services import issue_statement
from billing.services.statements import email_statement
from portal.models import CalendarFeed
from scheduling import services
from scheduling.models import Booking, BookingChange, Source
from tests.factories import LocationFactory, RoomFactory
from tests.scheduling.test_consumers import cookie_of, fresh_layer, open_stream  # noqa: F401

ZONES = {
    "São Paulo": ("America/Sao_Paulo", "BRL"),
    "Lima": ("America/Lima", "PEN"),
    "Kiritimati": ("Pacific/Kiritimati", "USD"),
}


@pytest.fixture
def places(db):
    """name → (location, room), each open 07:00–22:00."""
    result = {}
    for name, (tz, currency) in ZONES.items():
        location = LocationFactory(name=f"Integra {name}", tz=tz, currency=currency)
        result[name] = (location, RoomFactory(location=location, name=f"Sala {name}"))
    return result


@pytest.fixture
def scan_day(places) -> date:
    """A local day a week ahead in every zone (Kiritimati is already tomorrow)."""
    return timezone.now().astimezone(ZoneInfo("Pacific/Kiritimati")).date() + timedelta(days=7)


@pytest.fixture
def bookings(places, scan_day, pro_a, staff):
    """name → Ana's booking 09:00–10:00 local there."""
    result = {}
    for name, (location, room) in places.items():
        start = datetime.combine(scan_day, time(9), tzinfo=location.zone)
        result[name] = services.book(
            room=room,
            professional=pro_a,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            by=staff,
            source=Source.BACKOFFICE,
        )
        # The history says when the booking was made: at the clock's hour it would read as
        # whatever hour the suite runs at (at 14:xx in Lima that is 09:00 Lima in UTC).
        # Made at 09:00 local a week before, it reads 09:00 too, and is scanned like the rest.
        BookingChange.objects.filter(booking=result[name]).update(at=start - timedelta(days=7))
    return result


def wrong_hours(booking: Booking) -> list[str]:
    """How 09:00 would read if formatted in UTC or in the server's zone."""
    server = ZoneInfo(settings.TIME_ZONE)
    return [
        booking.starts_at.astimezone(UTC).strftime("%H:%M"),
        booking.starts_at.astimezone(server).strftime("%H:%M"),
    ]


READABLE_ATTRIBUTE = re.compile(r'(?:aria-label|title|alt|placeholder)="([^"]*)"')


def readable(html: str) -> str:
    """What a person reads of some HTML: its text and the attributes a screen reader or a
    tooltip says, without the machine data (UTC instants in data-* and form values)."""
    spoken = " ".join(READABLE_ATTRIBUTE.findall(html))
    return re.sub(r"<[^>]*>", " ", html) + " " + spoken


def assert_reads_nine(text: str, booking: Booking, where: str) -> None:
    text = readable(text)
    assert "09:00" in text, f"{where}: 09:00 not shown"
    for hour in wrong_hours(booking):
        assert hour not in text, f"{where}: shows {hour} (UTC or server zone) for 09:00"


def around(html: str, marker: str, width: int = 1500) -> str:
    """The part of a page that belongs to one booking: from its marker onwards (the staff
    calendar also prints every hour of its grid, which would hide a wrong one)."""
    index = html.index(marker)
    return html[index : index + width]


def row_of(html: str, marker: str) -> str:
    """The table row holding `marker`."""
    index = html.index(marker)
    return html[html.rindex("<tr", 0, index) : html.index("</tr>", index)]


def line_of(text: str, marker: str) -> str:
    return next(line for line in text.splitlines() if marker in line)


def card_html(html: str, booking: Booking) -> str:
    index = html.index(f'id="booking-{booking.pk}"')
    start = html.rindex("<", 0, index)
    return html[start : html.index("</article>", index) if "</article>" in html else index + 800]


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def manager_client(manager):
    """Statements and exports are a manager's pages."""
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def ana(pro_a):
    client = Client()
    client.force_login(pro_a.user)
    return client


def text_of_pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("view", ["day", "week"])
def test_the_staff_calendar_shows_each_booking_at_nine_local(
    view, staff_client, places, bookings, scan_day
):
    for name, booking in bookings.items():
        location, _room = places[name]
        html = staff_client.get(
            reverse("calendar:calendar"),
            {"view": view, "date": scan_day.isoformat(), "loc": location.pk},
        ).content.decode()
        assert_reads_nine(card_html(html, booking), booking, f"calendar {view} {name}")


def test_the_staff_booking_popover_shows_nine_local(staff_client, bookings):
    for name, booking in bookings.items():
        fragment = staff_client.get(
            reverse("calendar:booking-fragment", args=[booking.pk])
        ).content.decode()
        assert_reads_nine(fragment, booking, f"booking popover {name}")


def test_the_professionals_staff_page_shows_nine_local(staff_client, bookings, pro_a):
    html = staff_client.get(reverse("professionals:detail", args=[pro_a.pk])).content.decode()
    for name, booking in bookings.items():
        assert_reads_nine(row_of(html, f"Sala {name}"), booking, f"professional page {name}")


def test_the_portal_list_and_booking_page_show_nine_local(ana, bookings):
    home = ana.get(reverse("portal:home")).content.decode()
    for name, booking in bookings.items():
        card = around(home, f'href="/portal/bookings/{booking.pk}/"', 600)
        assert_reads_nine(card, booking, f"portal list {name}")
        page = ana.get(reverse("portal:booking", args=[booking.pk])).content.decode()
        assert_reads_nine(around(page, "<main", 6000), booking, f"portal booking page {name}")
        cancel = ana.get(reverse("portal:booking-cancel", args=[booking.pk])).content.decode()
        assert_reads_nine(around(cancel, "<main", 3000), booking, f"portal cancel page {name}")


def test_the_move_page_says_now_nine_local(ana, bookings):
    for name, booking in bookings.items():
        html = ana.get(reverse("portal:find"), {"booking": booking.pk}).content.decode()
        lead = re.search(r'<p class="lead">(.*?)</p>', html, re.S).group(1)
        assert_reads_nine(lead, booking, f"move page {name}")


def test_the_slot_sheet_shows_the_slot_tapped(ana, places, scan_day):
    """Tapping 09:00 on the day after shows 09:00–10:00, not the UTC or server hour."""
    for name, (location, _room) in places.items():
        start = datetime.combine(scan_day + timedelta(days=1), time(9), tzinfo=location.zone)
        html = ana.get(
            reverse("portal:slot"),
            {"location": location.pk, "starts_at": start.isoformat(), "minutes": 60},
        ).content.decode()
        title = re.search(r'<h2 id="sheet-title">(.*?)</h2>', html, re.S).group(1)
        assert "09:00–10:00" in title, f"slot sheet {name}: {title}"
        probe = Booking(starts_at=start)
        for hour in wrong_hours(probe):
            assert hour not in title
        deadline = re.search(r"free of charge until (.*?)\.", html).group(1)
        assert "09:00" in deadline, f"slot sheet deadline {name}: {deadline}"


def test_money_and_month_pages_show_nine_local(ana, bookings, scan_day):
    month = ana.get(reverse("portal:month"), {"month": scan_day.strftime("%Y-%m")})
    html = month.content.decode()
    for name, booking in bookings.items():
        if f"Sala {name}" in html:
            assert_reads_nine(around(html, f"Sala {name}", 300), booking, f"month {name}")
    money = ana.get(reverse("portal:money")).content.decode()
    for hour in [h for b in bookings.values() for h in wrong_hours(b)]:
        assert f"{hour}–" not in money


def test_the_calendar_feed_gives_nine_in_the_locations_zone(ana, pro_a, bookings):
    ana.post(reverse("portal:feed-issue"))
    feed = CalendarFeed.objects.get(professional=pro_a, revoked_at__isnull=True)
    body = Client().get(reverse("portal:feed-ics", args=[feed.token])).content.decode()
    for booking in bookings.values():
        tz = booking.room.location.tz
        local_day = booking.starts_at.astimezone(booking.room.location.zone).date()
        assert f"DTSTART;TZID={tz}:{local_day:%Y%m%d}T090000" in body


def test_the_api_gives_local_nine_beside_the_utc_instant(pro_a, bookings):
    from accounts.models import ApiToken

    token = ApiToken.issue(pro_a.user, name="scan")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for name, booking in bookings.items():
        body = client.get(f"/api/v1/bookings/{booking.pk}").json()
        assert "T09:00:00" in body["local_starts_at"], f"API {name}: {body}"


def test_the_bookings_csv_shows_nine_local(manager_client, places, bookings, scan_day):
    for name, booking in bookings.items():
        location, _room = places[name]
        csv = manager_client.get(
            reverse("billing:export-csv", args=["bookings"]),
            {"location": location.pk, "start": scan_day, "end": scan_day},
        ).content.decode("utf-8-sig")
        row = next(line for line in csv.splitlines() if f"Sala {name}" in line)
        assert_reads_nine(row, booking, f"CSV {name}")


def test_the_statement_pdf_and_its_email_show_nine_local(pro_a, staff, bookings, scan_day):
    for name, booking in bookings.items():
        statement = issue_statement(
            pro_a,
            scan_day.year,
            scan_day.month,
            currency=booking.currency,
            by=staff,
            source=Source.BACKOFFICE,
        )
        text = text_of_pdf(bytes(statement.pdf))
        assert_reads_nine(line_of(text, f"Sala {name}"), booking, f"statement PDF {name}")
        mail.outbox.clear()
        email_statement(statement)
        (attachment,) = mail.outbox[0].attachments
        assert_reads_nine(
            line_of(text_of_pdf(attachment[1]), f"Sala {name}"), booking, f"email {name}"
        )
        for hour in wrong_hours(booking):
            assert hour not in mail.outbox[0].body


def test_the_admin_change_page_and_history_show_nine_local(admin_client, bookings):
    for name, booking in bookings.items():
        page = admin_client.get(
            reverse("admin:scheduling_booking_change", args=[booking.pk])
        ).content.decode()
        assert_reads_nine(around(page, "<h2>", 4000), booking, f"admin change {name}")
        for hour in wrong_hours(booking):
            assert f'value="{hour}"' not in page
        history = admin_client.get(
            reverse("admin:scheduling_booking_history", args=[booking.pk])
        ).content.decode()
        assert_reads_nine(around(history, 'id="content"', 6000), booking, f"admin history {name}")


@pytest.mark.django_db(transaction=True)
def test_the_live_calendar_message_shows_nine_local(staff, places, pro_a, scan_day):
    cookie = cookie_of(staff)
    location, room = places["Lima"]
    start = datetime.combine(scan_day, time(9), tzinfo=location.zone)

    async def scenario():
        communicator = await open_stream(cookie, location, scan_day)
        booking = await database_sync_to_async(services.book)(
            room=room,
            professional=pro_a,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            by=staff,
            source=Source.BACKOFFICE,
        )
        message = await communicator.receive_json_from(timeout=5)
        assert message["local_day"] == scan_day.isoformat()
        assert_reads_nine(message["html"], booking, "live calendar message")
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_the_billing_page_tells_when_each_statement_was_issued_in_its_locations_zone(
    manager_client, pro_a, staff, bookings, scan_day
):
    statement = issue_statement(
        pro_a, scan_day.year, scan_day.month, currency="PEN", by=staff, source=Source.BACKOFFICE
    )
    html = manager_client.get(
        reverse("billing:overview"), {"month": scan_day.strftime("%Y-%m")}
    ).content.decode()
    row = row_of(html, statement.number)
    lima = statement.issued_at.astimezone(ZoneInfo("America/Lima"))
    server = statement.issued_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    assert f"{lima:%a}, {lima.day} {lima:%b %Y %H:%M}" in row
    assert f"{server.day} {server:%b %Y %H:%M}" not in row
    # The PDF's issue date is Lima's today, not the server's.
    assert f"Issued {statement.issued_at.astimezone(ZoneInfo('America/Lima')):%-d %B %Y}" in (
        text_of_pdf(bytes(statement.pdf))
    )
