"""Two rollup refreshes at once (an import's refresh and a statistics page's, in two worker processes) take turns:
on PostgreSQL the second used to insert the rollups the first had just inserted (a unique-key violation, so the
figures stayed stale after an upload)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jejaring.core.db import session_scope
from jejaring.insights import service
from jejaring.insights.models import ProvinceRollup
from tests.insights.factory import fix_sequences, insert_rows, make_rows


def test_concurrent_refreshes_take_turns_and_both_commit(engine: Engine) -> None:
    with session_scope(engine) as session:
        insert_rows(session, make_rows(300, seed=3, n_sentra=5))
        fix_sequences(session)
    errors: list[BaseException] = []
    first = Session(engine)
    service.refresh_rollups(first)  # flushed, not committed: its lock is held until the commit below

    def second() -> None:
        try:
            with session_scope(engine) as other:
                service.refresh_rollups(other)
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.5)  # the second refresh is waiting for the first one's turn to end
    assert thread.is_alive()
    first.commit()
    first.close()
    thread.join(timeout=60)
    assert not thread.is_alive() and not errors, errors
    with session_scope(engine) as session:
        units = session.scalar(select(func.sum(ProvinceRollup.units)))
        assert units and units > 0
        assert len(service.stats(session)["by_province"]) > 0


def test_a_page_does_not_wait_for_an_uploads_refresh(engine: Engine) -> None:
    """While an import's refresh holds its turn, a statistics page serves the rollups it has (marked stale) at
    once instead of queuing behind it (a page waited 10.3 s on PostgreSQL under load)."""
    with session_scope(engine) as session:
        insert_rows(session, make_rows(200, seed=4, n_sentra=4))
        fix_sequences(session)
    with session_scope(engine) as session:
        before = service.ensure_fresh(session)
    assert before is not None
    with session_scope(engine) as session:
        insert_rows(session, make_rows(50, seed=5, n_sentra=1, start_id=10_000))
        fix_sequences(session)
    uploads = Session(engine)
    service.refresh_rollups(uploads)  # holds the turn until it commits
    seen: list[tuple[int, bool]] = []

    def page() -> None:
        with session_scope(engine) as session:
            entry = service.ensure_fresh(session)
            assert entry is not None
            seen.append((entry.id, service.is_stale(session, entry)))

    thread = threading.Thread(target=page)
    thread.start()
    thread.join(timeout=10)
    waited = thread.is_alive()
    uploads.commit()  # (before the fix the page waited for this)
    uploads.close()
    thread.join(timeout=60)
    assert not waited and seen == [(before.id, True)]  # at once, with the rollups it had, marked stale
    with session_scope(engine) as session:
        entry = service.ensure_fresh(session)
        assert entry is not None and entry.id != before.id and not service.is_stale(session, entry)
