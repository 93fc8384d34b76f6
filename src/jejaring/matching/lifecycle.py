"""Index lifecycle: open, build (with progress), and refresh from the registry's ``updated_at``.

Any write to a firm (registry, intake, resolution) or to an offer bumps ``updated_at``; searches call
``ensure_fresh`` which, at most every ``matching_refresh_seconds``, re-indexes what changed since the
watermark stored in the manifest. No registry code has to know about the index.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.core.config import Settings
from jejaring.matching import documents
from jejaring.matching.index import Progress, SearchIndex
from jejaring.matching.models import Offer
from jejaring.matching.tantivy_index import TantivySearchIndex
from jejaring.registry import service as registry_service

log = logging.getLogger(__name__)
_OPEN: dict[Path, TantivySearchIndex] = {}
_LOCK = threading.Lock()
_LAST_CHECK: dict[Path, float] = {}
_REFRESH_LOCK = threading.Lock()


def index_folder(settings: Settings) -> Path:
    """Where the firm index lives."""
    return Path(settings.data_dir) / "index" / "firms"


def open_index(settings: Settings) -> TantivySearchIndex:
    """The process-wide index for ``settings`` (the embedded tantivy engine).

    An OpenSearch engine would be chosen here from a ``matching_index_backend`` setting.
    """
    folder = index_folder(settings).resolve()
    with _LOCK:
        if folder not in _OPEN:
            _OPEN[folder] = TantivySearchIndex(folder)
        return _OPEN[folder]


def _watermark(session: Session) -> datetime | None:
    latest = [
        registry_service.last_change(session),
        session.scalar(select(func.max(Offer.updated_at))),
    ]
    values = [v for v in latest if v is not None]
    return max(values) if values else None


def build(session: Session, settings: Settings, *, progress: Progress | None = None) -> int:
    """Rebuild the index from every active firm."""
    index = open_index(settings)
    mark = _watermark(session)
    total = documents.count_active(session)
    n = index.build(documents.iter_all_frames(session), total=total, progress=progress)
    index.write_manifest(watermark=mark.isoformat() if mark else None)
    _LAST_CHECK[index.folder] = time.monotonic()
    return n


def changed_firm_ids(session: Session, since: datetime) -> list[int]:
    """Firms whose record or open offers changed after ``since``."""
    offers = session.scalars(select(Offer.firm_id).where(Offer.updated_at > since, Offer.firm_id.is_not(None)))
    firms = registry_service.firm_ids_changed_after(session, since)
    return sorted({int(i) for i in offers if i is not None} | set(firms))


def refresh(session: Session, settings: Settings) -> int:
    """Re-index what changed since the manifest's watermark; returns the number of firms touched."""
    index: SearchIndex = open_index(settings)
    assert isinstance(index, TantivySearchIndex)
    stamp = index.manifest().get("watermark")
    mark = _watermark(session)
    if stamp is None or mark is None:
        return 0 if mark is None else build(session, settings)
    since = datetime.fromisoformat(stamp)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    if mark <= since:
        return 0
    ids = changed_firm_ids(session, since)
    frame, removed = documents.frame_for_ids(session, ids)
    index.update(frame, remove_ids=removed)
    index.write_manifest(watermark=mark.isoformat())
    log.info("matching index refreshed: %d firms", len(ids))
    return len(ids)


def ensure_fresh(session: Session, settings: Settings) -> TantivySearchIndex:
    """Build the index when missing; refresh it when the last check is older than the setting."""
    index = open_index(settings)
    # one build or refresh at a time per process (web requests run in threads); while one runs, the other searches
    # use the current index instead of queueing behind it (an upload's thousands of new firms take a while)
    if not _REFRESH_LOCK.acquire(blocking=not index.exists()):
        return index
    try:
        now = time.monotonic()
        if not index.exists():
            build(session, settings)
            return index
        if now - _LAST_CHECK.get(index.folder, 0.0) >= settings.matching_refresh_seconds:
            _LAST_CHECK[index.folder] = now
            try:
                refresh(session, settings)
            except (OSError, ValueError) as exc:  # another process holds the writer lock: use the current index
                log.warning("matching index refresh skipped: %s", exc)
    finally:
        _REFRESH_LOCK.release()
    return index


def warm_up(settings: Settings) -> float:
    """Load what the first search would otherwise load (sentence-embedding model, need reader, synonym tables,
    the index's searcher and vectors) and run one search; returns and logs the seconds it took.

    Called at start-up so the first search is as fast as the next; a missing index is not built here."""
    from jejaring.matching.embedding import embed_query
    from jejaring.matching.schemas import MatchQuery
    from jejaring.matching.search import run_query
    from jejaring.matching.understand import understand

    started = time.perf_counter()
    understand("keripik singkong 20 ton per bulan, halal, dari Jawa Timur")
    embed_query("warm up")
    index = open_index(settings)
    if index.exists():
        run_query(index, MatchQuery(text="keripik singkong 1 ton per bulan dekat Bandung"), lang="id")
    seconds = time.perf_counter() - started
    log.info("matching warm-up: model, reader and index loaded in %.2f s", seconds)
    return seconds
