"""Refusals of the billing services. Each carries a sentence a person understands; the
refused operation has written nothing."""


class BillingError(Exception):
    status = 422

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field


class AlreadyReversed(BillingError):
    status = 409
