"""Row locks, taken one way everywhere (docs/locking.md): `FOR NO KEY UPDATE` of rows by
primary key, inside the service's durable transaction, waiting at most `settings.LOCK_TIMEOUT_MS` on
PostgreSQL, so a lock held by a stuck transaction becomes a sentence for the user instead
of a request that hangs.

It lives in the lowest app so that every service (accounts, professionals, scheduling,
billing) can use it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connections

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout runs out


def for_update(queryset, *, of: tuple[str, ...] = ()):
    """`queryset`, to be evaluated inside a transaction, locking its rows `FOR NO KEY
    UPDATE` (none of our writes changes a key, so foreign-key checks of other rows that
    point here are not blocked). On PostgreSQL the wait is capped by `SET LOCAL
    lock_timeout`, which ends with the transaction. `of` names the tables to lock when
    the query joins others (`("self",)`). SQLite has no row locks; its immediate
    transactions already run one writer at a time."""
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # An integer is milliseconds; SET takes no bind parameters.
            cursor.execute(f"SET LOCAL lock_timeout = {int(settings.LOCK_TIMEOUT_MS)}")
    return queryset.select_for_update(no_key=True, of=of)


@contextmanager
def waiting(busy: Callable[[], Exception]) -> Iterator[None]:
    """Around the statement that takes a lock: a lock timeout is raised as `busy()`, the
    caller's domain error (the transaction then rolls back whole, nothing written)."""
    try:
        yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise busy() from error
        raise
