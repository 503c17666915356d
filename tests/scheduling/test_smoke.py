import pytest

from scheduling.errors import SlotTaken

from ..conftest import assert_claims_mirror_bookings, snapshot


def test_a_taken_room_is_refused_with_alternatives(book, room, other_room, pro_a, pro_b, at):
    book(room, pro_a, at("09:00"), at("10:00"))
    before = snapshot()
    with pytest.raises(SlotTaken) as refused:
        book(room, pro_b, at("09:30"), at("10:30"))
    assert snapshot() == before
    assert refused.value.alternatives
    assert_claims_mirror_bookings()
