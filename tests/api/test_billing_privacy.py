"""A professional never learns another professional's money: not their payments, charges,
balance or statements, not from a list, a detail, a filter naming them, or a refusal."""

import pytest

from billing import services
from scheduling.models import Source

from .conftest import session_api, token_api

pytestmark = pytest.mark.django_db

SECRETS_OF_B = ["Bruno", "Brito", "bruno.brito@example.test", "922 222 222", "B's cash"]


def test_nothing_a_reads_of_billing_names_b_or_shows_bs_money(
    staff, pro_a, pro_b, room, at, past_day, book
):
    audit = {"by": staff, "source": Source.BACKOFFICE}
    mine = book(room, pro_a, at("09:00", on=past_day), at("10:00", on=past_day), allow_past=True)
    theirs = book(room, pro_b, at("11:00", on=past_day), at("12:30", on=past_day), allow_past=True)
    their_payment = services.record_payment(
        professional=pro_b,
        amount="37.77",
        currency="EUR",
        method="card",
        received_on=None,
        note="B's cash",
        **audit,
    )
    services.record_payment(
        professional=pro_a, amount="40", currency="EUR", method="cash", received_on=None, **audit
    )
    their_statement = services.issue_statement(pro_b, past_day.year, past_day.month, **audit)
    services.issue_statement(pro_a, past_day.year, past_day.month, **audit)
    month = f"{past_day.year}-{past_day.month:02d}"

    for as_a in (session_api(pro_a.user), token_api(pro_a.user)):
        responses = [
            as_a.get("/payments"),
            as_a.get("/payments", professional=pro_b.pk),
            as_a.get(f"/payments/{their_payment.pk}"),
            as_a.get("/charges"),
            as_a.get("/charges", professional=pro_b.pk),
            as_a.get(f"/charges/{mine.pk}"),
            as_a.get(f"/charges/{theirs.pk}"),
            as_a.get("/balances"),
            as_a.get("/balances", professional=pro_b.pk),
            as_a.get(f"/balances/{pro_a.pk}"),
            as_a.get(f"/balances/{pro_b.pk}"),
            as_a.get("/statements", all_versions="true"),
            as_a.get("/statements", professional=pro_b.pk, month=month),
            as_a.get(f"/statements/{their_statement.pk}"),
            as_a.get(f"/statements/{their_statement.pk}/pdf"),
            as_a.get("/income", month=month),
            as_a.get("/activity", month=month),
            as_a.get("/payments/setup", professional=pro_b.pk),
            as_a.get("/exports/payments"),
            as_a.post(f"/payments/{their_payment.pk}/reverse", {"reason": "mine now"}),
            as_a.post(
                "/payments",
                {"professional_id": pro_b.pk, "amount": "1", "currency": "EUR", "method": "cash"},
            ),
        ]
        for response in responses:
            assert response.status_code in (200, 403, 404), response.content[:300]
            text = response.content.decode("utf-8", "replace")
            for secret in SECRETS_OF_B:
                assert secret not in text, (response.request["PATH_INFO"], secret)
            assert "37.77" not in text and '"60.00"' not in text  # B's payment and charge
        assert responses[16].json()["totals"]["spend"] == [{"currency": "EUR", "amount": "40.00"}]
        assert responses[2].status_code == responses[6].status_code == 404
        assert responses[10].status_code == responses[13].status_code == 404
        assert responses[14].status_code == 404
