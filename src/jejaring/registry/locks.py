"""The registry's load lock: a large load that writes without some unique keys (``bulk.deferred_indexes``) holds it
exclusively; every other writer of new firms holds it shared while it writes, so the two never overlap.

PostgreSQL: an advisory lock of the database; SQLite: ``flock`` on ``<database>.load-lock``. Both end with the
process that holds them, so a killed load never leaves the registry locked.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jejaring.core.dialects import dialect
from jejaring.core.errors import DomainError

LOAD_LOCK_KEY = 0x4A4A4C44  # PostgreSQL advisory lock of the database's registry loads
LOAD_LOCK_FILE = "load-lock"  # SQLite: <database>.load-lock


def load_lock(engine: Engine, *, shared: bool = False, wait: bool = True) -> AbstractContextManager[bool]:
    """The registry's load lock, exclusively (a load that writes without the deferred unique keys) or ``shared``
    (an import batch, which so waits for such a load, as such a load waits for batches in flight). Yields
    whether it was taken (``wait=False`` may not take it)."""
    return dialect(engine).process_lock(engine, LOAD_LOCK_KEY, LOAD_LOCK_FILE, shared=shared, wait=wait)


def writer_turn(session: Session) -> None:
    """Take the :func:`load_lock` shared until ``session``'s transaction ends, for a write of new firms outside an
    import job's batches (a firm registered by hand, a corrected quarantine row); refused with a clear error while
    a load holds it, rather than waiting for minutes inside a request."""
    if not dialect(session.connection()).transaction_lock(
        session, LOAD_LOCK_KEY, LOAD_LOCK_FILE, shared=True, wait=False
    ):
        raise DomainError("registry.error.load_running")
