"""Refusals of the billing services. Each carries a sentence a person understands; the
refused operation has written nothing. `status` and `code` are what an API answers."""


class BillingError(Exception):
    status = 422
    code = "billing_refused"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field


class Busy(BillingError):
    """Another payment for the same professional (or the same reversal) has held its row
    longer than the lock timeout; nothing was recorded and trying again is safe."""

    status = 409
    code = "busy"


class AlreadyReversed(BillingError):
    status = 409
    code = "already_reversed"


class IdempotencyKeyReused(BillingError):
    """The same Idempotency-Key was sent before with a different payment."""

    code = "idempotency_key_reused"
