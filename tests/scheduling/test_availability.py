"""Free time: `availability.free_windows` and the API's /availability, which must agree with
each other and with the booking service — every window offered can be booked, and every
aligned window not offered is refused as taken or outside opening hours."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from scheduling import availability, services
from scheduling.errors import OutsideOpeningHours, SlotTaken
from scheduling.models import Source

from ..api.conftest import problem_of, session_api
from ..conftest import snapshot
from ..factories import LocationFactory, ProfessionalFactory, RoomFactory

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
ALL_DAY = [(weekday, time(0), time(0)) for weekday in range(7)]  # 00:00 → midnight


def windows(day: date, minutes: int, *, last_day: date | None = None, **filters):
    return availability.free_windows(
        first_day=day, last_day=last_day or day, minutes=minutes, **filters
    )


def local_starts(found, room=None) -> list[str]:
    return [
        w.local_starts_at.strftime("%H:%M") for w in found if room is None or w.room_id == room.pk
    ]


def quarter_hours(first: str, last: str) -> list[str]:
    """Every quarter hour from `first` to `last` inclusive, as HH:MM."""
    clock = datetime.combine(date(2000, 1, 1), time.fromisoformat(first))
    end = datetime.combine(date(2000, 1, 1), time.fromisoformat(last))
    out = []
    while clock <= end:
        out.append(clock.strftime("%H:%M"))
        clock += timedelta(minutes=15)
    return out


# ---------------------------------------------------------------- opening hours


def test_an_empty_room_is_free_for_every_aligned_window_inside_opening_hours(room, day):
    found = windows(day, 60, rooms=[room.pk])

    assert local_starts(found) == quarter_hours("07:00", "21:00")
    for window in found:
        assert window.ends_at - window.starts_at == timedelta(minutes=60)
        assert window.local_starts_at.date() == day
        assert window.tz == "Europe/Lisbon"


def test_each_weekday_has_its_own_hours_and_a_weekday_without_hours_has_none(day):
    hours = [(0, time(9), time(13)), (1, time(14), time(18))]  # Monday, Tuesday only
    room = RoomFactory(location=LocationFactory(hours=hours))
    monday = day - timedelta(days=day.weekday())

    found = windows(monday, 60, last_day=monday + timedelta(days=6), rooms=[room.pk])

    by_day = {}
    for window in found:
        by_day.setdefault(window.local_starts_at.date(), []).append(window)
    assert set(by_day) == {monday, monday + timedelta(days=1)}
    assert local_starts(by_day[monday]) == quarter_hours("09:00", "12:00")
    assert local_starts(by_day[monday + timedelta(days=1)]) == quarter_hours("14:00", "17:00")


def test_windows_sit_on_the_quarter_hour_and_a_longer_step_thins_them(room, day):
    found = windows(day, 45, rooms=[room.pk])
    hourly = availability.free_windows(
        first_day=day, last_day=day, minutes=45, rooms=[room.pk], step_minutes=60
    )

    assert all(w.local_starts_at.minute % 15 == 0 for w in found)
    assert all(w.starts_at.second == 0 and w.starts_at.microsecond == 0 for w in found)
    assert local_starts(found) == quarter_hours("07:00", "21:15")
    assert local_starts(hourly) == [f"{hour:02d}:00" for hour in range(7, 22)]


@pytest.mark.parametrize(("minutes", "step"), [(0, 15), (7, 15), (50, 15), (60, 20), (60, 0)])
def test_a_length_or_step_off_the_grid_is_a_programming_error(room, day, minutes, step):
    with pytest.raises(ValueError, match="multiple of 15"):
        availability.free_windows(
            first_day=day, last_day=day, minutes=minutes, rooms=[room.pk], step_minutes=step
        )


def test_lengths_outside_the_locations_limits_have_no_windows(day):
    location = LocationFactory(min_booking_minutes=30, max_booking_minutes=120)
    room = RoomFactory(location=location)

    assert windows(day, 15, rooms=[room.pk]) == []
    assert windows(day, 135, rooms=[room.pk]) == []
    assert local_starts(windows(day, 30, rooms=[room.pk]))[0] == "07:00"
    assert local_starts(windows(day, 120, rooms=[room.pk]))[-1] == "20:00"


def test_lisbon_spring_forward_day_opens_at_seven_local_and_an_all_day_room_has_23_hours():
    spring = date(2027, 3, 28)  # 01:00 → 02:00
    room = RoomFactory(location=LocationFactory(tz="Europe/Lisbon"))
    all_day = RoomFactory(location=LocationFactory(tz="Europe/Lisbon", hours=ALL_DAY))

    before = windows(spring - timedelta(days=1), 60, rooms=[room.pk])
    on_the_day = windows(spring, 60, rooms=[room.pk])

    assert before[0].starts_at == datetime(2027, 3, 27, 7, tzinfo=UTC)  # WET = UTC
    assert on_the_day[0].starts_at == datetime(2027, 3, 28, 6, tzinfo=UTC)  # WEST = UTC+1
    assert local_starts(on_the_day) == quarter_hours("07:00", "21:00")
    assert len(windows(spring, 15, rooms=[all_day.pk])) == 23 * 4
    assert len(windows(spring - timedelta(days=1), 15, rooms=[all_day.pk])) == 24 * 4
    skipped = {w.local_starts_at.hour for w in windows(spring, 15, rooms=[all_day.pk])}
    assert 1 not in skipped, "01:00–02:00 does not exist that night"


def test_lisbon_fall_back_day_has_25_hours_and_the_repeated_hour_twice():
    autumn = date(2027, 10, 31)  # 02:00 → 01:00
    all_day = RoomFactory(location=LocationFactory(tz="Europe/Lisbon", hours=ALL_DAY))

    found = windows(autumn, 15, rooms=[all_day.pk])

    assert len(found) == 25 * 4
    assert local_starts(found).count("01:30") == 2
    assert len({w.starts_at for w in found}) == len(found)


@pytest.mark.parametrize(
    "day",
    [date(2027, 1, 15), date(2027, 7, 15), date(2027, 11, 7), date(2028, 2, 20)],
    ids=["january", "july", "old-dst-start", "old-dst-end"],
)
def test_sao_paulo_keeps_utc_minus_three_all_year(day):
    room = RoomFactory(location=LocationFactory(tz="America/Sao_Paulo"))

    found = windows(day, 60, rooms=[room.pk])

    assert found[0].starts_at == datetime.combine(day, time(10), tzinfo=UTC)  # 07:00 local
    assert found[-1].ends_at == datetime.combine(day + timedelta(days=1), time(1), tzinfo=UTC)
    assert local_starts(found) == quarter_hours("07:00", "21:00")


def test_each_location_is_read_in_its_own_zone(day):
    lisbon = RoomFactory(location=LocationFactory(tz="Europe/Lisbon"))
    sao_paulo = RoomFactory(location=LocationFactory(tz="America/Sao_Paulo"))

    found = windows(day, 60, rooms=[lisbon.pk, sao_paulo.pk])

    assert local_starts(found, lisbon) == quarter_hours("07:00", "21:00")
    assert local_starts(found, sao_paulo) == quarter_hours("07:00", "21:00")
    assert {w.tz for w in found} == {"Europe/Lisbon", "America/Sao_Paulo"}
    assert found == sorted(found, key=lambda w: (w.starts_at, w.location_name, w.room_name))


# ---------------------------------------------------------------- what is taken


def test_a_booking_takes_its_windows_and_cancelling_it_frees_them(book, room, pro_a, at, day):
    empty = windows(day, 60, rooms=[room.pk])
    booking = book(room, pro_a, at("10:00"), at("11:00"))

    taken = local_starts(windows(day, 60, rooms=[room.pk]))
    services.cancel(booking, by=None, source=Source.SYSTEM)

    assert taken == [s for s in quarter_hours("07:00", "21:00") if not "09:15" <= s <= "10:45"]
    assert windows(day, 60, rooms=[room.pk]) == empty


def test_executed_and_no_show_bookings_still_hold_their_room(book, room, pro_a, pro_b, at, day):
    past = day - timedelta(days=14)
    executed = book(room, pro_a, at("09:00", on=past), at("10:00", on=past), allow_past=True)
    no_show = book(room, pro_b, at("12:00", on=past), at("13:00", on=past), allow_past=True)
    services.mark_executed(executed, by=None, source=Source.SYSTEM)
    services.mark_no_show(no_show, by=None, source=Source.SYSTEM)

    starts = local_starts(windows(past, 60, rooms=[room.pk]))

    assert "09:00" not in starts and "12:00" not in starts
    assert "10:00" in starts and "13:00" in starts


def test_with_a_professional_their_bookings_elsewhere_block_too(
    book, room, other_room, pro_a, at, day
):
    book(other_room, pro_a, at("12:00"), at("13:00"))

    for_anyone = local_starts(windows(day, 60, rooms=[room.pk]))
    for_a = local_starts(windows(day, 60, rooms=[room.pk], professional_id=pro_a.pk))

    assert "12:00" in for_anyone
    assert "12:00" not in for_a and "11:45" not in for_a and "13:00" in for_a


def test_inactive_rooms_have_no_free_time_even_when_asked_for_by_id(room, other_room, day):
    other_room.active = False
    other_room.save(update_fields=["active"])

    by_location = windows(day, 60, locations=[room.location_id])
    by_id = windows(day, 60, rooms=[other_room.pk])

    assert {w.room_id for w in by_location} == {room.pk}
    assert by_id == []


def test_not_before_drops_windows_that_have_started(room, location):
    now = timezone.now()
    today = now.astimezone(location.zone).date()

    found = windows(today, 15, last_day=today + timedelta(days=1), rooms=[room.pk])
    later = availability.free_windows(
        first_day=today,
        last_day=today + timedelta(days=1),
        minutes=15,
        rooms=[room.pk],
        not_before=now,
    )

    assert later == [w for w in found if w.starts_at >= now]


# ---------------------------------------------------------------- agrees with the service


@pytest.mark.parametrize("minutes", [45, 60])
def test_every_window_offered_can_be_booked_and_every_other_is_refused(
    book, room, other_room, pro_a, pro_b, at, day, minutes
):
    """Over a whole local day, for each room and every aligned start: offered → booking it
    succeeds; not offered → refused as taken or outside opening hours, changing nothing."""
    book(room, pro_b, at("09:00"), at("10:30"))
    book(other_room, pro_a, at("11:00"), at("12:00"))
    services.cancel(book(room, pro_b, at("13:00"), at("14:00")), by=None, source=Source.SYSTEM)
    book(room, pro_a, at("15:00"), at("15:45"))
    newcomer = ProfessionalFactory()
    offered = {
        (w.room_id, w.starts_at, w.ends_at)
        for w in windows(day, minutes, rooms=[room.pk, other_room.pk], professional_id=pro_a.pk)
    }
    assert offered, "the day has free time"

    for professional, free in ((pro_a, offered), (newcomer, None)):
        if free is None:
            free = {
                (w.room_id, w.starts_at, w.ends_at)
                for w in windows(day, minutes, rooms=[room.pk, other_room.pk])
            }
        for target in (room, other_room):
            for clock in quarter_hours("00:00", "23:45"):
                starts_at = at(clock).astimezone(UTC)
                ends_at = starts_at + timedelta(minutes=minutes)
                if (target.pk, starts_at, ends_at) in free:
                    booking = book(target, professional, starts_at, ends_at)
                    services.cancel(booking, by=None, source=Source.SYSTEM)
                else:
                    before = snapshot()
                    with pytest.raises((SlotTaken, OutsideOpeningHours)):
                        book(target, professional, starts_at, ends_at)
                    assert snapshot() == before


# ---------------------------------------------------------------- the API says the same


def _api_windows(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:500]
    return [
        (
            w["room"]["id"],
            datetime.fromisoformat(w["starts_at"]),
            datetime.fromisoformat(w["ends_at"]),
            _wall_clock(datetime.fromisoformat(w["local_starts_at"])),
        )
        for w in response.json()
    ]


def _function_windows(found) -> list[tuple]:
    return [(w.room_id, w.starts_at, w.ends_at, _wall_clock(w.local_starts_at)) for w in found]


def _wall_clock(moment: datetime) -> tuple:
    return moment.replace(tzinfo=None), moment.utcoffset()


def test_the_api_returns_what_the_function_returns(
    staff, book, room, other_room, pro_a, pro_b, at, day
):
    book(room, pro_b, at("09:00"), at("10:30"))
    book(other_room, pro_a, at("11:00"), at("12:00"))
    query = {"from": day, "to": day + timedelta(days=1), "minutes": 60}

    as_staff = session_api(staff)
    as_a = session_api(pro_a.user)
    everyone = _api_windows(as_staff.get("/availability", location=room.location_id, **query))
    only_a = _api_windows(as_a.get("/availability", **query))

    expected = dict(first_day=day, last_day=day + timedelta(days=1), minutes=60)
    assert everyone == _function_windows(
        availability.free_windows(locations=[room.location_id], **expected)
    )
    assert only_a == _function_windows(
        availability.free_windows(professional_id=pro_a.pk, **expected)
    )
    assert everyone != only_a


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"to": "+31"}, None, "at most 31 days"),
        ({"minutes": 50}, "minutes", "multiple of 15"),
        ({"minutes": 0}, "minutes", "at least 15"),
        ({"location": 987654}, "location", "no location 987654"),
        ({"room": 987654}, "room", "no room 987654"),
    ],
)
def test_bad_availability_queries_answer_422_problems(staff, room, day, params, field, words):
    query = {"from": day.isoformat(), "to": day.isoformat(), "minutes": 60, **params}
    if query["to"] == "+31":
        query["to"] = (day + timedelta(days=31)).isoformat()

    body = problem_of(session_api(staff).get("/availability", **query), 422)

    assert words in body["detail"], body
    assert any(error["field"] == field for error in body["errors"]), body


# ---------------------------------------------------------------- nearest alternatives


def reference_alternatives(room, professional, starts_at, ends_at, not_before, count=3):
    """The definition, spelled out the slow way: every free window of the same length in
    the location within a day either side, without the refused one, nearest first (the
    same room on a tie, then the earlier start, then by room name)."""
    zone = room.location.zone
    local_day = starts_at.astimezone(zone).date()
    found = availability.free_windows(
        first_day=local_day - timedelta(days=1),
        last_day=local_day + timedelta(days=1),
        minutes=int((ends_at - starts_at).total_seconds() // 60),
        locations=[room.location_id],
        professional_id=professional.pk,
        not_before=not_before,
    )
    found = [w for w in found if not (w.room_id == room.pk and w.starts_at == starts_at)]
    found.sort(key=lambda w: (abs(w.starts_at - starts_at), w.room_id != room.pk, w.starts_at))
    return found[:count]


@pytest.mark.parametrize("seed", range(6))
def test_the_nearest_alternatives_are_the_nearest_free_windows_by_definition(seed, staff, day):
    """`nearest_alternatives` walks outwards from the wanted time instead of listing every
    window of three days; on random busy days it must give exactly what the definition
    gives, for the professional who asked."""
    import random

    rng = random.Random(seed)
    location = LocationFactory(
        hours=[(weekday, time(8), time(13)) for weekday in range(7)], max_booking_minutes=240
    )
    rooms = [RoomFactory(location=location, name=f"Room {name}") for name in "CAB"]
    people = [ProfessionalFactory() for _ in range(3)]
    for _ in range(40):
        start = datetime.combine(
            day + timedelta(days=rng.choice([-1, 0, 0, 1])),
            time(8 + rng.randrange(5), 15 * rng.randrange(4)),
            tzinfo=location.zone,
        )
        try:
            services.book(
                room=rng.choice(rooms),
                professional=rng.choice(people),
                starts_at=start,
                ends_at=start + timedelta(minutes=15 * rng.randint(1, 8)),
                by=staff,
                source=Source.BACKOFFICE,
            )
        except (SlotTaken, OutsideOpeningHours):
            pass
    now = timezone.now()
    for _ in range(25):
        room, professional = rng.choice(rooms), rng.choice(people)
        starts_at = datetime.combine(
            day, time(8 + rng.randrange(5), 15 * rng.randrange(4)), tzinfo=location.zone
        )
        ends_at = starts_at + timedelta(minutes=15 * rng.randint(1, 12))

        fast = availability.nearest_alternatives(
            room=room,
            professional_id=professional.pk,
            starts_at=starts_at,
            ends_at=ends_at,
            not_before=now,
        )

        assert fast == reference_alternatives(room, professional, starts_at, ends_at, now)
