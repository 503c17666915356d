"""The statement's charges as fixed-width lines (billing.listing): one line per charge,
columns that line up, nothing cut."""

from decimal import Decimal

from billing import ledger, listing
from billing.models import Statement
from billing.services import issue_statement
from scheduling.models import Booking, Source
from tests.factories import RoomFactory

from .conftest import pdf_text


def charges_of(professional):
    return ledger.charges(
        Booking.objects.filter(professional=professional).select_related("room__location")
    )


def test_every_charge_is_one_line_with_its_columns_lined_up(past, pro_a, other_room):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    past("2026-10-06", "09:00", "10:30", pro_a, state="no_show", on_room=other_room)
    past("2026-10-07", "09:00", "09:30", pro_a, state="cancelled")  # late: after the start
    charges = charges_of(pro_a)
    total = sum(c.amount for c in charges)
    result = listing.charge_listing(charges, "EUR", total)
    lines = [row.text for row in result.rows]
    assert all("\n" not in line for line in lines)
    assert lines[0].startswith("Mon, 05/10/2026  09:00–10:00")
    assert "Sala 2" in lines[1] and "1 h 30 min" in lines[1] and "No-show" in lines[1]
    assert "Late cancellation" in lines[2]
    # Amounts are right-aligned in one column that ends where the header's title ends.
    ends = {
        line.rstrip().rfind(amount) + len(amount)
        for line, amount in zip(lines, ["40.00", "60.00", "10.00"], strict=True)
    }
    assert ends == {len(result.header)} == {len(result.footer)}
    assert result.header.endswith("AMOUNT (EUR)")
    assert result.footer.startswith("Total of 3 charges") and result.footer.endswith("110.00")
    # Every column starts at the same place on every line.
    room_column = result.header.index("ROOM")
    assert {line[room_column : room_column + 6] for line in lines} == {"Sala 1", "Sala 2"}
    assert [row.exceptional for row in result.rows] == [False, True, True]


def test_a_name_too_long_for_its_column_wraps_and_is_never_cut(past, pro_a, location):
    long_room = RoomFactory(
        location=location,
        name="Consultório de Fisioterapia e Reabilitação Desportiva Avançada Número Quatro",
        hourly_price=Decimal("40.00"),
    )
    location.name = "Clínica Integrada do Parque das Nações, Edifício Norte, Piso 3"
    location.save()
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed", on_room=long_room)
    result = listing.charge_listing(charges_of(pro_a), "EUR", Decimal("40.00"))
    (row,) = result.rows
    lines = row.text.split("\n")
    assert len(lines) > 1  # the names took continuation lines of the same charge
    assert all(listing.text_width(line) <= listing.LINE_WIDTH for line in lines)
    assert lines[0].startswith("Mon, 05/10/2026  09:00–10:00") and lines[0].endswith("40.00")
    header = result.header

    def column(start_title, end_title):
        start, end = header.index(start_title), header.index(end_title)
        return " ".join(" ".join(line[start:end].strip() for line in lines).split())

    assert column("ROOM", "LOCATION") == long_room.name
    assert column("LOCATION", "LENGTH") == location.name


def test_widths_count_characters_as_a_monospaced_font_prints_them():
    assert listing.text_width("Sala 1") == 6
    assert listing.text_width("São Paulo – Jardins") == 19
    assert listing.text_width("Sa\u0303o") == 3  # a combining tilde takes no room
    assert listing.text_width("診察室") == 6  # wide characters take two


def test_the_pdf_reads_each_charge_as_one_line(past, pro_a, staff):
    past("2026-10-05", "09:00", "10:00", pro_a, state="executed")
    statement = issue_statement(pro_a, 2026, 10, by=staff, source=Source.BACKOFFICE)
    text = pdf_text(Statement.objects.get(pk=statement.pk).pdf)
    line = next(line for line in text.splitlines() if "05/10/2026" in line)
    assert line.split() == [
        "Mon,",
        "05/10/2026",
        "09:00–10:00",
        "Sala",
        "1",
        "Lisboa",
        "Centro",
        "1",
        "h",
        "Executed",
        "40.00",
    ]
