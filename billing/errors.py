"""Refusals of the billing services. Each carries a sentence a person understands; the
refused operation has written nothing."""


class BillingError(Exception):
    status = 422

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field


class Busy(BillingError):
    """Another payment for the same professional (or the same reversal) has held its row
    longer than the lock timeout; nothing was recorded and trying again is safe."""

    status = 409


class AlreadyReversed(BillingError):
    status = 409
