"""Cross-door access matrix for patient data: every door through which a patient's data can
leave Integra (staff pages, calendar partials and JSON, exports, the admin, the REST API,
statements, the month table, the iCal feed, the live streams), asked by each actor.

The world: patient P, "Zuleika Bettencourt" (a CPF and a phone), in professional A's care
team only, with a booking of A's; one case of each calendar door has P marked discreet by
A. The rule (patients.access):

- a professional reads only the patients of their own care team: nothing of P ever reaches
  professional B, and P's ids answer B exactly as an unknown id does (404 where B passes
  the door at all), so ids cannot be probed;
- staff (reception, manager) read patients to run the clinic; on the calendar doors a
  discreet patient is "Zuleika B." to them;
- exports and erasure are a manager's (patients.export_patient, patients.erase_patient),
  and so is the list of who read what;
- every answer that shows P's name (a record, a list, a search, an export, a calendar
  card, a statement) leaves PatientRead rows of the door's kind by the reader, and one that
  shows nothing of P leaves none;
- anonymous visitors are sent to log in (401 on the API, 403 on the calendar's JSON
  endpoints, which scripts call), and a refused request changes nothing.

The live staff stream draws a booking's card once for all its sockets; each socket that is
sent the card is recorded as a calendar read by its own viewer, in one insert per change
(backoffice/consumers.py). The portal stream never carries names.

Rows are `Door(name, ask, expect)`: `ask(world, client, ids)` makes the request, `expect`
says what each actor gets. Portal pages for a professional's own patients add rows here
(they expect FULL for A, 404 for B) without touching the test."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.audit import Actor
from billing.models import RevenueAgreement
from billing.services import issue_statement
from integra.asgi import application
from patients import services as patient_services
from patients.access import record_reads
from patients.models import Patient, PatientRead, ReadKind
from portal.models import CalendarFeed
from scheduling import services
from scheduling.models import SessionType, Source
from tests.api.conftest import session_api
from tests.backoffice.test_patient_pages import snapshot as patients_snapshot
from tests.conftest import snapshot as bookings_snapshot
from tests.factories import PatientFactory
from tests.scheduling.test_consumers import cookie_of, fresh_layer  # noqa: F401

ANONYMOUS, PRO_A, PRO_B, RECEPTION, MANAGER = "anonymous", "pro_a", "pro_b", "reception", "manager"
ACTORS = (ANONYMOUS, PRO_A, PRO_B, RECEPTION, MANAGER)
UNKNOWN = 999_999

P = {
    "first_name": "Zuleika",
    "last_name": "Bettencourt",
    "document_type": "cpf",
    "document_number": "390.533.447-05",
    "phone": "+55 11 98765-4321",
    "email": "zuleika.b@example.test",
}
SHORT_NAME = "Zuleika B."
# What of P is never shown where P is not to be read: name parts, document, phone, email.
SECRETS = ("Zuleika", "Bettencourt", "39053344705", "390.533.447-05", "98765", "zuleika.b@")
# What a discreet patient's card never shows reception.
DISCREET_SECRETS = SECRETS[1:]

FULL, SHORT, NOTHING = "full", "short", "nothing"


@dataclass(frozen=True)
class Expect:
    status: int
    sees: str = NOTHING  # FULL: P's full name; SHORT: "Zuleika B." only; NOTHING: none of P
    kind: str | None = None  # the PatientRead kind the answer leaves, by the reader

    @property
    def refused(self) -> bool:
        return self.status >= 300 and self.kind is None


@dataclass(frozen=True)
class Door:
    name: str
    ask: Callable  # (world, client, ids) → response (or Answer)
    expect: dict[str, Expect]
    probes: bool = False  # asked again with unknown ids: the same answer for B
    writes: bool = False  # allowed answers may change rows; refused ones never do
    discreet: bool = False  # P marked discreet by A first
    needs: tuple[str, ...] = ()  # fixtures the door's request needs besides the world


@dataclass
class Answer:
    status: int
    text: str


@dataclass
class World:
    patient: Patient
    other: Patient
    booking: object
    local_day: date
    users: dict = field(default_factory=dict)
    statement: object = None

    def ids(self) -> dict:
        ids = {"patient": self.patient.pk, "booking": self.booking.pk}
        if self.statement is not None:
            ids["statement"] = self.statement.pk
        return ids


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf") and content:
        reader = PdfReader(io.BytesIO(content))
        return "\n".join(page.extract_text() for page in reader.pages)
    return content.decode("utf-8", "replace")


# ---------------------------------------------------------------- what each actor gets


def _table(anonymous, pro_a, pro_b, reception, manager) -> dict[str, Expect]:
    return dict(zip(ACTORS, (anonymous, pro_a, pro_b, reception, manager), strict=True))


def staff_page(kind, sees=FULL):
    """A staff page: professionals get the staff-only 403 whatever the id."""
    return _table(
        Expect(302), Expect(403), Expect(403), Expect(200, sees, kind), Expect(200, sees, kind)
    )


def manager_page(kind, sees=FULL, status=200):
    return _table(Expect(302), Expect(403), Expect(403), Expect(403), Expect(status, sees, kind))


def calendar_json(kind, sees=FULL):
    """The calendar's script endpoints: 403 JSON for anyone not staff (no login loop)."""
    return _table(
        Expect(403), Expect(403), Expect(403), Expect(200, sees, kind), Expect(200, sees, kind)
    )


def admin_page(kind):
    """The admin: its login for anonymous visitors, the staff-only 403 for professionals."""
    return _table(
        Expect(302), Expect(403), Expect(403), Expect(200, FULL, kind), Expect(200, FULL, kind)
    )


def api_record(kind, sees=FULL, status=200):
    """A patient's API door: A and staff read P, B gets the unknown id's 404."""
    allowed = Expect(status, sees, kind)
    return _table(Expect(401), allowed, Expect(404), allowed, allowed)


def api_manager(kind, sees=FULL):
    return _table(Expect(401), Expect(403), Expect(403), Expect(403), Expect(200, sees, kind))


# ---------------------------------------------------------------- the requests


def get(name, *args, query=None, htmx=False):
    def ask(world, client, ids):
        url = reverse(name, args=[ids[a] for a in args])
        return client.get(url, query or {}, headers={"HX-Request": "true"} if htmx else {})

    return ask


def calendar_grid(view):
    def ask(world, client, ids):
        query = {"view": view, "date": str(world.booking.starts_at.date())}
        query["loc"] = world.booking.room.location_id
        return client.get(reverse("calendar:calendar"), query, headers={"HX-Request": "true"})

    return ask


def patient_choices(typed):
    def ask(world, client, ids):
        query = {"professional": world.booking.professional_id, "q": typed}
        return client.get(reverse("calendar:patient-choices"), query)

    return ask


def booking_session_post(world, client, ids):
    url = reverse("calendar:booking-session", args=[ids["booking"]])
    return client.post(url, {"patients": str(world.patient.pk)})


def patient_edit_post(world, client, ids):
    values = {"first_name": "Zuleika", "last_name": "Bettencourt", "notes": "changed"}
    return client.post(reverse("patients:edit", args=[ids["patient"]]), values)


def guardian_search(world, client, ids):
    url = reverse("patients:guardian-search", args=[world.other.pk])
    return client.get(url, {"q": "Bettenc"})


def admin(path):
    def ask(world, client, ids):
        return client.get(path.format(**ids))

    return ask


def api(method, path, body=None, **params):
    def ask(world, client, ids):
        caller = session_api(getattr(client, "user", None))
        url = path.format(**ids)
        if method == "GET":
            return caller.get(url, **params)
        return caller.call(method, url, body)

    return ask


def own_feed(world, client, ids):
    """Each professional's own feed (the token is the key); others guess one."""
    user = getattr(client, "user", None)
    professional = getattr(user, "professional", None) if user is not None else None
    token = CalendarFeed.issue(professional, by=user).token if professional else "guessed"
    return Client().get(reverse("portal:feed-ics", args=[token]))


def portal_page(kind):
    """A portal page: A reads P on it (recorded); B gets the page with nothing of P; staff
    are sent to their calendar, anonymous visitors to the login."""
    return _table(Expect(302), Expect(200, FULL, kind), Expect(200), Expect(302), Expect(302))


def portal_record(kind):
    """A portal page about P (or A's booking with P): B gets the unknown id's 404."""
    return _table(Expect(302), Expect(200, FULL, kind), Expect(404), Expect(302), Expect(302))


def portal_discreet_post(world, client, ids):
    return client.post(reverse("portal:patient-discreet", args=[ids["patient"]]), {"discreet": "1"})


def portal_find_for_p(world, client, ids):
    query = {"patient": ids["patient"], "location": world.booking.room.location_id}
    return client.get(reverse("portal:find"), query)


def portal_slot_for_p(world, client, ids):
    starts_at = world.booking.starts_at + timedelta(hours=3)
    query = {
        "location": world.booking.room.location_id,
        "starts_at": starts_at.isoformat(),
        "minutes": 60,
        "patient": ids["patient"],
    }
    return client.get(reverse("portal:slot"), query)


HTTP_DOORS = [
    Door("patients:list", get("patients:list"), staff_page(ReadKind.LIST)),
    Door(
        "patients:list search",
        get("patients:list", query={"q": "ettenc"}),
        staff_page(ReadKind.SEARCH),
    ),
    Door("patients:list rows", get("patients:list", htmx=True), staff_page(ReadKind.LIST)),
    Door("patients:detail", get("patients:detail", "patient"), staff_page(ReadKind.RECORD), True),
    Door("patients:edit", get("patients:edit", "patient"), staff_page(ReadKind.RECORD), True),
    Door(
        "patients:edit POST",
        patient_edit_post,
        _table(
            Expect(302),
            Expect(403),
            Expect(403),
            Expect(302, NOTHING, ReadKind.RECORD),
            Expect(302, NOTHING, ReadKind.RECORD),
        ),
        probes=True,
        writes=True,
    ),
    Door("patients:guardian-search", guardian_search, staff_page(ReadKind.SEARCH)),
    Door(
        "patients:export-json",
        get("patients:export-json", "patient"),
        manager_page(ReadKind.EXPORT),
        True,
    ),
    Door(
        "patients:export-pdf",
        get("patients:export-pdf", "patient"),
        manager_page(ReadKind.EXPORT),
        True,
    ),
    Door("patients:export-new", get("patients:export-new"), manager_page(ReadKind.EXPORT)),
    Door("patients:erase", get("patients:erase", "patient"), manager_page(ReadKind.RECORD), True),
    Door("patients:reads", get("patients:reads"), manager_page(ReadKind.LIST)),
    Door("calendar day", calendar_grid("day"), staff_page(ReadKind.CALENDAR)),
    Door(
        "calendar day discreet",
        calendar_grid("day"),
        staff_page(ReadKind.CALENDAR, SHORT),
        discreet=True,
    ),
    Door("calendar week", calendar_grid("week"), staff_page(ReadKind.CALENDAR)),
    Door(
        "calendar week discreet",
        calendar_grid("week"),
        staff_page(ReadKind.CALENDAR, SHORT),
        discreet=True,
    ),
    Door("calendar:patient-choices search", patient_choices("Zul"), calendar_json(ReadKind.SEARCH)),
    Door(
        "calendar:patient-choices search discreet",
        patient_choices("Zul"),
        calendar_json(ReadKind.SEARCH, SHORT),
        discreet=True,
    ),
    Door("calendar:patient-choices recent", patient_choices(""), calendar_json(ReadKind.LIST)),
    Door(
        "calendar:booking-session-details",
        get("calendar:booking-session-details", "booking"),
        calendar_json(ReadKind.CALENDAR),
        True,
    ),
    Door(
        "calendar:booking-session-details discreet",
        get("calendar:booking-session-details", "booking"),
        calendar_json(ReadKind.CALENDAR, SHORT),
        True,
        discreet=True,
    ),
    Door(
        "calendar:booking-fragment",
        get("calendar:booking-fragment", "booking"),
        calendar_json(ReadKind.CALENDAR),
        True,
    ),
    Door(
        "calendar:booking-fragment discreet",
        get("calendar:booking-fragment", "booking"),
        calendar_json(ReadKind.CALENDAR, SHORT),
        True,
        discreet=True,
    ),
    Door(
        "calendar:booking-session POST",
        booking_session_post,
        calendar_json(ReadKind.CALENDAR),
        True,
        writes=True,
    ),
    Door(
        "calendar:booking-payment",
        get("calendar:booking-payment", "booking"),
        calendar_json(None, NOTHING),
        True,
    ),
    Door(
        "calendar:booking-cancel",
        get("calendar:booking-cancel", "booking"),
        calendar_json(None, NOTHING),
        True,
    ),
    Door("admin patients", admin("/admin/patients/patient/"), admin_page(ReadKind.LIST)),
    Door(
        "admin patient",
        admin("/admin/patients/patient/{patient}/change/"),
        admin_page(ReadKind.RECORD),
        True,
    ),
    Door(
        "api patients_list",
        api("GET", "/patients"),
        {**api_record(ReadKind.LIST), PRO_B: Expect(200)},
    ),
    Door(
        "api patients_list search",
        api("GET", "/patients", q="ettenc"),
        {**api_record(ReadKind.SEARCH), PRO_B: Expect(200)},
    ),
    Door("api patients_get", api("GET", "/patients/{patient}"), api_record(ReadKind.RECORD), True),
    Door(
        "api patient_guardians_list",
        api("GET", "/patients/{patient}/guardians"),
        api_record(ReadKind.RECORD, NOTHING),
        True,
    ),
    Door(
        "api patient_care_team_list",
        api("GET", "/patients/{patient}/care-team"),
        api_record(ReadKind.RECORD, NOTHING),
        True,
    ),
    Door(
        "api patients_export",
        api("GET", "/patients/{patient}/export"),
        api_manager(ReadKind.EXPORT),
        True,
    ),
    Door("api patient_reads_list", api("GET", "/patient-reads"), api_manager(None, NOTHING)),
    Door(
        "api patients_update",
        api("PATCH", "/patients/{patient}", {"notes": "changed"}),
        api_record(ReadKind.RECORD),
        True,
        writes=True,
    ),
    Door(
        "api patients_erase",
        api("POST", "/patients/{patient}/erase"),
        api_manager(ReadKind.RECORD, NOTHING),
        True,
        writes=True,
    ),
    Door(
        "api bookings list",
        api("GET", "/bookings"),
        {**api_record(None, NOTHING), PRO_B: Expect(200)},
    ),
    Door("api bookings get", api("GET", "/bookings/{booking}"), api_record(None, NOTHING), True),
    Door(
        "api update_booking_session",
        api("PATCH", "/bookings/{booking}/session", {"patients": []}),
        api_record(None, NOTHING),
        True,
        writes=True,
    ),
    Door(
        "billing:statement-download",
        get("billing:statement-download", "statement"),
        _table(
            Expect(302),
            Expect(200, FULL, ReadKind.EXPORT),
            Expect(404),
            Expect(404),
            Expect(200, FULL, ReadKind.EXPORT),
        ),
        True,
        needs=("statement",),
    ),
    Door(
        "api statement pdf",
        api("GET", "/statements/{statement}/pdf"),
        _table(
            Expect(401),
            Expect(200, FULL, ReadKind.EXPORT),
            Expect(404),
            Expect(404),
            Expect(200, FULL, ReadKind.EXPORT),
        ),
        True,
        needs=("statement",),
    ),
    Door(
        "billing:month-table",
        get("billing:month-table"),
        manager_page(None, NOTHING),
        needs=("statement",),
    ),
    Door(
        "billing:month-table-csv",
        get("billing:month-table-csv"),
        manager_page(None, NOTHING),
        needs=("statement",),
    ),
    Door(
        "billing:export-csv bookings",
        lambda world, client, ids: client.get(reverse("billing:export-csv", args=["bookings"])),
        manager_page(None, NOTHING),
    ),
    Door(
        "portal:booking",
        get("portal:booking", "booking"),
        portal_record(ReadKind.LIST),
        True,
    ),
    Door(
        "portal:booking-session",
        get("portal:booking-session", "booking"),
        portal_record(ReadKind.LIST),
        True,
    ),
    Door("portal:home", get("portal:home"), portal_page(ReadKind.LIST)),
    Door("portal:patients", get("portal:patients"), portal_page(ReadKind.LIST)),
    Door(
        "portal:patients search",
        get("portal:patients", query={"q": "Zul", "part": "rows"}, htmx=True),
        portal_page(ReadKind.SEARCH),
    ),
    Door("portal:patient", get("portal:patient", "patient"), portal_record(ReadKind.RECORD), True),
    Door(
        "portal:patient-edit",
        get("portal:patient-edit", "patient"),
        portal_record(ReadKind.RECORD),
        True,
    ),
    Door(
        "portal:patient-discreet",
        portal_discreet_post,
        _table(
            Expect(302),
            Expect(302, NOTHING, ReadKind.RECORD),
            Expect(404),
            Expect(302),
            Expect(302),
        ),
        True,
        writes=True,
    ),
    Door(
        "portal:patient-choices recent", get("portal:patient-choices"), portal_page(ReadKind.LIST)
    ),
    Door(
        "portal:patient-choices search",
        get("portal:patient-choices", query={"q": "Zu"}),
        portal_page(ReadKind.SEARCH),
    ),
    Door("portal:find for P", portal_find_for_p, portal_page(ReadKind.LIST)),
    Door("portal:slot for P", portal_slot_for_p, portal_page(ReadKind.LIST)),
    Door(
        "portal:feed-ics",
        own_feed,
        _table(Expect(404), Expect(200), Expect(200), Expect(404), Expect(404)),
    ),
]


# ---------------------------------------------------------------- the world


@pytest.fixture
def world(pro_a, pro_b, staff, manager, room, at, book, day):
    patient = patient_services.create_patient(P, by=pro_a.user, source=Source.PORTAL, region="BR")
    # Another patient of A's: the guardian search's starting point.
    other = PatientFactory(first_name="Tomás", last_name="Quaresma", birth_date=date(2016, 3, 3))
    booking = book(room, pro_a, at("09:00"), at("10:00"), patients=[patient.pk])
    # One read already on file, so "who read what" has a row naming P.
    record_reads(Actor(staff, Source.BACKOFFICE), [patient.pk], ReadKind.RECORD)
    users = {PRO_A: pro_a.user, PRO_B: pro_b.user, RECEPTION: staff, MANAGER: manager}
    return World(patient=patient, other=other, booking=booking, local_day=day, users=users)


@pytest.fixture
def statement(world, room, at, book, manager):
    """A's statement for last month naming P: a commission agreement and an executed,
    priced session with P."""
    professional = world.booking.professional
    local_today = timezone.now().astimezone(room.location.zone).date()
    past_day = local_today.replace(day=1) - timedelta(days=3)
    RevenueAgreement.objects.create(
        professional=professional,
        valid_from=past_day - timedelta(days=30),
        model="commission",
        clinic_share_percent=Decimal("30"),
        collector="professional",
    )
    session = book(
        room,
        professional,
        at("09:00", on=past_day),
        at("10:00", on=past_day),
        allow_past=True,
        session_price=Decimal("200.00"),
        patients=[world.patient.pk],
        session_type=SessionType.ON_SITE,
    )
    services.mark_executed(session, by=manager, source=Source.BACKOFFICE)
    world.statement = issue_statement(
        professional, past_day.year, past_day.month, by=manager, source=Source.BACKOFFICE
    )
    return world.statement


def client_of(world, actor) -> Client:
    client = Client()
    client.user = world.users.get(actor)
    if client.user is not None:
        client.force_login(client.user)
    return client


def ask(door, world, client, ids) -> Answer:
    response = door.ask(world, client, ids)
    return Answer(response.status_code, text_of(response))


def reads_of_p(world, since_pk: int) -> set[tuple[str, int | None]]:
    rows = PatientRead.objects.filter(patient=world.patient, pk__gt=since_pk)
    return set(rows.values_list("kind", "by_id"))


def changes() -> tuple:
    return bookings_snapshot(), patients_snapshot()


def assert_none_of(secrets, body: str, where: str) -> None:
    for secret in secrets:
        assert secret not in body, f"{secret!r} reached {where}"


def assert_seen(expect: Expect, body: str, where: str) -> None:
    if expect.sees == FULL:
        assert "Zuleika" in body and "Bettencourt" in body, f"P's name missing from {where}"
    elif expect.sees == SHORT:
        assert SHORT_NAME in body, f"{SHORT_NAME!r} missing from {where}"
        assert_none_of(DISCREET_SECRETS, body, where)
    else:
        assert_none_of(SECRETS, body, where)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("door", HTTP_DOORS, ids=lambda door: door.name)
def test_each_door_gives_each_actor_only_what_the_rule_allows(door, actor, world, request):
    for name in door.needs:
        request.getfixturevalue(name)
    if door.discreet:
        patient_services.set_discreet(
            world.patient, world.booking.professional, True, by=None, source=Source.SYSTEM
        )
    expect = door.expect[actor]
    client = client_of(world, actor)
    where = f"{door.name} as {actor}"
    last_read = PatientRead.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before = changes()

    answer = ask(door, world, client, world.ids())

    assert answer.status == expect.status, f"{where}: {answer.status} {answer.text[:300]}"
    assert_seen(expect, answer.text, where)
    user = world.users.get(actor)
    wanted = {(expect.kind, user.pk)} if expect.kind else set()
    assert reads_of_p(world, last_read) == wanted, where
    if expect.refused or not door.writes:
        assert changes() == before, f"{where} changed rows"
    if door.probes and expect.refused:
        # The answer to unknown ids, word for word (but the ids, the nonce and the CSRF token): P's
        # ids tell B nothing.
        unknown = ask(door, world, client, dict.fromkeys(world.ids(), UNKNOWN))
        assert (unknown.status, neutral(unknown.text)) == (answer.status, neutral(answer.text))


def neutral(text: str) -> str:
    text = re.sub(r'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"', "", text)
    return re.sub(r"\d+", "#", text)


# ---------------------------------------------------------------- the live streams


@dataclass(frozen=True)
class Stream:
    name: str
    path: str
    expect: dict[str, Expect]  # status 101: connected and sent the change; 403: refused
    discreet: bool = False


def live(sees):
    return _table(
        Expect(403), Expect(403), Expect(403), *[Expect(101, sees, ReadKind.CALENDAR)] * 2
    )


STREAMS = [
    Stream("staff stream", "/ws/calendar/", live(FULL)),
    Stream("staff stream discreet", "/ws/calendar/", live(SHORT), discreet=True),
    # A professional's stream names nobody, not even to A: "mine" and "busy" carry no names.
    Stream(
        "portal stream",
        "/ws/portal/",
        _table(Expect(403), Expect(101), Expect(101), Expect(403), Expect(403)),
    ),
]


async def _reads_settle(world, since_pk: int, wanted: int) -> set:
    """The stream records after sending: wait (a bounded number of turns) for the rows."""
    for _turn in range(100):
        found = await database_sync_to_async(reads_of_p)(world, since_pk)
        if len(found) >= wanted:
            return found
        await asyncio.sleep(0.02)
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("door", STREAMS, ids=lambda door: door.name)
def test_each_live_stream_gives_each_actor_only_what_the_rule_allows(door, actor, world, staff):
    if door.discreet:
        patient_services.set_discreet(
            world.patient, world.booking.professional, True, by=None, source=Source.SYSTEM
        )
    expect = door.expect[actor]
    user = world.users.get(actor)
    where = f"{door.name} as {actor}"
    booking = world.booking
    last_read = PatientRead.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def a_change():
        services.update_notes(booking, notes="moved chairs", by=staff, source=Source.BACKOFFICE)

    async def scenario():
        headers = [(b"origin", b"http://testserver")]
        if user is not None:
            headers.append((b"cookie", await database_sync_to_async(cookie_of)(user)))
        communicator = WebsocketCommunicator(application, door.path, headers=headers)
        connected, _code = await communicator.connect()
        if not connected:
            # Let the refused consumer end (its channel layer receive with it) before the
            # loop closes: left running, cancelling it could hang on Redis.
            await communicator.disconnect()
            return 403, "", set()
        location = await database_sync_to_async(lambda: booking.room.location)()
        await communicator.send_json_to(
            {
                "type": "subscribe",
                "locations": [location.pk],
                "first_day": str(world.local_day),
                "last_day": str(world.local_day),
            }
        )
        assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
        await database_sync_to_async(a_change)()
        received = await communicator.receive_from(timeout=5)
        reads = await _reads_settle(world, last_read, 1 if expect.kind else 0)
        await communicator.disconnect()
        return 101, received, reads

    status, received, reads = async_to_sync(scenario)()

    assert status == expect.status, where
    assert_seen(expect, received, where)
    wanted = {(expect.kind, user.pk)} if expect.kind and status == 101 else set()
    assert reads == wanted, where
