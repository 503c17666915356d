"""A professional never learns who booked the other rooms: not from a list, a detail, a
busy block, free time, an error or the OpenAPI document."""

import pytest

from scheduling import services
from scheduling.models import Source

from .conftest import session_api, token_api

pytestmark = pytest.mark.django_db

SECRETS_OF_B = ["Bruno", "Brito", "bruno.brito@example.test", "bruno", "922 222 222"]


def test_nothing_a_can_read_names_b_or_gives_bs_email_or_phone(
    pro_a, pro_b, room, other_room, at, day, book
):
    as_a_session, as_b = session_api(pro_a.user), session_api(pro_b.user)
    mine = as_a_session.post(
        "/bookings",
        {"room_id": room.pk, "starts_at": at("09:00"), "ends_at": at("10:00"), "notes": "A's"},
    ).json()
    theirs = as_b.post(
        "/bookings",
        {"room_id": room.pk, "starts_at": at("10:00"), "ends_at": at("11:00"), "notes": "B's"},
    ).json()
    as_b.post(
        "/bookings",
        {"room_id": other_room.pk, "starts_at": at("09:00"), "ends_at": at("10:00")},
    )
    cancelled = book(other_room, pro_b, at("15:00"), at("16:00"))
    services.cancel(cancelled, reason="Bruno is ill", by=pro_b.user, source=Source.PORTAL)
    window = {"from": at("07:00").isoformat(), "to": at("22:00").isoformat()}

    for as_a in (as_a_session, token_api(pro_a.user)):
        responses = [
            as_a.get("/locations"),
            as_a.get(f"/locations/{room.location_id}"),
            as_a.get("/rooms"),
            as_a.get(f"/rooms/{room.pk}"),
            as_a.get("/professionals"),
            as_a.get(f"/professionals/{pro_a.pk}"),
            as_a.get(f"/professionals/{pro_b.pk}"),
            as_a.get("/bookings"),
            as_a.get("/bookings", professional=pro_b.pk),
            as_a.get("/bookings", room=room.pk, status="cancelled"),
            as_a.get(f"/bookings/{mine['id']}"),
            as_a.get(f"/bookings/{theirs['id']}"),
            as_a.get(f"/bookings/{cancelled.pk}"),
            as_a.get("/busy", **window),
            as_a.get("/availability", **{"from": day, "to": day, "minutes": 60}),
            as_a.get("/tokens"),
            as_a.get("/tokens", everyone="true"),
            as_a.get("/openapi.json"),
            # Refusals carry sentences: they must not name B either.
            as_a.post(
                "/bookings",
                {"room_id": room.pk, "starts_at": at("10:00"), "ends_at": at("11:00")},
            ),
            as_a.patch(f"/bookings/{mine['id']}", {"starts_at": at("10:00")}),
            as_a.post(f"/bookings/{theirs['id']}/cancel", {}),
        ]

        busy = responses[13].json()
        assert len(busy) == 3, "A sees that the rooms are taken"
        assert all(
            set(block)
            == {"room", "location", "starts_at", "ends_at", "local_starts_at", "local_ends_at"}
            for block in busy
        )
        assert responses[7].json()[0]["notes"] == "A's", "A sees their own booking in full"
        assert responses[18].status_code == 409
        for response in responses:
            body = response.content.decode()
            for secret in SECRETS_OF_B:
                assert secret not in body, (response.request["PATH_INFO"], secret, body[:300])
        assert "B's" not in "".join(r.content.decode() for r in responses)
