"""The registry's load lock: a large load that writes without some unique keys (``bulk.deferred_indexes``) holds it
exclusively; every other writer of new firms holds it shared while it writes, so the two never overlap.

PostgreSQL: an advisory lock of the database; SQLite: ``flock`` on ``<database>.load-lock``. Both end with the
process that holds them, so a killed load never leaves the registry locked.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, SessionTransaction

from jejaring.core.errors import DomainError

LOAD_LOCK_KEY = 0x4A4A4C44  # PostgreSQL advisory lock of the database's registry loads


def lock_file(engine: Engine) -> str | None:
    """The SQLite database's lock file (None for a private in-memory database)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None  # a private in-memory database has no other writer
    return f"{database}.load-lock"


@contextmanager
def load_lock(engine: Engine, *, shared: bool = False, wait: bool = True) -> Iterator[bool]:
    """The registry's load lock, exclusively (a load that writes without the deferred unique keys) or ``shared``
    (an import batch, which so waits for such a load, as such a load waits for batches in flight). Yields
    whether it was taken (``wait=False`` may not take it)."""
    if engine.dialect.name == "postgresql":
        kind = "_shared" if shared else ""
        with engine.connect() as conn:
            if wait:
                conn.exec_driver_sql(f"SELECT pg_advisory_lock{kind}({LOAD_LOCK_KEY})")
                taken = True
            else:
                taken = bool(conn.exec_driver_sql(f"SELECT pg_try_advisory_lock{kind}({LOAD_LOCK_KEY})").scalar())
            conn.commit()  # the lock belongs to the session: no transaction stays open while it is held
            try:
                yield taken
            finally:
                if taken:
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock{kind}({LOAD_LOCK_KEY})")
                    conn.commit()
        return
    path = lock_file(engine)
    if path is None:
        yield True
        return
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            taken = False
        else:
            taken = True
        try:
            yield taken
        finally:
            if taken:
                fcntl.flock(handle, fcntl.LOCK_UN)


def writer_turn(session: Session) -> None:
    """Take the :func:`load_lock` shared until ``session``'s transaction ends, for a write of new firms outside an
    import job's batches (a firm registered by hand, a corrected quarantine row); refused with a clear error while
    a load holds it, rather than waiting for minutes inside a request."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        if not conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock_shared({LOAD_LOCK_KEY})").scalar():
            raise DomainError("registry.error.load_running")
        return
    path = lock_file(conn.engine)
    if path is None:
        return
    handle = open(path, "a+b")  # noqa: SIM115 -- held until the transaction ends, closed by the listener below
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DomainError("registry.error.load_running") from None

    def release(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None and not handle.closed:
            handle.close()  # closing the file ends its lock (the listener cannot remove itself while it runs)

    event.listen(session, "after_transaction_end", release)
