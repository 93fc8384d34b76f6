"""A per-process memo of public page data, keyed by the data version, so busy pages skip their queries.

The version is (database, :func:`accounts.revisions.figures_mark`, highest firm id): every audited write that
changes what the registry shows (a firm created or edited, an upload's batch, a correction, a merge or split, a
sentra, a partnership) moves the figures mark, and a firm added without an audit record moves the highest id.
The version is read *before* the data, so an entry is never older than its key: a write committed in between
makes the entry newer than its key, never staler. Only data that is the same for every visitor may be cached
here (public lists and figures), never anything that depends on who asks. Each web worker keeps its own memo.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts import revisions
from jejaring.registry import service as registry_service

T = TypeVar("T")
MAX_ENTRIES = 500  # pages of up to ~150 KB: at most ~75 MB per worker
_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()
_inflight: dict[Hashable, threading.Lock] = {}
_stats = {"hits": 0, "misses": 0}


def data_version(session: Session) -> tuple[str, int, int]:
    """(database URL, figures mark, highest firm id): changes with every write the public pages show. Both
    highest ids are read in one statement."""
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    top, last_firm = session.execute(select(revisions.top_event_id(), registry_service.last_firm_id_query())).one()
    return url, revisions.figures_mark(session, top=top or 0), last_firm or 0


def memo(session: Session, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """The cached answer to ``key`` for the current data version, computing it on a miss (LRU eviction)."""
    full = (*data_version(session), *key)  # the version first: see the module docstring
    with _lock:
        if full in _entries:
            return cast(T, _hit(full))
        flight = _inflight.setdefault(full, threading.Lock())
    with flight:  # one computation per key: the requests that arrive meanwhile wait for it instead of repeating it
        with _lock:
            if full in _entries:
                return cast(T, _hit(full))
            _stats["misses"] += 1
        try:
            value = compute()
            with _lock:
                _entries[full] = value
                while len(_entries) > MAX_ENTRIES:
                    _entries.popitem(last=False)
        finally:
            with _lock:
                _inflight.pop(full, None)
    return value


def _hit(full: Hashable) -> Any:
    _entries.move_to_end(full)
    _stats["hits"] += 1
    return _entries[full]


def stats() -> dict[str, int]:
    """Hits, misses and entries of this process's memo."""
    with _lock:
        return {**_stats, "entries": len(_entries)}


def clear() -> None:
    """Forget every cached answer (tests)."""
    with _lock:
        _entries.clear()
        _stats.update(hits=0, misses=0)
