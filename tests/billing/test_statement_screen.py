"""The statement as a finance reader sees it: a month across the DST change with
executed sessions in two rooms, a no-show, a late cancellation, a room whose name wraps,
payments and a reversal; page 1 rendered to PNG with pdftoppm (poppler-utils).

Written to var/screens/ on every run; with UPDATE_SCREENSHOTS=1 to docs/screens/."""

import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from billing.services import issue_statement, record_payment, reverse_payment
from scheduling.models import Source
from tests.factories import RoomFactory

from .conftest import pdf_text

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") else "var") / "screens"


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs pdftoppm (poppler-utils)")
@pytest.mark.parametrize(
    ("language", "name", "title"),
    [("en", "statement", "Monthly statement"), ("es", "statement-es", "Estado de cuenta mensual")],
)
def test_a_rendered_statement_page(
    past, pro_a, room, other_room, location, staff, policy, language, name, title
):
    """In English, and in Spanish for a professional who reads Spanish (the PDF follows
    the reader's choice, not the issuer's)."""
    from accounts import languages

    languages.choose(pro_a.user, language, by=pro_a.user, source=Source.PORTAL)
    garden = RoomFactory(
        location=location,
        name="Consultório do Jardim (piso térreo, acesso pelo pátio)",
        hourly_price=Decimal("45.00"),
    )
    days = [f"2026-10-{d:02d}" for d in (19, 20, 21, 22, 23, 24, 26, 27, 28, 29, 30)]
    for n, day in enumerate(days):
        target = (room, other_room)[n % 2]
        past(day, "09:00", "10:00", pro_a, state="executed", on_room=target)
        past(day, "14:00", "15:30", pro_a, state="executed", on_room=target)
    past("2026-10-25", "10:00", "11:00", pro_a, state="executed", on_room=garden)  # DST day
    past("2026-10-27", "18:00", "19:00", pro_a, state="no_show")
    past("2026-10-28", "18:00", "19:00", pro_a, state="cancelled")  # late
    for amount, on in (("300.00", date(2026, 10, 15)), ("250.00", date(2026, 10, 30))):
        payment = record_payment(
            professional=pro_a,
            amount=amount,
            currency="EUR",
            method="card",
            received_on=on,
            note="Card",
            by=staff,
            source=Source.BACKOFFICE,
        )
    reverse_payment(
        payment,
        reason="Sent twice by the bank",
        on=date(2026, 10, 31),
        by=staff,
        source=Source.BACKOFFICE,
    )
    statement = issue_statement(pro_a, 2026, 10, by=staff, source=Source.BACKOFFICE)
    text = pdf_text(statement.pdf)
    assert "Consultório do Jardim" in text and title in text
    SCREENS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENS / f"{name}.pdf"
    pdf.write_bytes(bytes(statement.pdf))
    try:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(SCREENS / name),
            ],
            check=True,
        )
    finally:
        pdf.unlink()
    assert (SCREENS / f"{name}.png").stat().st_size > 10_000
