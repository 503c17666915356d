"""Every write billing makes: payments, reversals, statements. Views, commands and the
admin call these; nothing else writes billing rows."""

from .payments import record_payment, reverse_payment
from .statements import advance_batch, issue_statement, start_batch

__all__ = [
    "advance_batch",
    "issue_statement",
    "record_payment",
    "reverse_payment",
    "start_batch",
]
