"""Privacy scan: professionals A and B both book (and B moves and cancels); then, as A,
fetch every portal page (every URL the portal has, with every booking of A's), every GET
of the API, the portal stream's messages while B changes bookings, A's iCal feed and A's
statement. None may contain B's name, email or phone (or B's notes).

The list of portal pages is read from portal.urls, so a page added later without being
scanned fails this test."""

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing import services as billing
from billing.models import Payment
from integra.api import api
from patients import services as patient_services
from patients.models import Patient
from portal import urls as portal_urls
from portal.models import CalendarFeed
from scheduling import services
from scheduling.models import Source
from tests.portal.conftest import signed_in
from tests.portal.test_portal_stream import open_portal
from tests.scheduling.test_consumers import cookie_of, fresh_layer  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


# B's patient: planted in B's bookings; nothing of them may reach A anywhere.
B_PATIENT = {
    "first_name": "Zuleika",
    "last_name": "Bettencourt",
    "document_type": "cpf",
    "document_number": "39053344705",
    "phone": "+5511987654321",
    "email": "zuleika.b@example.test",
}


def secrets_of(professional) -> list[str]:
    secrets = [professional.name, professional.email, professional.phone, "B-only note"]
    if professional.user.username == "bruno":
        secrets += ["Zuleika", "Bettencourt", "39053344705", "390.533.447-05", "987654321"]
        secrets += ["zuleika.b@example.test"]
    return secrets


def assert_clean(where: str, body: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in body, f"{secret!r} leaked in {where}"


@pytest.fixture
def world(pro_a, pro_b, staff, room, other_room, at, day):
    """A and B book the same rooms on the same days, from the portal; A also has a past,
    executed, paid booking, a statement and a calendar feed."""

    def as_pro(who, room, start, end, **kwargs):
        return services.book(
            room=room,
            professional=who,
            starts_at=at(start),
            ends_at=at(end),
            by=who.user,
            source=Source.PORTAL,
            **kwargs,
        )

    a_patient = patient_services.create_patient(
        {"first_name": "Marina", "last_name": "Alvarenga"}, by=pro_a.user, source=Source.PORTAL
    )
    b_patient = patient_services.create_patient(B_PATIENT, by=pro_b.user, source=Source.PORTAL)
    mine = [
        as_pro(pro_a, room, "09:00", "10:00", patients=[a_patient.pk]),
        as_pro(pro_a, other_room, "11:00", "12:00"),
    ]
    theirs = [
        as_pro(pro_b, other_room, "09:00", "10:00", notes="B-only note", patients=[b_patient.pk]),
        as_pro(pro_b, room, "11:00", "12:00", notes="B-only note", patients=[b_patient.pk]),
    ]
    services.cancel(mine[1], reason="changed plans", by=pro_a.user, source=Source.PORTAL)
    last_month = (timezone.now().replace(day=1) - timedelta(days=1)).astimezone(room.location.zone)
    past_day = last_month.date() - timedelta(days=3)
    past = services.book(
        room=room,
        professional=pro_a,
        starts_at=at("09:00", on=past_day),
        ends_at=at("10:00", on=past_day),
        by=staff,
        source=Source.BACKOFFICE,
        allow_past=True,
    )
    services.mark_executed(past, by=staff, source=Source.BACKOFFICE)
    services.book(
        room=other_room,
        professional=pro_b,
        starts_at=at("09:00", on=past_day),
        ends_at=at("10:00", on=past_day),
        by=staff,
        source=Source.BACKOFFICE,
        allow_past=True,
        notes="B-only note",
    )
    billing.record_payment(
        professional=pro_a,
        amount=Decimal("40.00"),
        currency="EUR",
        method="cash",
        received_on=past_day,
        bookings=[past.pk],
        by=staff,
        source=Source.BACKOFFICE,
    )
    statement = billing.issue_statement(
        pro_a, last_month.year, last_month.month, by=staff, source=Source.BACKOFFICE
    )
    feed = CalendarFeed.issue(pro_a, by=pro_a.user)
    return {
        "mine": mine + [past],
        "theirs": theirs,
        "statement": statement,
        "feed": feed,
        "b_patient": b_patient,
        "a_patient": a_patient,
    }


def portal_requests(world, room, at, day):
    """(url name, GET urls) for every portal URL: each of A's bookings where one is asked."""
    booking_urls = {
        "portal:booking": "bookings/{pk}/",
        "portal:booking-cancel": "bookings/{pk}/cancel/",
        "portal:booking-session": "bookings/{pk}/session/",
    }
    find = reverse("portal:find")
    requests = {
        "portal:home": [reverse("portal:home"), reverse("portal:home") + "?all=1"],
        "portal:find": [
            find,
            f"{find}?day={day}&until={day + timedelta(days=3)}&minutes=60",
            *(f"{find}?booking={b.pk}" for b in world["mine"]),
            f"{find}?day={day}&part=results",
        ],
        "portal:slot": [
            reverse("portal:slot")
            + f"?location={room.location_id}&starts_at={at(clock).isoformat()}&minutes=60".replace(
                "+", "%2B"
            )
            for clock in ("09:00", "11:00", "10:00")
        ],
        "portal:money": [reverse("portal:money")],
        "portal:month": [
            reverse("portal:month"),
            reverse("portal:month") + "?month=" + (day - timedelta(days=31)).strftime("%Y-%m"),
        ],
        "portal:feed": [reverse("portal:feed")],
        "portal:settings": [reverse("portal:settings")],
        "portal:feed-ics": [reverse("portal:feed-ics", args=[world["feed"].token])],
        "portal:manifest": [reverse("portal:manifest")],
        # My patients: the list, searches that would match B's patient, the picker, A's
        # patient's page and form, and "book a session" from it (and with B's patient's id).
        "portal:patients": [
            reverse("portal:patients"),
            *(reverse("portal:patients") + f"?q={q}" for q in ("Zu", "Bettenc", "98765")),
            reverse("portal:patients") + "?q=Ma&part=rows",
        ],
        "portal:patient-new": [reverse("portal:patient-new")],
        "portal:patient-choices": [
            reverse("portal:patient-choices") + q for q in ("", "?q=Zu", "?q=Be", "?q=Ma")
        ],
        "portal:patient": [reverse("portal:patient", args=[world["a_patient"].pk])],
        "portal:patient-edit": [reverse("portal:patient-edit", args=[world["a_patient"].pk])],
        "portal:patient-discreet": [],  # a POST: below
    }
    requests["portal:find"] += [
        f"{find}?patient={world['a_patient'].pk}",
        f"{find}?patient={world['b_patient'].pk}",
    ]
    requests["portal:slot"] += [
        url + f"&patient={world['b_patient'].pk}" for url in requests["portal:slot"]
    ]
    for name in booking_urls:
        requests[name] = [reverse(name, args=[b.pk]) for b in world["mine"]]
    # Writes answer with pages too (a refusal with alternatives, a confirmation): POSTed below.
    requests["portal:book"] = []
    requests["portal:booking-rebook"] = []
    requests["portal:feed-issue"] = []
    requests["portal:feed-revoke"] = []
    return requests


def test_nothing_of_professional_b_reaches_a_anywhere(
    world, pro_a, pro_b, staff, room, other_room, at, day
):
    secrets = secrets_of(pro_b)
    as_a = signed_in(pro_a)
    requests = portal_requests(world, room, at, day)
    names = {f"portal:{p.name}" for p in portal_urls.urlpatterns}
    assert names == set(requests), f"scan every portal URL: {names ^ set(requests)}"
    pages = 0
    for urls in requests.values():
        for url in urls:
            for headers in ({}, {"HX-Request": "true"}):
                response = as_a.get(url, headers=headers)
                assert response.status_code == 200, (url, response.status_code)
                assert_clean(url, response.content.decode(), secrets)
                pages += 1
    assert pages >= 40

    # Write paths answer with pages of their own: a conflict with B's slot (and its
    # alternatives), a move, a rebooking, the feed's new address.
    refused = as_a.post(
        reverse("portal:book"),
        {"room": other_room.pk, "starts_at": at("09:00").isoformat(), "minutes": 60},
    )
    assert refused.status_code == 409
    assert_clean("a conflict with B", refused.content.decode(), secrets)
    for response in (
        as_a.post(
            reverse("portal:book"),
            {"room": room.pk, "starts_at": at("14:00").isoformat(), "minutes": 60},
            follow=True,
        ),
        as_a.post(reverse("portal:booking-rebook", args=[world["mine"][0].pk]), follow=True),
        as_a.post(reverse("portal:feed-issue"), follow=True),
        as_a.post(
            reverse("portal:patient-discreet", args=[world["a_patient"].pk]),
            {"discreet": "1"},
            follow=True,
        ),
        as_a.post(
            reverse("portal:booking-session", args=[world["mine"][0].pk]),
            {"patients": [world["b_patient"].pk]},
        ),
        as_a.post(
            reverse("portal:book"),
            {
                "room": room.pk,
                "starts_at": at("16:00").isoformat(),
                "minutes": 60,
                "patients": [world["b_patient"].pk],
            },
        ),
    ):
        assert response.status_code in (200, 422)
        assert_clean(response.request["PATH_INFO"], response.content.decode(), secrets)

    # The iCal feed, as a calendar app fetches it (no session), and the statement PDF.
    feed = CalendarFeed.live_for(pro_a)
    body = Client().get(reverse("portal:feed-ics", args=[feed.token])).content.decode()
    assert "BEGIN:VEVENT" in body
    assert_clean("the iCal feed", body, secrets)
    pdf = as_a.get(reverse("billing:statement-download", args=[world["statement"].pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert pro_a.name in text
    assert_clean("A's statement", text, secrets)


def test_no_api_answer_to_a_names_b(world, pro_a, pro_b, room, at, day):
    secrets = secrets_of(pro_b)
    as_a = signed_in(pro_a)
    schema = api.get_openapi_schema()
    ids = {
        "location_id": room.location_id,
        "room_id": room.pk,
        "professional_id": pro_a.pk,
        "booking_id": world["mine"][0].pk,
        # A's own payment and statement; staff's operations answer A 403.
        "payment_id": Payment.objects.get(professional=pro_a).pk,
        "statement_id": world["statement"].pk,
        "batch_id": 1,
        "agreement_id": 1,
        "kind": "bookings",
        "patient_id": Patient.objects.get(last_name="Alvarenga").pk,
    }
    since, until = day - timedelta(days=40), day + timedelta(days=3)
    query = {
        "/api/v1/busy": {"from": f"{since}T00:00:00Z", "to": f"{until}T00:00:00Z"},
        "/api/v1/availability": {"from": str(day), "to": str(day)},
        "/api/v1/bookings": {"limit": 500},
        "/api/v1/income": {"month": f"{day.year}-{day.month:02d}"},
        "/api/v1/month-table": {"month": f"{day.year}-{day.month:02d}"},
    }
    scanned, refused = 0, set()
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        url = path.format(**ids)
        response = as_a.get(url, query.get(path, {}))
        assert response.status_code in (200, 403, 404), (url, response.content[:300])
        assert_clean(url, response.content.decode("utf-8", "replace"), secrets)
        if response.status_code == 403:
            refused.add(path)
        scanned += response.status_code == 200
    # Scheduling's 11; the account's and the calendar feed's 4; billing's: A's payments
    # (list and one), charges (list and one), balances (list and A's), statements (list,
    # one and its PDF) and month; patients': A's list, one, their guardians and care team,
    # and A's own revenue agreements.
    assert scanned == 30
    # Staff's reads, refused to a professional (and even the refusal names nobody).
    assert refused == {
        "/api/v1/policies",
        "/api/v1/locations/{location_id}/policy",
        "/api/v1/professionals/{professional_id}/invitations",
        "/api/v1/agreements",
        "/api/v1/agreements/{agreement_id}",
        "/api/v1/billing-policies",
        "/api/v1/billing-policies/{location_id}",
        "/api/v1/exports/{kind}",
        "/api/v1/income",
        "/api/v1/month-table",  # the professionals' month table: a manager's
        "/api/v1/payments/setup",
        "/api/v1/statements/batches/{batch_id}",
        "/api/v1/patients/{patient_id}/export",  # a manager's, on request
        "/api/v1/patient-reads",  # who read what: a manager's
    }
    busy = as_a.get("/api/v1/busy", query["/api/v1/busy"]).json()
    assert len(busy) >= 4  # B's bookings are there, as busy time only
    for booking in world["mine"]:
        detail = as_a.get(f"/api/v1/bookings/{booking.pk}")
        assert_clean(f"booking {booking.pk}", detail.content.decode(), secrets)
    for theirs in world["theirs"]:
        response = as_a.get(f"/api/v1/bookings/{theirs.pk}")
        assert response.status_code == 404
        assert_clean("B's booking id", response.content.decode(), secrets)
    response = as_a.get(f"/api/v1/professionals/{pro_b.pk}")
    assert response.status_code == 404
    assert_clean("B's profile", response.content.decode(), secrets)
    # B's patient's id, guessed, answers as an unknown id would, through every door.
    unknown = as_a.get("/api/v1/patients/999999")
    b_patient = world["b_patient"].pk
    for suffix in ("", "/export", "/guardians", "/care-team"):
        response = as_a.get(f"/api/v1/patients/{b_patient}{suffix}")
        assert response.status_code in (403, 404), suffix
        if not suffix:
            assert response.status_code == unknown.status_code == 404
        assert_clean(f"B's patient{suffix}", response.content.decode(), secrets)
    for search in ("Zul", "Bettencourt", "390533", "98765"):
        response = as_a.get("/api/v1/patients", {"q": search})
        assert response.status_code == 200 and response.json() == [], search


def test_no_stream_message_to_a_names_b(world, pro_a, pro_b, staff, room, other_room, at, day):
    secrets = secrets_of(pro_b)
    cookie = cookie_of(pro_a.user)
    bs_booking = world["theirs"][0]

    def b_changes_things():
        services.move(bs_booking, starts_at=at("16:00"), by=pro_b.user, source=Source.PORTAL)
        services.update_notes(
            bs_booking, notes="B-only note, again", by=pro_b.user, source=Source.PORTAL
        )
        fresh = services.book(
            room=room,
            professional=pro_b,
            starts_at=at("18:00"),
            ends_at=at("19:00"),
            by=pro_b.user,
            source=Source.PORTAL,
            notes="B-only note",
        )
        services.cancel(fresh, reason="B-only note", by=staff, source=Source.BACKOFFICE)
        services.book(
            room=other_room,
            professional=pro_a,
            starts_at=at("18:00"),
            ends_at=at("19:00"),
            by=staff,
            source=Source.BACKOFFICE,
        )

    async def scenario():
        communicator = await open_portal(cookie, room.location, day)
        await database_sync_to_async(b_changes_things)()
        received = []
        while not await communicator.receive_nothing(timeout=1.5):  # until it goes quiet
            received.append(await communicator.receive_from(timeout=5))
        await communicator.disconnect()
        return received

    received = async_to_sync(scenario)()
    kinds = [json.loads(raw)["type"] for raw in received]
    assert kinds.count("busy") == 4 and kinds.count("mine") == 1, kinds
    for raw in received:
        assert_clean("a portal stream message", raw, secrets)
        assert str(bs_booking.pk) not in json.loads(raw).values()
