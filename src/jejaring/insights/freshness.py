"""Whether the insights rollups are current, and bringing them up to date from a page (one refresh at a time)."""

from __future__ import annotations

import json
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from jejaring.accounts import revisions
from jejaring.core.dialects import dialect
from jejaring.insights import cache
from jejaring.insights.models import RefreshLog
from jejaring.insights.rollups import FIGURES_MARK, REFRESH_LOCK_KEY, try_refresh_rollups
from jejaring.registry import service as registry_service

log = logging.getLogger(__name__)


def latest_refresh(session: Session) -> RefreshLog | None:
    """The most recent refresh, or None when the rollups were never built."""
    return session.scalars(select(RefreshLog).order_by(RefreshLog.id.desc()).limit(1)).first()


def is_stale(session: Session, entry: RefreshLog | None) -> bool:
    """Whether firms or sentra were added, or a write changed what the figures count (an edit, an upload, a merge,
    a split, a partnership: :func:`revisions.figures_mark`), since ``entry``. Cheap: highest ids only."""
    if entry is None:
        return True
    marks = select(
        revisions.top_event_id(), registry_service.last_firm_id_query(), registry_service.last_sentra_id_query()
    )
    top, max_firm, max_sentra = session.execute(marks).one()  # one round trip
    if (max_firm or 0, max_sentra or 0) != (entry.max_firm_id, entry.max_sentra_id):
        return True
    return revisions.figures_mark(session, top=top or 0) > int(json.loads(entry.sources or "{}").get(FIGURES_MARK, 0))


def ensure_fresh(session: Session, *, max_firms: int | None = None) -> RefreshLog | None:
    """The latest refresh, rebuilding first when new firms or sentra arrived since.

    With ``max_firms`` set, a stale registry larger than that is not rebuilt here (a national
    refresh takes minutes and belongs after imports or in ``jejaring stats refresh``).
    """
    entry = latest_refresh(session)
    if entry is None or is_stale(session, entry):
        size = registry_service.last_firm_id(session) or 0
        if entry is None or max_firms is None or size <= max_firms:
            engine = session.get_bind().engine  # one refresh at a time (threads, processes); the others keep theirs
            with dialect(engine).process_lock(engine, REFRESH_LOCK_KEY, "insights-refresh", wait=not entry) as mine:
                try:
                    with session.begin_nested():  # a concurrent refresh may win: keep its rollups then
                        entry = (try_refresh_rollups(session) or entry) if mine else entry
                except (IntegrityError, OperationalError) as exc:
                    log.warning("insights rollups not refreshed here (a concurrent refresh?): %s", exc)
                    cache.forget_session_key(session)
                    entry = latest_refresh(session)
    return entry
