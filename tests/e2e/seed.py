"""Fixture data for browser tests: two receptionists, one location with three rooms, three
professionals and a few bookings made through the booking service. Prints ids as JSON."""

import json
import os
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integra.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts import roles  # noqa: E402
from accounts.models import ApiToken  # noqa: E402
from patients.services import records as patient_records  # noqa: E402
from professionals.models import Professional  # noqa: E402
from scheduling import services  # noqa: E402
from scheduling.models import Location, OpeningHours, Room, Source  # noqa: E402

PASSWORD = "e2e-password-not-secret"  # noqa: S105

User = get_user_model()
# Rita manages the clinic (statements, reversals, exports); Sara is at reception.
rita = User.objects.create_user("rita", "rita@clinic.test", PASSWORD, is_staff=True)
rita.groups.add(Group.objects.get(name=roles.MANAGER))
sara = User.objects.create_user("sara", "sara@clinic.test", PASSWORD, is_staff=True)
sara.groups.add(Group.objects.get(name=roles.RECEPTION))
location = Location.objects.create(name="Lisboa Centro", tz="Europe/Lisbon", currency="EUR")
OpeningHours.objects.bulk_create(
    OpeningHours(location=location, weekday=d, opens=time(8), closes=time(20)) for d in range(7)
)
colours = ["#4f7cac", "#7c5cac", "#2f8f8f"]
rooms = [
    Room.objects.create(
        location=location, name=f"Sala {n}", hourly_price=Decimal("40"), colour=colours[n - 1]
    )
    for n in (1, 2, 3)
]
people = []
for name, profession in (
    ("Ana Alves", "Psychologist"),
    ("Bruno Brito", "Physiotherapist"),
    ("Carla Costa", "Nutritionist"),
):
    first = name.split()[0].lower()
    user = User.objects.create_user(first, f"{first}@pro.test", PASSWORD)
    people.append(
        Professional.objects.create(user=user, name=name, profession=profession, email=user.email)
    )
ana, bruno, carla = people
tz = location.zone
today = timezone.now().astimezone(tz).date()
future = today + timedelta(days=7)
past = today - timedelta(days=7)


def at(day, clock):
    hours, minutes = (int(x) for x in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=tz)


def book(room, who, day, start, end, **kwargs):
    return services.book(
        room=room,
        professional=who,
        starts_at=at(day, start),
        ends_at=at(day, end),
        by=rita,
        source=Source.BACKOFFICE,
        allow_past=day <= today,
        **kwargs,
    )


ids = {
    "future": future.isoformat(),
    "past": past.isoformat(),
    "location": location.pk,
    "rooms": [r.pk for r in rooms],
    "password": PASSWORD,
}
ids["to_move"] = book(rooms[0], ana, future, "11:00", "12:00").pk
ids["blocker"] = book(rooms[1], bruno, future, "11:00", "12:00").pk
book(rooms[2], carla, future, "14:00", "15:30", notes="First appointment")
ids["to_execute"] = book(rooms[0], ana, past, "09:00", "10:00").pk
done = book(rooms[1], bruno, past, "09:00", "11:00")
services.mark_executed(done, by=rita, source=Source.BACKOFFICE)
missed = book(rooms[2], carla, past, "10:00", "11:00")
services.mark_no_show(missed, by=rita, source=Source.BACKOFFICE)
gone = book(rooms[0], carla, past, "13:00", "14:00")
services.cancel(gone, reason="Patient ill", by=rita, source=Source.BACKOFFICE)
ids["cancelled"] = gone.pk
book(rooms[0], bruno, past, "15:00", "16:30", notes="Bring the report")
ids["to_pay"] = book(rooms[1], ana, past, "12:00", "13:00").pk
book(rooms[2], bruno, past, "17:00", "18:00")
for offset in range(-6, 7):  # something every day around `past`, for the week view
    day = past + timedelta(days=offset)
    for n, (room, who) in enumerate(zip(rooms, people, strict=True)):
        if offset and (offset + n) % 2:
            book(room, who, day, f"{8 + n}:00", f"{9 + n}:00")
porto = Location.objects.create(name="Porto Foz", tz="Europe/Lisbon", currency="EUR")
OpeningHours.objects.bulk_create(
    OpeningHours(location=porto, weekday=d, opens=time(8), closes=time(20)) for d in range(7)
)
porto_rooms = [
    Room.objects.create(location=porto, name=name, hourly_price=Decimal("35"), colour=colour)
    for name, colour in (("Gabinete A", "#b7791f"), ("Gabinete B", "#2f6fa6"))
]
for day in (past, future):
    book(porto_rooms[0], carla, day, "12:00", "13:30")
    book(porto_rooms[1], bruno, day, "13:00", "14:00", notes="Physio follow-up")
# São Paulo, where cancelling a week ahead is already late (deadline 8 days) and reception
# may waive the fee: the calendar's cancel dialog (tests/e2e/test_calendar_cancel.py).
paulista = Location.objects.create(
    name="Integra Paulista",
    tz="America/Sao_Paulo",
    currency="BRL",
    language="pt-br",
    cancellation_deadline_hours=8 * 24,
    reception_may_waive_late_fee=True,
)
OpeningHours.objects.bulk_create(
    OpeningHours(location=paulista, weekday=d, opens=time(8), closes=time(20)) for d in range(7)
)
pitanga = Room.objects.create(location=paulista, name="Sala Pitanga", hourly_price=Decimal("150"))
diego_user = User.objects.create_user("diego", "diego@pro.test", PASSWORD)
diego = Professional.objects.create(
    user=diego_user, name="Diego Dias", profession="Psychologist", email=diego_user.email
)
sp_day = timezone.now().astimezone(paulista.zone).date() + timedelta(days=7)
ids["paulista"] = paulista.pk
ids["paulista_day"] = sp_day.isoformat()
# A professional books there from her phone and must read the hour she tapped, whatever the
# zone of the server (the tests run it in Asia/Kathmandu): tests/e2e/test_everyday_defects.py.
ids["paulista_future"] = sp_day.isoformat()
ids["paulista_rooms"] = [
    pitanga.pk,
    Room.objects.create(location=paulista, name="Sala Ipê", hourly_price=Decimal("120")).pk,
]
for key, clock in (("to_charge", 9), ("to_waive", 11)):
    start = datetime.combine(sp_day, time(clock), tzinfo=paulista.zone)
    ids[key] = services.book(
        room=pitanga,
        professional=diego,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        by=rita,
        source=Source.BACKOFFICE,
    ).pk
# Lima, in Spanish: Lúcia (reception in São Paulo) switches her calendar to Portuguese and
# Elena books from her phone in Spanish (tests/e2e/test_languages.py); nobody else is
# affected by what they choose.
lucia = User.objects.create_user("lucia", "lucia@clinic.test", PASSWORD, is_staff=True)
lucia.groups.add(Group.objects.get(name=roles.RECEPTION))
miraflores = Location.objects.create(
    name="Sede Miraflores", tz="America/Lima", currency="PEN", language="es"
)
OpeningHours.objects.bulk_create(
    OpeningHours(location=miraflores, weekday=d, opens=time(8), closes=time(20)) for d in range(7)
)
consultorio = Room.objects.create(
    location=miraflores, name="Consultorio 1", hourly_price=Decimal("60"), colour="#2980b9"
)
elena_user = User.objects.create_user("elena", "elena@pro.test", PASSWORD)
Professional.objects.create(
    user=elena_user, name="Elena Espinoza", profession="Nutricionista", email=elena_user.email
)
ids["miraflores"] = miraflores.pk
ids["miraflores_day"] = (
    timezone.now().astimezone(miraflores.zone).date() + timedelta(days=3)
).isoformat()
ids["consultorio"] = consultorio.pk
# Porto, for the Redis restart test (tests/e2e/test_layer_restart.py): it books through the API.
ids["porto"] = porto.pk
ids["porto_rooms"] = [room.pk for room in porto_rooms]
ids["carla"] = carla.pk
ids["rita_token"] = ApiToken.issue(rita, "e2e")[1]
# Duarte keeps patients (issue 15): reception books him a session with a recent patient in
# three clicks from the grid (tests/e2e/test_session_popover.py); his portal lists them.
duarte_user = User.objects.create_user("duarte", "duarte@pro.test", PASSWORD)
duarte = Professional.objects.create(
    user=duarte_user,
    name="Duarte Dias",
    profession="Psychologist",
    email=duarte_user.email,
    default_session_price=Decimal("55.00"),
)
duarte_patients = [
    patient_records.create_patient(
        {"first_name": first, "last_name": last, "email": f"{last.lower()}@patient.test"},
        by=duarte_user,
        source=Source.PORTAL,
    )
    for first, last in (("Marina", "Souza"), ("Tomás", "Teixeira"), ("Inês", "Ivo"))
]
patient_records.set_discreet(duarte_patients[1], duarte, True, by=duarte_user, source=Source.PORTAL)
book(
    porto_rooms[1],
    duarte,
    past - timedelta(days=14),
    "08:00",
    "09:00",
    patients=[duarte_patients[0].pk],
)
ids["duarte"] = duarte.pk
ids["duarte_patients"] = [p.pk for p in duarte_patients]
# A minor and her mother, for the staff patient pages (tests/e2e/test_csp.py).
mother = patient_records.create_patient(
    {"first_name": "Joana", "last_name": "Souza", "birth_date": date(1985, 4, 2)},
    by=rita,
    source=Source.BACKOFFICE,
)
minor = patient_records.create_patient(
    {"first_name": "Beatriz", "last_name": "Souza", "birth_date": date(2019, 1, 15)},
    by=rita,
    source=Source.BACKOFFICE,
)
patient_records.link_guardian(minor, mother, kind="parent", by=rita, source=Source.BACKOFFICE)
ids["minor_patient"] = minor.pk
# Olga sets the clinic up in the admin (a superuser: every model's pages, the internal ones
# too): tests/e2e/test_csp.py walks them all.
User.objects.create_superuser("olga", "olga@clinic.test", PASSWORD)
print(json.dumps(ids))
