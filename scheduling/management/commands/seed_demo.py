"""Demo data: three locations in three zones, 15 rooms, 25 professionals with logins,
400 patients (São Paulo, Lima, Lisbon; some minors with guardians) in care teams, and about
2,000 bookings over the past and next four weeks, most of them sessions with their patients
(about a fifth virtual, a few group sessions in Lima's "Sala Grupal", some Lima sessions in
USD). Half the professionals work on commission (billing's `seed_demo_agreements`).

Every booking is made through the booking service (and past ones are then executed, marked
no-show or cancelled through it), so the demo holds only states the product can reach.
The same --seed on the same day gives the same data. Does nothing when data exists unless
--reset (which empties the whole database first)."""

import random
import time as clock
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts import roles
from accounts.audit import Source as Door
from patients import demo as demo_patients
from patients.services import records as patient_records
from professionals.models import Professional
from scheduling import availability, services, timeslots
from scheduling.errors import BookingError
from scheduling.models import (
    ApprovalMode,
    Booking,
    BookingStatus,
    Feature,
    Location,
    OpeningHours,
    Room,
    SessionType,
    Source,
)

DEMO_PASSWORD = "integra-demo"  # noqa: S105 - printed for the demo, never for production

WEEKDAYS = [(day, time(7), time(21)) for day in range(5)] + [(5, time(8), time(14))]

# name, address, zone, currency, base hourly price, rooms (name, colour, features)
# Each location's default language for emails and documents.
LANGUAGE_OF_ZONE = {"America/Sao_Paulo": "pt-br", "America/Lima": "es", "Europe/Lisbon": "pt-pt"}

LOCATIONS = [
    (
        "Integra Paulista",
        "Av. Paulista 1578, São Paulo",
        "America/Sao_Paulo",
        "BRL",
        Decimal("90"),
        [
            ("Sala Ipê", "#c0392b", ["Couch", "Armchairs", "Window"]),
            ("Sala Jacarandá", "#8e44ad", ["Couch", "Armchairs"]),
            ("Sala Pitanga", "#d35400", ["Massage table", "Sink"]),
            ("Sala Caju", "#f39c12", ["Examination bed", "Sink", "Desk"]),
            ("Sala Buriti", "#27ae60", ["Desk", "Video call kit"]),
            ("Estúdio", "#16a085", ["Mats", "Mirror wall", "Wheelchair access"]),
        ],
    ),
    (
        "Integra Miraflores",
        "Av. José Larco 345, Lima",
        "America/Lima",
        "PEN",
        Decimal("60"),
        [
            ("Consultorio 1", "#2980b9", ["Couch", "Window"]),
            ("Consultorio 2", "#2c3e50", ["Couch", "Armchairs"]),
            ("Consultorio 3", "#1abc9c", ["Massage table", "Sink"]),
            ("Consultorio 4", "#7f8c8d", ["Examination bed", "Sink"]),
            ("Sala Grupal", "#e67e22", ["Armchairs", "Video call kit", "Wheelchair access"]),
        ],
    ),
    (
        "Integra Chiado",
        "Rua Garrett 50, Lisboa",
        "Europe/Lisbon",
        "EUR",
        Decimal("18"),
        [
            ("Sala Tejo", "#3867d6", ["Couch", "Armchairs", "Window"]),
            ("Sala Sintra", "#20bf6b", ["Massage table", "Sink"]),
            ("Sala Alfama", "#eb3b5a", ["Desk", "Video call kit"]),
            ("Sala Belém", "#fa8231", ["Examination bed", "Sink", "Wheelchair access"]),
        ],
    ),
]

# username, name, profession, registration, phone, location indexes
PROFESSIONALS = [
    ("ana", "Ana Alves", "Psychologist", "CRP 06/123456", "+55 11 91234-5678", (0, 2)),
    ("bruno", "Bruno Barros", "Physiotherapist", "CREFITO 3/98765-F", "+55 11 98765-4321", (0,)),
    ("carla", "Carla Cunha", "Nutritionist", "CRN 3/45678", "+55 11 97654-3210", (0,)),
    ("diego", "Diego Duarte", "Psychologist", "CRP 06/234567", "+55 11 96543-2109", (0,)),
    ("elisa", "Elisa Esteves", "Speech therapist", "CRFa 2/11223", "+55 11 95432-1098", (0,)),
    ("fabio", "Fábio Freitas", "Psychiatrist", "CRM-SP 145678", "+55 11 94321-0987", (0,)),
    ("gabriela", "Gabriela Gomes", "Occupational therapist", "CREFITO 3/5544-TO", "", (0,)),
    ("heitor", "Heitor Henriques", "Acupuncturist", "SBA 7788", "+55 11 93210-9876", (0, 1)),
    ("isabel", "Isabel Inácio", "Psychologist", "CRP 06/345678", "+55 11 92109-8765", (0,)),
    ("joao", "João Jardim", "Physiotherapist", "CREFITO 3/22334-F", "+55 11 91098-7654", (0,)),
    ("lucia", "Lucía Lozano", "Psychologist", "CPsP 34567", "+51 987 654 321", (1,)),
    ("mateo", "Mateo Mendoza", "Physiotherapist", "CTMP 12345", "+51 976 543 210", (1,)),
    ("valeria", "Valeria Vargas", "Nutritionist", "CNP 6789", "+51 965 432 109", (1,)),
    ("santiago", "Santiago Salazar", "Psychiatrist", "CMP 54321", "+51 954 321 098", (1,)),
    ("camila", "Camila Castro", "Speech therapist", "CTMP 23456", "", (1,)),
    ("renato", "Renato Rojas", "Osteopath", "ROP 4455", "+51 943 210 987", (1, 2)),
    ("ximena", "Ximena Quispe", "Psychologist", "CPsP 45678", "+51 932 109 876", (1,)),
    ("andres", "Andrés Aguilar", "Podiatrist", "CPP 3344", "+51 921 098 765", (1,)),
    ("ines", "Inês Igreja", "Psychologist", "OPP 12345", "+351 912 345 678", (2,)),
    ("tiago", "Tiago Teixeira", "Physiotherapist", "OF 23456", "+351 913 456 789", (2,)),
    ("marta", "Marta Matos", "Nutritionist", "ON 3456N", "+351 914 567 890", (2,)),
    ("rui", "Rui Rebelo", "Psychiatrist", "OM 45678", "+351 915 678 901", (2,)),
    ("sofia", "Sofia Santos", "Speech therapist", "CTF 5678", "", (2,)),
    ("pedro", "Pedro Pires", "Osteopath", "ACSS 6789", "+351 916 789 012", (2, 0)),
    ("beatriz", "Beatriz Bento", "Psychologist", "OPP 23456", "+351 917 890 123", (2,)),
]

# The patients' countries, by location (same order as LOCATIONS), and how many each.
COUNTRIES = ["BR", "PE", "PT"]
PATIENTS = {"BR": 160, "PE": 130, "PT": 110}
# A session's usual price in each currency; a psychiatrist's is higher.
SESSION_PRICE = {"BRL": Decimal("180"), "PEN": Decimal("150"), "EUR": Decimal("55")}
PEN_PER_USD = Decimal("3.75")
VIRTUAL_SHARE = 0.2
WITH_PATIENTS_SHARE = 0.9
GROUP_ROOM = "Sala Grupal"
GROUP_SESSIONS = 3

LENGTHS = [45, 60, 60, 60, 60, 90, 90, 120]  # minutes
GAPS = [0, 0, 0, 15, 30, 60, 120]
# What reception types beside a booking, in the language of its location (data, not ours
# to translate): the same kinds of note everywhere.
NOTES = {
    "en": ["", "", "", "", "First session", "Follow-up", "Assessment", "Group session", "Online"],
    "pt-br": [
        "",
        "",
        "",
        "",
        "Primeira sessão",
        "Retorno",
        "Avaliação",
        "Sessão em grupo",
        "On-line",
    ],
    "pt-pt": [
        "",
        "",
        "",
        "",
        "Primeira sessão",
        "Seguimento",
        "Avaliação",
        "Sessão de grupo",
        "Online",
    ],
    "es": ["", "", "", "", "Primera sesión", "Control", "Evaluación", "Sesión grupal", "Virtual"],
}


class Command(BaseCommand):
    help = "Load demo data (locations, rooms, professionals, bookings) through the services."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Empty the database first.")
        parser.add_argument("--bookings", type=int, default=2000, help="How many (about).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args, reset: bool, bookings: int, seed: int, **options):
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        elif Location.objects.exists() or Booking.objects.exists():
            count = Booking.objects.count()
            self.stdout.write(f"Demo data is already here ({count} bookings); --reset replaces it.")
            return
        started = clock.monotonic()
        rng = random.Random(seed)
        reception = self._people()
        locations = self._locations()
        professionals = self._professionals(locations)
        self.stdout.write(
            f"{len(locations)} locations, {Room.objects.count()} rooms, "
            f"{len(professionals)} professionals"
        )
        self.patients_of = self._patients(rng, locations, professionals, reception)
        self.stdout.write(f"{sum(PATIENTS.values())} patients in care teams")
        plan = self._plan(rng, locations, professionals, bookings)
        counts = self._book(rng, plan, reception)
        states = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        call_command("seed_demo_agreements", seed=seed, stdout=self.stdout)
        seconds = clock.monotonic() - started
        self.stdout.write(f"{sum(counts.values())} bookings ({states}) in {seconds:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for line in (
            "  log in at /accounts/login/ by email (the admin's own form takes the username)",
            "  reception:                reception@integra.test  (username reception)",
            "  manager:                  manager@integra.test    (username manager)",
            "  set-up (superuser):       admin@integra.test      (username admin)",
            "  professional:             ana@demo.integra.test   (Ana Alves: the portal)",
        ):
            self.stdout.write(line)

    def _people(self):
        User = get_user_model()
        # Hashing is slow on purpose; 28 demo accounts share one hash of the demo password.
        self.password_hash = make_password(DEMO_PASSWORD)
        reception = User.objects.create(
            username="reception",
            email="reception@integra.test",
            password=self.password_hash,
            first_name="Rita",
            is_staff=True,
        )
        reception.groups.add(Group.objects.get(name=roles.RECEPTION))
        manager = User.objects.create(
            username="manager",
            email="manager@integra.test",
            password=self.password_hash,
            first_name="Marta",
            is_staff=True,
        )
        manager.groups.add(Group.objects.get(name=roles.MANAGER))
        User.objects.create(  # for setting the clinic up: every table, every permission
            username="admin",
            email="admin@integra.test",
            password=self.password_hash,
            first_name="Admin",
            is_staff=True,
            is_superuser=True,
        )
        return reception

    def _locations(self) -> list[Location]:
        features = {}
        locations = []
        for name, address, tz, currency, price, rooms in LOCATIONS:
            # One location approves every portal booking by hand; the others only those of
            # professionals who have not been to the clinic yet.
            approval = ApprovalMode.MANUAL if len(locations) == 1 else ApprovalMode.KNOWN
            location = Location.objects.create(
                name=name,
                address=address,
                tz=tz,
                currency=currency,
                language=LANGUAGE_OF_ZONE.get(tz, "en"),
                approval_mode=approval,
                other_currencies=["USD"] if currency == "PEN" else [],
            )
            OpeningHours.objects.bulk_create(
                OpeningHours(location=location, weekday=d, opens=o, closes=c)
                for d, o, c in WEEKDAYS
            )
            for index, (room_name, colour, room_features) in enumerate(rooms):
                room = Room.objects.create(
                    location=location,
                    name=room_name,
                    colour=colour,
                    hourly_price=price + Decimal(5 * (index % 3)),
                )
                for feature in room_features:
                    if feature not in features:
                        features[feature] = Feature.objects.create(name=feature)
                    room.features.add(features[feature])
            locations.append(location)
        return locations

    def _professionals(self, locations) -> list[tuple[Professional, list[Location]]]:
        User = get_user_model()
        result = []
        for username, name, profession, registration, phone, where in PROFESSIONALS:
            email = f"{username}@demo.integra.test"
            first, last = name.split(" ", 1)
            user = User.objects.create(
                username=username,
                email=email,
                password=self.password_hash,
                first_name=first,
                last_name=last,
            )
            professional = Professional.objects.create(
                user=user,
                name=name,
                profession=profession,
                registration_number=registration,
                email=email,
                phone=phone,
                default_session_price=self._price(profession, locations[where[0]].currency),
            )
            result.append((professional, [locations[i] for i in where]))
        return result

    @staticmethod
    def _price(profession: str, currency: str) -> Decimal:
        base = SESSION_PRICE[currency]
        return base * Decimal("1.6") if profession == "Psychiatrist" else base

    def _patients(self, rng, locations, professionals, reception) -> dict:
        """400 patients through the patients services, each in the care team of one or two
        professionals of their location: {(professional pk, location pk): [patient pk…]}."""
        made = demo_patients.create_patients(PATIENTS, rng, by=reception)
        patients_of: dict[tuple[int, int], list[int]] = {}
        for location, country in zip(locations, COUNTRIES, strict=True):
            pool = [p for p, where in professionals if location in where]
            for patient in made[country]:
                for professional in rng.sample(pool, rng.choice((1, 1, 2))):
                    patient_records.add_to_care_team(
                        patient,
                        professional,
                        discreet=rng.random() < 0.1,
                        by=reception,
                        source=Door.BACKOFFICE,
                    )
                    patients_of.setdefault((professional.pk, location.pk), []).append(patient.pk)
        return patients_of

    def _session(self, rng, room, professional) -> dict:
        """What the booking service is asked for the session: its patients (most bookings
        have one; a few in the group room have four to six), type, price and currency."""
        location = room.location
        mine = self.patients_of.get((professional.pk, location.pk), [])
        session: dict = {}
        if room.name == GROUP_ROOM and self.groups < GROUP_SESSIONS and len(mine) >= 4:
            self.groups += 1
            session["patients"] = rng.sample(mine, min(len(mine), rng.randrange(4, 7)))
        elif mine and rng.random() < WITH_PATIENTS_SHARE:
            session["patients"] = [rng.choice(mine)]
            if rng.random() < VIRTUAL_SHARE:
                session["session_type"] = SessionType.VIRTUAL
                session["video_link"] = f"https://meet.demo.integra.test/{rng.randrange(10**8):08d}"
        else:
            return session
        price = self._price(professional.profession, location.currency)
        if location.currency == "PEN" and rng.random() < 0.25:
            session["session_currency"] = "USD"
            price = (price / PEN_PER_USD / 5).quantize(Decimal(1)) * 5
        session["session_price"] = price
        return session

    def _plan(self, rng, locations, professionals, wanted: int) -> list[tuple]:
        """Pick `wanted` (room, professional, start, end) with no room or professional twice
        at the same time: dense candidate sessions per room and day, shuffled, each given to
        a free professional of that location."""
        today = timezone.now().date()
        candidates = []
        for location in locations:
            tz = location.zone
            rooms = list(location.rooms.order_by("name"))
            for day in timeslots.days(today - timedelta(days=28), today + timedelta(days=27)):
                interval = availability.opening_interval(location, day)
                if interval is None:
                    continue
                opens, closes = (moment.astimezone(tz) for moment in interval)
                for room in rooms:
                    cursor = opens + timedelta(minutes=rng.choice(GAPS))
                    while True:
                        end = cursor + timedelta(minutes=rng.choice(LENGTHS))
                        if end > closes:
                            break
                        candidates.append((location, room, cursor, end))
                        cursor = end + timedelta(minutes=rng.choice(GAPS))
        rng.shuffle(candidates)
        pools = {
            location.pk: [p for p, where in professionals if location in where]
            for location in locations
        }
        busy: dict[int, set[datetime]] = {p.pk: set() for p, _where in professionals}
        plan = []
        for location, room, start, end in candidates:
            slots = set(timeslots.slot_starts(start, end))
            pool = pools[location.pk][:]
            rng.shuffle(pool)
            professional = next((p for p in pool if not busy[p.pk] & slots), None)
            if professional is None:
                continue
            busy[professional.pk] |= slots
            notes = NOTES.get(location.language, NOTES["en"])[rng.randrange(len(NOTES["en"]))]
            plan.append((room, professional, start, end, rng.random(), notes))
            if len(plan) == wanted:
                break
        return sorted(plan, key=lambda row: (row[2], row[0].pk))

    def _book(self, rng, plan, reception) -> dict[str, int]:
        now = timezone.now()
        counts: dict[str, int] = {}
        # The first past bookings take each outcome once, so even a tiny demo shows them all.
        forced = ["executed", "no_show", "cancelled", "booked"]
        future_cancel_forced = False
        requested_kept = False
        self.groups = 0
        for done, (room, professional, start, end, luck, notes) in enumerate(plan, start=1):
            by = reception if luck < 0.6 else professional.user
            source = Source.BACKOFFICE if by is reception else Source.PORTAL
            try:
                booking = services.book(
                    room=room,
                    professional=professional,
                    starts_at=start,
                    ends_at=end,
                    notes=notes,
                    by=by,
                    source=source,
                    allow_past=True,
                    **self._session(rng, room, professional),
                )
            except BookingError as error:  # the plan avoids this; report, never stop
                self.stderr.write(f"skipped {room} {start:%Y-%m-%d %H:%M}: {error.message}")
                continue
            who = {"by": reception, "source": Source.BACKOFFICE}
            if booking.status == BookingStatus.REQUESTED:
                if start > now and (not requested_kept or rng.random() < 0.5):
                    requested_kept = True  # left for reception to approve or decline
                    counts["requested"] = counts.get("requested", 0) + 1
                    continue
                booking = services.approve(booking, **who)
            if start <= now:
                outcome = forced.pop(0) if forced else self._past_outcome(rng)
            elif not future_cancel_forced or rng.random() < 0.08:
                outcome, future_cancel_forced = "cancelled", True
            else:
                outcome = "booked"
            if outcome == "executed":
                services.mark_executed(booking, **who)
            elif outcome == "no_show":
                services.mark_no_show(booking, **who)
            elif outcome == "cancelled":
                reason = rng.choice(["Professional ill", "Patient cancelled", "Holiday", ""])
                services.cancel(booking, reason=reason, **who)
            counts[outcome] = counts.get(outcome, 0) + 1
            if done % 250 == 0:
                self.stdout.write(f"  {done}/{len(plan)} bookings")
        return counts

    @staticmethod
    def _past_outcome(rng) -> str:
        roll = rng.random()
        if roll < 0.80:
            return "executed"
        if roll < 0.87:
            return "no_show"
        if roll < 0.96:
            return "cancelled"
        return "booked"  # not marked yet
