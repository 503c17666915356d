"""Fixtures of the booking-service tests: a refusal helper that also proves nothing changed."""

from contextlib import contextmanager

import pytest

from scheduling.errors import BookingError

from ..conftest import assert_claims_mirror_bookings, assert_no_double_booking, snapshot


@contextmanager
def refused(error: type[BookingError] = BookingError, match: str | None = None):
    """Expect the block to be refused with `error` and to leave every booking row, claim and
    history row exactly as it was."""
    before = snapshot()
    with pytest.raises(error, match=match) as caught:
        yield caught
    assert snapshot() == before
    assert_no_double_booking()
    assert_claims_mirror_bookings()
