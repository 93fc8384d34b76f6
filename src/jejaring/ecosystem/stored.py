"""The stored rollup: every gap of the nation computed once (vectorised, ``rollup.find``) and kept in ``eco_gap``
with its province, regency, place and sector, with the per-place summaries and flows (``figures``), so that pages
read a place's figures with indexed queries instead of recomputing. ``eco_rollup`` keeps a mark of the data the
rollup was computed from (``state``: the audit log's figures mark, the links' and firms' maxima); ``ensure``
rebuilds a stale rollup at once on a small registry, else in a background thread, and says which.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from jejaring.accounts import audit, revisions
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import Actor
from jejaring.core.db import session_scope, utcnow
from jejaring.ecosystem import arrays, figures, rollup
from jejaring.ecosystem.enums import GapKind, PlaceKind
from jejaring.ecosystem.gaps import Gap
from jejaring.ecosystem.models import IoCoefficient, Link, PlaceSummary, Rollup, StoredFlow, StoredGap
from jejaring.registry import service as registry_service

BATCH = 5000
log = logging.getLogger(__name__)


def state(session: Session) -> str:
    """A cheap mark of the data the rollup is computed from (indexed maxima only, so a page can check it): the
    latest audited write that changes figures (a firm edited, created, merged or split, an upload, a
    partnership or its orders, links declared or collected: ``revisions.figures_mark``), the links' last id and
    change, the last firm id, the I–O structure."""
    io = session.execute(select(IoCoefficient.source, IoCoefficient.imported_at).limit(1)).first()
    last_id = session.scalar(select(func.max(Link.id)))  # one aggregate a query: each is an index lookup
    last_change = session.scalar(select(func.max(Link.updated_at)))
    mark = revisions.figures_mark(session)
    parts = (mark, last_id, last_change, registry_service.last_firm_id(session), *(io or ()))
    return json.dumps([str(p) for p in parts])[:500]


def refresh(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Compute every gap, summary and flow of the nation and store them (replacing the previous rollup)."""
    authorize(actor, "ecosystem.rollup")
    after = rebuild(session)
    audit.record(session, actor=actor, action="ecosystem.rollup", entity_type="eco_gap", after=after)
    session.flush()
    return after


def rebuild(session: Session) -> dict[str, Any]:
    """Compute and store the rollup (the derived figures only; ``refresh`` is the audited command)."""
    current = state(session)  # read first: a write meanwhile makes the next look stale, not lost
    t0 = time.perf_counter()
    a = arrays.load(session)
    found = rollup.find(a)
    seconds = time.perf_counter() - t0
    store(session, found, current, seconds, summaries=figures.summaries(a), flows=figures.flows(a))
    return {"gaps": len(found), "seconds": round(seconds, 1)}


def store(
    session: Session,
    found: list[Gap],
    current: str,
    seconds: float,
    *,
    summaries: list[dict[str, Any]] | None = None,
    flows: list[dict[str, Any]] | None = None,
) -> None:
    """Replace the stored gaps, summaries and flows and the rollup's state."""
    for model in (StoredGap, PlaceSummary, StoredFlow):
        session.execute(delete(model))
    sums = [{**r, "kinds": json.dumps(r["kinds"])} for r in summaries or []]
    for table, values in ((PlaceSummary, sums), (StoredFlow, flows or [])):
        for i in range(0, len(values), BATCH):
            session.execute(insert(table), values[i : i + BATCH])
    found = sorted(found, key=lambda g: (-g.score, g.kind.value, g.place))  # ids follow score order
    rows = [
        {
            "kind": g.kind.value,
            "place_kind": g.place_kind.value,
            "place": g.place,
            "province_code": g.province_code,
            "regency_code": g.regency_code,
            "division": g.division,
            "score": g.score,
            "reason_key": g.reason_key,
            "params": json.dumps(g.params, ensure_ascii=False),
            "search": json.dumps(g.search, ensure_ascii=False),
        }
        for g in found
    ]
    for i in range(0, len(rows), BATCH):
        session.execute(insert(StoredGap), rows[i : i + BATCH])
    row = session.get(Rollup, 1) or Rollup(id=1)
    row.state, row.gaps, row.seconds, row.computed_at = current, len(found), seconds, utcnow()
    session.add(row)
    session.flush()


@dataclass(frozen=True)
class Freshness:
    """Whether the stored figures describe the data as it is now; when not, when they were computed and whether
    a rebuild is running (``computed_at`` None: never computed)."""

    current: bool
    computed_at: datetime | None
    refreshing: bool


_running: set[str] = set()  # database URLs whose rollup a background thread is rebuilding
_running_lock = threading.Lock()


def ensure(session: Session, *, max_firms: int) -> Freshness:
    """The stored rollup's freshness, rebuilding a stale one first when the registry has at most ``max_firms``
    firms (the request then shows current figures), else in a background thread (the page says so)."""
    row = session.get(Rollup, 1)
    if row is not None and row.state == state(session):
        return Freshness(True, row.computed_at, False)
    if (registry_service.last_firm_id(session) or 0) <= max_firms:
        try:
            with session.begin_nested():  # a concurrent rebuild may win: then show its figures
                rebuild(session)
            return Freshness(True, utcnow(), False)
        except (IntegrityError, OperationalError) as exc:
            log.warning("ecosystem rollup not rebuilt here (a concurrent rebuild?): %s", exc)
            row = session.get(Rollup, 1)
    engine = session.get_bind().engine
    return Freshness(False, row.computed_at if row else None, _start_background(engine))


def _start_background(engine: Engine) -> bool:
    """Start rebuilding the rollup in a thread of its own, unless one already runs; True while one runs."""
    key = engine.url.render_as_string(hide_password=True)
    with _running_lock:
        if key in _running:
            return True
        _running.add(key)
    threading.Thread(target=_background, args=(engine, key), name="ecosystem-rollup", daemon=True).start()
    return True


def _background(engine: Engine, key: str) -> None:
    try:
        with session_scope(engine) as session:
            after = rebuild(session)
        log.info("ecosystem rollup rebuilt in the background: %s", after)
    except Exception:  # a thread has no caller to raise to: log it, the next page starts another
        log.exception("ecosystem rollup: background rebuild failed")
    finally:
        with _running_lock:
            _running.discard(key)


def rebuilding(engine: Engine) -> bool:
    """Whether a background rebuild of this database's rollup is running."""
    with _running_lock:
        return engine.url.render_as_string(hide_password=True) in _running


def is_fresh(session: Session, current: str) -> bool:
    """Whether the stored rollup was computed from the data as it is now."""
    row = session.get(Rollup, 1)
    return row is not None and row.state == current


def _where(stmt: Any, province: str | None, regency: str | None, sentra: str | None) -> Any:
    if province:
        stmt = stmt.where(StoredGap.province_code == province)
    if regency:
        stmt = stmt.where(StoredGap.regency_code == regency)
    if sentra:
        stmt = stmt.where(StoredGap.place == sentra)
    return stmt


def count(session: Session, *, province: str | None, regency: str | None, sentra: str | None) -> int:
    """How many stored gaps a place has (the nation's is kept on the rollup row)."""
    if not (province or regency or sentra):
        row = session.get(Rollup, 1)
        return row.gaps if row is not None else 0
    return session.scalar(_where(select(func.count(StoredGap.id)), province, regency, sentra)) or 0


def read(
    session: Session, *, province: str | None, regency: str | None, sentra: str | None, limit: int | None = None
) -> list[Gap]:
    """A place's stored gaps (a sentra's, a regency's with its sentra, a province's or all), by score."""
    stmt = _where(select(StoredGap), province, regency, sentra).order_by(StoredGap.id)  # id order = score order
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        Gap(
            GapKind(r.kind),
            PlaceKind(r.place_kind),
            r.place,
            r.province_code,
            r.regency_code,
            r.score,
            r.reason_key,
            json.loads(r.params),
            json.loads(r.search),
            r.division,
        )
        for r in session.scalars(stmt)
    ]


def read_summary(session: Session, *, place_kind: str, place: str) -> dict[str, Any] | None:
    """A place's stored summary: IKM, IKM with any link, and per link kind (None: no IKM there)."""
    row = session.scalar(select(PlaceSummary).where(PlaceSummary.place_kind == place_kind, PlaceSummary.place == place))
    if row is None:
        return None
    return {"ikm": row.ikm, "linked": row.linked, "kinds": json.loads(row.kinds)}


def read_flows(session: Session, *, place_kind: str, place: str) -> list[tuple[str, str, str, int]]:
    """A place's stored flows (source regency, target regency, kind, links), largest first."""
    stmt = select(StoredFlow.source_regency, StoredFlow.target_regency, StoredFlow.kind, StoredFlow.links)
    stmt = stmt.where(StoredFlow.place_kind == place_kind, StoredFlow.place == place).order_by(StoredFlow.id)
    return [(s, t, k, n) for s, t, k, n in session.execute(stmt)]
