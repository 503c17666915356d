"""Revenue agreements over the API: a manager lists, reads, creates and changes them; a
professional reads only their own; reception none; bad input is a 422 problem."""

import pytest

from billing.models import RevenueAgreement
from tests.api.conftest import problem_of

pytestmark = pytest.mark.django_db


def agreement(pro, **extra):
    return {
        "professional_id": pro.pk,
        "valid_from": "2026-01-01",
        "model": "commission",
        "clinic_share_percent": "35",
        "collector": "clinic",
        **extra,
    }


def test_a_manager_creates_and_changes_a_commission_agreement(as_manager, pro_a):
    created = as_manager.post("/revenue-agreements", agreement(pro_a))

    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["model"], out["clinic_share_percent"], out["collector"]) == (
        "commission",
        "35.00",
        "clinic",
    )
    changed = as_manager.patch(
        f"/revenue-agreements/{out['id']}", {"valid_until": "2026-06-30", "model": "both"}
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["model"], changed.json()["valid_until"]) == ("both", "2026-06-30")


def test_a_professional_reads_only_their_own_agreements(as_manager, as_a, as_b, pro_a):
    pk = as_manager.post("/revenue-agreements", agreement(pro_a)).json()["id"]

    assert [a["id"] for a in as_a.get("/revenue-agreements").json()] == [pk]
    assert as_a.get(f"/revenue-agreements/{pk}").status_code == 200
    assert as_b.get("/revenue-agreements").json() == []
    problem_of(as_b.get(f"/revenue-agreements/{pk}"), 404)
    problem_of(as_a.patch(f"/revenue-agreements/{pk}", {"note": "mine"}), 403)


def test_reception_neither_reads_nor_writes_agreements(as_staff, pro_a):
    problem_of(as_staff.get("/revenue-agreements"), 403)
    problem_of(as_staff.post("/revenue-agreements", agreement(pro_a)), 403)

    assert not RevenueAgreement.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [
        {"clinic_share_percent": None},
        {"clinic_share_percent": "101"},
        {"clinic_share_percent": 35},
        {"model": "barter"},
        {"collector": "nobody"},
        {"valid_until": "2025-12-31"},
        {"professional_id": True},
    ],
)
def test_bad_agreements_are_422_problems_and_write_nothing(as_manager, pro_a, extra):
    problem_of(as_manager.post("/revenue-agreements", agreement(pro_a, **extra)), 422)

    assert not RevenueAgreement.objects.exists()


def test_an_overlapping_period_is_refused(as_manager, pro_a):
    as_manager.post("/revenue-agreements", agreement(pro_a, valid_until="2026-06-30"))

    problem = problem_of(
        as_manager.post("/revenue-agreements", agreement(pro_a, valid_from="2026-06-01")), 422
    )

    assert "valid_from" in str(problem["errors"])
    assert RevenueAgreement.objects.count() == 1
