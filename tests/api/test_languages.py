"""The API's sentences follow Accept-Language: a refusal, a conflict and bad input read in
Portuguese or Spanish when the caller asks for it, and say which language they are in."""

import pytest

from .conftest import problem_of

pytestmark = pytest.mark.django_db


def booking(room, pro, at, start, end):
    return {
        "room_id": room.pk,
        "professional_id": pro.pk,
        "starts_at": at(start).isoformat(),
        "ends_at": at(end).isoformat(),
    }


@pytest.mark.parametrize(
    ("language", "misaligned", "taken"),
    [
        ("pt-BR", "intervalos de 15 minutos", "já"),
        ("pt-PT", "múltiplos de 15 minutos", "já"),
        ("es-PE", "cuartos de hora", "ya"),
    ],
)
def test_problems_are_in_the_callers_language(
    as_staff, room, pro_a, pro_b, at, language, misaligned, taken
):
    headers = {"Accept-Language": language}
    response = as_staff.post(
        "/bookings", booking(room, pro_a, at, "09:10", "10:00"), headers=headers
    )
    problem = problem_of(response, 422)
    assert misaligned in problem["detail"], problem["detail"]
    assert response["Content-Language"] == language.lower().replace("-pe", "")

    assert as_staff.post("/bookings", booking(room, pro_a, at, "09:00", "10:00")).status_code == 201
    response = as_staff.post(
        "/bookings", booking(room, pro_b, at, "09:00", "10:00"), headers=headers
    )
    problem = problem_of(response, 409)
    assert taken in problem["detail"], problem["detail"]
    assert "already" not in problem["detail"]


def test_without_accept_language_the_api_speaks_english(as_staff, room, pro_a, at):
    response = as_staff.post("/bookings", booking(room, pro_a, at, "09:10", "10:00"))
    assert "quarter hour" in problem_of(response, 422)["detail"]
