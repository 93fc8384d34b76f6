"""A small per-process memo of insights results, keyed by database and rollup refresh.

Rollups only change when ``refresh_rollups`` runs, and every refresh writes a new ``insights_refresh``
row, so (database, latest refresh id, question) identifies an answer exactly: a refresh in any
process (CLI, import job, web) makes every older entry unreachable. Entries are evicted LRU.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.insights.models import RefreshLog

T = TypeVar("T")
MAX_ENTRIES = 2_000
SESSION_KEY = "insights_refresh_key"
_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def refresh_key(session: Session) -> tuple[str, int]:
    """(database URL, id of the latest rollup refresh), looked up once per session."""
    key = session.info.get(SESSION_KEY)
    if key is None:
        url = session.get_bind().engine.url.render_as_string(hide_password=True)
        key = (url, session.scalar(select(func.max(RefreshLog.id))) or 0)
        session.info[SESSION_KEY] = key
    return key


def forget_session_key(session: Session) -> None:
    """Make the session look the refresh up again (after it refreshed the rollups itself)."""
    session.info.pop(SESSION_KEY, None)


def memo(session: Session, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """The cached answer to ``key`` for the current rollups, computing it on a miss."""
    full = (*refresh_key(session), *key)
    with _lock:
        if full in _entries:
            _entries.move_to_end(full)
            return cast(T, _entries[full])
    value = compute()
    gc.freeze()  # long-lived cached objects: keep them out of the collector's scans (no pauses)
    with _lock:
        _entries[full] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached answer (tests)."""
    with _lock:
        _entries.clear()
