"""The language scan: in Brazilian Portuguese, European Portuguese and Spanish, every staff
page, every portal page, the admin's pages for our models, each kind of email, a statement
PDF (its text) and the CSV exports. None may contain an English source string of ours —
read from the catalogue's msgids, not a hand list — nor a date or an amount in the English
format.

Each user reads the language they chose (accounts.Preferences), which the pages, the PDF
and the emails must all follow. Names the clinic typed (rooms, locations, people, notes)
are data, not our strings, and are left out of the comparison."""

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts import languages
from billing import services as billing
from patients import services as patient_services
from portal.models import CalendarFeed
from scheduling import services
from scheduling.models import Source
from tests.accounts.test_role_matrix import STAFF_PAGES
from tests.factories import LocationFactory, RoomFactory
from tests.portal.test_privacy_scan import portal_requests

pytestmark = pytest.mark.django_db

LANGUAGES = {"pt-br": "pt_BR", "pt-pt": "pt_PT", "es": "es"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>|&\w+;|\n")
ENGLISH_DATE = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|June|July|August|September|October|November|December"
    r"|Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)
# "€40.00", "R$40.00": a symbol glued to its number is how English writes an amount.
ENGLISH_AMOUNT = re.compile(r"(?:€|R\$|US\$|S/)\d")
# "1,234.50" / "40.00": Portuguese writes a decimal comma.
POINT_DECIMAL = re.compile(r"(?<![\d.,:])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d.])")
READABLE_ATTRIBUTE = re.compile(r'(?:aria-label|title|alt|placeholder|value)="([^"]*)"')


def english_fragments(language: str) -> list[str]:
    """The English pieces of our catalogue that `language` translates (a msgid split at
    its placeholders and markup), longest first; words the translation keeps are left out
    (Pix, PDF, Portal...)."""
    path = Path(settings.BASE_DIR) / "locale" / LANGUAGES[language] / "LC_MESSAGES" / "django.po"
    with path.open("rb") as file:
        catalog = read_po(file)
    fragments = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated = " ".join(strings)
        for msgid in ids:
            for piece in PLACEHOLDER.split(msgid):
                piece = piece.strip(" .,:;()…—–-·“”\"'")
                letters = re.sub(r"[^A-Za-z]", "", piece)
                if len(letters) < 4 or piece in translated:
                    continue
                if " " not in piece and (piece.lower() == piece or len(piece) < 5):
                    continue  # a lone lower-case word ("late", "paid") is too common to pin
                fragments.add(piece)
    return sorted(fragments, key=len, reverse=True)


def readable(html: str) -> str:
    """What a person reads of a page: its text and the attributes said aloud or shown."""
    html = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S)
    spoken = " ".join(READABLE_ATTRIBUTE.findall(html))
    text = re.sub(r"<[^>]*>", " ", html) + " " + spoken
    return re.sub(r"\s+", " ", text.replace("&nbsp;", " ").replace("\xa0", " "))


class Scan:
    def __init__(self, language: str, data: list[str]):
        self.language = language
        self.fragments = english_fragments(language)
        self.patterns = [
            re.compile(r"(?<![A-Za-z])" + re.escape(f) + r"(?![A-Za-z])") for f in self.fragments
        ]
        self.data = sorted({d for d in data if d}, key=len, reverse=True)
        self.problems: list[str] = []
        self.read = 0

    def check(self, where: str, text: str) -> None:
        self.read += 1
        for value in self.data:  # what the clinic typed is not ours to translate
            text = text.replace(value, " ")
        for fragment, pattern in zip(self.fragments, self.patterns, strict=True):
            if pattern.search(text):
                self.problems.append(f"{where}: English {fragment!r}")
        for pattern, what in (
            (ENGLISH_DATE, "an English date word"),
            (ENGLISH_AMOUNT, "an amount written the English way"),
        ):
            found = pattern.search(text)
            if found:
                self.problems.append(
                    f"{where}: {what} {text[max(0, found.start() - 30) : found.end() + 30]!r}"
                )
        if self.language.startswith("pt"):
            found = POINT_DECIMAL.search(text)
            if found:
                near = text[max(0, found.start() - 30) : found.end() + 30]
                self.problems.append(f"{where}: a decimal point {near!r}")

    def page(self, client: Client, url: str, *, method: str = "GET", data=None, **kw) -> str:
        response = client.post(url, data or {}, **kw) if method == "POST" else client.get(url, **kw)
        assert response.status_code in (200, 409, 422), (self.language, url, response.status_code)
        body = response.content.decode()
        if response.get("Content-Type", "").startswith("text/html"):
            assert f'lang="{self.language}"' in body, (url, "not in the reader's language")
        self.check(url, readable(body))
        return body


@pytest.fixture
def clinic(location, room, other_room, pro_a, pro_b, staff, manager, at, day):
    """Lisbon (the fixture location), São Paulo and Lima, each with bookings of every kind
    for Ana: requested, booked, executed and paid, a no-show, a late cancellation; a
    statement, a calendar feed and a pending invitation."""
    sao_paulo = LocationFactory(name="Integra Paulista", tz="America/Sao_Paulo", currency="BRL")
    lima = LocationFactory(name="Integra Miraflores", tz="America/Lima", currency="PEN")
    rooms = [
        room,
        RoomFactory(location=sao_paulo, name="Sala Ipê"),
        RoomFactory(location=lima, name="Consultorio 1"),
    ]

    def book(where, start, end, **kwargs):
        zone = where.location.zone
        on = kwargs.pop("on", day)
        starts = datetime.combine(on, time(*map(int, start.split(":"))), tzinfo=zone)
        ends = datetime.combine(on, time(*map(int, end.split(":"))), tzinfo=zone)
        return services.book(
            room=where,
            professional=pro_a,
            starts_at=starts,
            ends_at=ends,
            by=staff,
            source=Source.BACKOFFICE,
            **kwargs,
        )

    mine = []
    past_day = (timezone.now() - timedelta(days=10)).astimezone(room.location.zone).date()
    # Hours apart enough that Ana is never in two places at once (the zones differ by 5 h).
    for where, (first, second, third) in zip(
        rooms, [(9, 11, 14), (12, 15, 17), (15, 17, 19)], strict=True
    ):
        mine.append(book(where, f"{first}:00", f"{first + 1}:00"))
        held = book(where, f"{first}:00", f"{first + 1}:00", on=past_day, allow_past=True)
        services.mark_executed(held, by=staff, source=Source.BACKOFFICE)
        absent = book(where, f"{second}:00", f"{second + 1}:00", on=past_day, allow_past=True)
        services.mark_no_show(absent, by=staff, source=Source.BACKOFFICE)
        tomorrow = timezone.now().astimezone(where.location.zone).date() + timedelta(days=1)
        late = book(where, f"{third}:00", f"{third + 1}:00", on=tomorrow)
        services.cancel(late, by=staff, source=Source.BACKOFFICE)
        mine += [held, absent, late]
        billing.record_payment(
            professional=pro_a,
            amount=Decimal("1234.50"),
            currency=where.location.currency,
            method="cash",
            received_on=None,
            bookings=[held.pk],
            by=staff,
            source=Source.BACKOFFICE,
        )
    statement = billing.issue_statement(
        pro_a, past_day.year, past_day.month, currency="EUR", by=manager, source=Source.BACKOFFICE
    )
    feed = CalendarFeed.issue(pro_a, by=pro_a.user)
    data = [
        *(r.name for r in [room, other_room, *rooms]),
        *(loc.name for loc in [room.location, sao_paulo, lima]),
        pro_a.name,
        pro_b.name,
        pro_a.email,
        pro_b.email,
        pro_a.profession,
        pro_b.profession,
        staff.get_full_name(),
        manager.get_full_name(),
        staff.username,
        manager.username,
        settings.CLINIC_NAME,
        "Integra",
        "English",
        "Português",
        "Español",
        "Brasil",
        "Portugal",
    ]
    return {
        "mine": mine,
        "statement": statement,
        "feed": feed,
        "data": data,
        "lima": lima,
        "sao_paulo": sao_paulo,
    }


def staff_urls(clinic, pro_a) -> list[str]:
    args = {
        "location": clinic["lima"].pk,
        "pro": pro_a.pk,
        "statement": clinic["statement"].pk,
        "bookings": "bookings",
    }
    urls = [
        reverse(name, args=[args[a] for a in arg_names])
        for name, arg_names, method, _expected in STAFF_PAGES
        if method == "GET"
    ]
    urls += [
        reverse("calendar:calendar") + "?view=week",
        reverse("calendar:calendar") + f"?loc={clinic['sao_paulo'].pk}",
        reverse("billing:export-csv", args=["payments"]),
        reverse("billing:export-csv", args=["professionals"]),
    ]
    for model in (
        "scheduling/booking",
        "scheduling/location",
        "scheduling/room",
        "professionals/professional",
        "billing/payment",
        "billing/statement",
        "billing/billingpolicy",
        "billing/priceagreement",
        "accounts/invitation",
    ):
        urls.append(f"/admin/{model}/")
    for model in (
        "scheduling/booking",
        "scheduling/location",
        "scheduling/room",
        "professionals/professional",
        "billing/billingpolicy",
        "billing/priceagreement",
    ):
        urls.append(f"/admin/{model}/add/")  # payments, statements, invitations: no "add"
    urls.append(f"/admin/scheduling/booking/{clinic['mine'][1].pk}/change/")
    return [u for u in urls if not u.endswith(".pdf")]  # the PDF is read below


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_nothing_english_of_ours_reaches_a_reader_of_another_language(
    language,
    clinic,
    pro_a,
    pro_b,
    staff,
    manager,
    room,
    at,
    day,
    django_capture_on_commit_callbacks,
):
    for user in (staff, manager, pro_a.user):
        languages.choose(user, language, by=user, source=Source.BACKOFFICE)
    # Country names are Babel's, in the reader's language ("Svalbard e Jan Mayen" is no month).
    countries = list(languages.babel_locale(language).territories.values())
    scan = Scan(language, [*clinic["data"], *countries])
    as_manager, as_desk, as_pro = Client(), Client(), Client()
    as_manager.force_login(manager)
    as_desk.force_login(staff)
    as_pro.force_login(pro_a.user)

    for url in staff_urls(clinic, pro_a):
        client = as_manager
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if url.endswith(".csv"):
            delimiter = ";" if language.startswith("pt") else ","  # decimal comma there
            text = response.content.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
            assert len(rows[0]) > 3, (url, "columns not split")
            scan.check(url, " ".join(" ".join(row) for row in rows))
        else:
            scan.page(client, url)
    scan.page(as_desk, reverse("billing:overview"))

    # My patients' pages too: A's patient (a minor with a responsible adult, on a session of
    # A's) and another professional's, whose id A's pages must ignore.
    a_patient = patient_services.create_patient(
        {"first_name": "Marina", "last_name": "Alvarenga", "birth_date": date(2016, 5, 4)},
        by=pro_a.user,
        source=Source.PORTAL,
    )
    mother = patient_services.create_patient(
        {"first_name": "Joana", "last_name": "Alvarenga"}, by=staff, source=Source.BACKOFFICE
    )
    patient_services.link_guardian(
        a_patient, mother, kind="parent", by=staff, source=Source.BACKOFFICE
    )
    b_patient = patient_services.create_patient(
        {"first_name": "Zuleika", "last_name": "Bettencourt"}, by=pro_b.user, source=Source.PORTAL
    )
    services.set_session(
        clinic["mine"][0], patients=[a_patient.pk], by=pro_a.user, source=Source.PORTAL
    )
    world = {
        "mine": clinic["mine"][:4],
        "statement": clinic["statement"],
        "feed": clinic["feed"],
        "a_patient": a_patient,
        "b_patient": b_patient,
    }
    for urls in portal_requests(world, room, at, day).values():
        for url in urls:
            if "manifest" in url:
                scan.check(url, as_pro.get(url).content.decode())
            elif url.startswith(reverse("portal:patient-choices")):
                # A fragment for the slot sheet's script (no <html lang>): its words only.
                scan.check(url, readable(as_pro.get(url).content.decode()))
            else:
                scan.page(as_pro, url)
    scan.page(as_pro, reverse("portal:settings"))
    # A refusal with its alternatives, in the professional's language.
    taken = clinic["mine"][0]
    scan.page(
        as_pro,
        reverse("portal:book"),
        method="POST",
        data={"room": taken.room_id, "starts_at": taken.starts_at.isoformat(), "minutes": 60},
    )

    # The statement PDF, issued now that Ana reads `language`.
    statement = billing.issue_statement(
        pro_a,
        taken.starts_at.year,
        taken.starts_at.month,
        currency="EUR",
        by=manager,
        source=Source.BACKOFFICE,
        send_email=False,
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(statement.pdf))).pages)
    scan.check("the statement PDF", text)

    # Each kind of email: an invitation, the statement's, a password reset.
    from accounts import invitations

    pro_a.user.set_unusable_password()
    pro_a.user.save()
    mail.outbox.clear()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with django_capture_on_commit_callbacks(execute=True):
            invitations.invite(pro_a, by=staff, base_url="https://clinic.example")
        billing.statements.email_statement(statement)
        Client().post(
            reverse("account_reset_password"), {"email": pro_a.email}, HTTP_ACCEPT_LANGUAGE="en"
        )
    kinds = [message.subject for message in mail.outbox]
    assert len(mail.outbox) == 3, kinds
    for message in mail.outbox:
        scan.check(f"email {message.subject!r}", f"{message.subject}\n{message.body}")

    assert scan.read >= 60
    assert not scan.problems, f"{len(scan.problems)} problems:\n" + "\n".join(scan.problems[:60])
