"""The backoffice calendar's grids: what a receptionist sees for a day or a week.

Everything here is read-only and costs a constant number of queries whatever the number of
bookings (locations, rooms, opening hours, bookings). Times shown are the location's local
time; positions are wall-clock minutes since the location's local midnight, so a booking's
fragment can be placed in a room column without knowing the rest of the grid (the live
stream sends single fragments)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts import formats
from backoffice import calendar_html, calendar_patients
from billing import ledger, marks
from scheduling import availability, timeslots
from scheduling.models import (
    Booking,
    BookingStatus,
    Location,
    OpeningHours,
    Room,
    SessionType,
)


@dataclass(frozen=True)
class BookingCard:
    """One booking as the staff calendar shows it."""

    pk: int
    room_id: int
    room_name: str
    location_id: int
    professional_id: int
    professional_name: str
    status: str
    status_label: str
    notes: str
    cancellation_reason: str
    starts_at: datetime
    ends_at: datetime
    local_day: date
    start_label: str
    end_label: str
    start_minute: int  # wall-clock minutes since local midnight
    minutes: int
    payment_state: str = ""  # billing.ledger.PaymentState
    location_name: str = ""
    zone: ZoneInfo | None = None

    @property
    def zone_label(self) -> str:
        """The location's offset or abbreviation at the booking's start ("-03", "WET"), for
        lists that mix locations."""
        return formats.offset(self.starts_at.astimezone(self.zone)) if self.zone else ""

    cancelled_late: bool = False
    late_fee_waived: bool = False
    session_type: str = SessionType.ON_SITE
    # The session's patients as reception reads them (calendar_patients.names_by_booking).
    patients: tuple[tuple[int, str], ...] = ()

    @property
    def patient_ids(self) -> list[int]:
        return [pk for pk, _name in self.patients]

    @property
    def patient_names(self) -> str:
        return ", ".join(name for _pk, name in self.patients)

    @property
    def is_virtual(self) -> bool:
        return self.session_type == SessionType.VIRTUAL

    @property
    def is_booked(self) -> bool:
        return self.status == BookingStatus.BOOKED

    @property
    def is_cancelled(self) -> bool:
        return self.status == BookingStatus.CANCELLED


def _card(row: dict, zone, labels: dict) -> BookingCard:
    starts_at, ends_at = row["starts_at"].astimezone(UTC), row["ends_at"].astimezone(UTC)
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    return BookingCard(
        pk=row["pk"],
        room_id=row["room_id"],
        room_name=row["room__name"],
        location_id=row["room__location_id"],
        professional_id=row["professional_id"],
        professional_name=row["professional__name"],
        status=row["status"],
        status_label=labels[row["status"]],
        notes=row["notes"],
        cancellation_reason=row["cancellation_reason"],
        starts_at=starts_at,
        ends_at=ends_at,
        local_day=local_start.date(),
        start_label=f"{local_start.hour:02d}:{local_start.minute:02d}",  # strftime: 3× slower
        end_label=f"{local_end.hour:02d}:{local_end.minute:02d}",
        start_minute=local_start.hour * 60 + local_start.minute,
        minutes=int((ends_at - starts_at).total_seconds() // 60),
        payment_state=row.get("payment_state", ""),
        location_name=row.get("room__location__name", ""),
        zone=zone,
        cancelled_late=row.get("cancelled_late", False),
        late_fee_waived=row.get("late_fee_waived", False),
        session_type=row.get("session_type", SessionType.ON_SITE),
        patients=tuple(row.get("patients", ())),
    )


CARD_FIELDS = (
    "pk",
    "room_id",
    "room__name",
    "room__location_id",
    "room__location__tz",
    "room__location__name",
    "professional_id",
    "professional__name",
    "status",
    "notes",
    "cancellation_reason",
    "starts_at",
    "ends_at",
    "session_type",
)


def _status_labels() -> dict:
    return {value: str(label) for value, label in BookingStatus.choices}


def cards_of(queryset) -> list[BookingCard]:
    """Cards straight from rows: a week of thousands of bookings without building models.
    Their patients' names take one query more (two when any booking has patients)."""
    labels = _status_labels()
    names = calendar_patients.names_by_booking(queryset.values("pk"))
    zones: dict[str, ZoneInfo] = {}
    cards = []
    policies = ledger.Policies()
    rows = marks.with_payment_fields(queryset).values(*CARD_FIELDS, *marks.PAYMENT_FIELDS)
    for row in rows:
        row["payment_state"] = marks.state_of_row(row, row["room__location_id"], policies)
        tz = row["room__location__tz"]
        zone = zones.get(tz) or zones.setdefault(tz, ZoneInfo(tz))
        row["patients"] = names.get(row["pk"], ())
        cards.append(_card(row, zone, labels))
    return cards


def card_for(booking: Booking, charge: ledger.Charge | None = None) -> BookingCard:
    """Needs `room__location` and `professional` loaded (Booking.objects.for_page()).
    `charge`: the booking's ledger charge when the caller has it already."""
    if charge is None:
        charge = ledger.booking_charge(booking)
    row = {
        "pk": booking.pk,
        "room_id": booking.room_id,
        "room__name": booking.room.name,
        "room__location_id": booking.room.location_id,
        "room__location__name": booking.room.location.name,
        "professional_id": booking.professional_id,
        "professional__name": booking.professional.name,
        "status": booking.status,
        "notes": booking.notes,
        "cancellation_reason": booking.cancellation_reason,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "payment_state": charge.payment_state,
        "cancelled_late": booking.cancelled_late,
        "late_fee_waived": booking.late_fee_waived,
        "session_type": booking.session_type,
        "patients": calendar_patients.names_by_booking([booking.pk]).get(booking.pk, ()),
    }
    return _card(row, booking.room.location.zone, _status_labels())


def render_booking(card: BookingCard) -> str:
    """The day-view fragment of one booking (the same HTML the grid uses)."""
    return calendar_html.booking_block(card)


@dataclass
class Row:
    at: str  # UTC start of the slot, ISO 8601
    label: str  # local HH:MM
    on_the_hour: bool


@dataclass
class RoomColumn:
    room: Room
    cards: list[BookingCard] = field(default_factory=list)
    cells: SafeString = SafeString("")

    @property
    def bookings_html(self) -> SafeString:
        return mark_safe("".join(calendar_html.booking_block(c) for c in self.cards))  # noqa: S308


@dataclass
class LocationDay:
    location: Location
    local_day: date
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    open_minute: int = 0
    rows: list[Row] = field(default_factory=list)
    columns: list[RoomColumn] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.opens_at is not None


@dataclass
class WeekRow:
    room: Room
    days: list[list[BookingCard]]


@dataclass
class LocationWeek:
    location: Location
    days: list[date]
    open_days: set[date]
    rows: list[WeekRow]
    today: date | None = None  # the location's own today (zones differ by hours)

    @property
    def rows_html(self) -> SafeString:
        index = self.days.index(self.today) if self.today in self.days else None
        return calendar_html.week_rows(self.rows, index)


def locations_for(ids: list[int] | None):
    """The locations to show, with their active rooms and opening hours (three queries)."""
    queryset = Location.objects.prefetch_related(
        # The Online lane (virtual sessions) after the rooms.
        Prefetch("rooms", queryset=Room.objects.filter(active=True).order_by("is_virtual", "name")),
        Prefetch("opening_hours", queryset=OpeningHours.objects.all()),
    ).order_by("name")
    if ids:
        queryset = queryset.filter(pk__in=ids)
    return list(queryset)


def _bookings(locations, first: datetime, last: datetime, *, with_cancelled: bool):
    queryset = Booking.objects.filter(
        room__location__in=[loc.pk for loc in locations], room__active=True
    ).overlapping(first, last)
    if not with_cancelled:
        queryset = queryset.active()
    return cards_of(queryset.order_by("starts_at", "pk"))


def _local_bounds(locations, first_day: date, last_day: date) -> tuple[datetime, datetime]:
    starts = [timeslots.local_midnight(first_day, loc.zone) for loc in locations]
    ends = [timeslots.local_midnight(last_day + timedelta(days=1), loc.zone) for loc in locations]
    return min(starts).astimezone(UTC), max(ends).astimezone(UTC)


def day_grid(
    locations, local_day: date, *, with_cancelled: bool, reader=None, path: str = ""
) -> list[LocationDay]:
    """Per location: the 15-minute rows of its opening hours on `local_day` and one column
    per active room holding that day's bookings. `reader` (an accounts.audit.Actor): whose
    reading of the cards' patient names is recorded."""
    if not locations:
        return []
    first, last = _local_bounds(locations, local_day, local_day)
    by_room: dict[int, list[BookingCard]] = defaultdict(list)
    shown = [
        card
        for card in _bookings(locations, first, last, with_cancelled=with_cancelled)
        if card.local_day == local_day
    ]
    for card in shown:
        by_room[card.room_id].append(card)
    # The reader read every name these cards show: one insert for the whole render.
    calendar_patients.record_calendar_reads(reader, shown, path)
    grids = []
    for location in locations:
        grid = LocationDay(location=location, local_day=local_day)
        interval = availability.opening_interval(location, local_day)
        if interval is not None:
            grid.opens_at, grid.closes_at = interval
            local_open = grid.opens_at.astimezone(location.zone)
            grid.open_minute = local_open.hour * 60 + local_open.minute
            for slot in timeslots.slot_starts(*interval):
                local = slot.astimezone(location.zone)
                grid.rows.append(Row(slot.isoformat(), local.strftime("%H:%M"), local.minute == 0))
        grid.columns = [
            RoomColumn(
                room, by_room[room.pk], calendar_html.free_cells(room, grid.rows, first=not i)
            )
            for i, room in enumerate(location.rooms.all())
        ]
        grids.append(grid)
    return grids


def week_of(local_day: date) -> list[date]:
    """The seven days of `local_day`'s week, from the day weeks start on where the reader's
    language is written (CLDR: Monday in British English, Sunday in Brazil, Portugal and
    Peru)."""
    first = local_day - timedelta(days=(local_day.weekday() - formats.first_weekday()) % 7)
    return [first + timedelta(days=n) for n in range(7)]


def week_grid(
    locations, local_day: date, *, with_cancelled: bool, reader=None, path: str = ""
) -> list[LocationWeek]:
    """Per location: one row per active room, one cell per day of the week (from the
    reader's first day) listing that day's bookings in time order."""
    if not locations:
        return []
    days = week_of(local_day)
    first, last = _local_bounds(locations, days[0], days[-1])
    cells: dict[tuple[int, date], list[BookingCard]] = defaultdict(list)
    shown = [
        card
        for card in _bookings(locations, first, last, with_cancelled=with_cancelled)
        if days[0] <= card.local_day <= days[-1]
    ]
    for card in shown:
        cells[(card.room_id, card.local_day)].append(card)
    calendar_patients.record_calendar_reads(reader, shown, path)
    weeks = []
    for location in locations:
        open_days = {d for d in days if availability.opening_interval(location, d) is not None}
        rows = [WeekRow(room, [cells[(room.pk, d)] for d in days]) for room in location.rooms.all()]
        today = timezone.now().astimezone(location.zone).date()
        weeks.append(LocationWeek(location, days, open_days, rows, today))
    return weeks
