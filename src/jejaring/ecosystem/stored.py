"""The stored gap rollup: every gap of the nation computed once (vectorised, ``rollup.find``) and kept in
``eco_gap`` with its province, regency, place and sector, so that pages read a place's gaps with one indexed
query instead of recomputing. ``eco_rollup`` keeps a mark of the data the rollup was computed from (``state``); a
page whose mark differs falls back to computing in memory (``reports.gaps_for``).
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import Actor
from jejaring.ecosystem import arrays, rollup
from jejaring.ecosystem.enums import GapKind, PlaceKind
from jejaring.ecosystem.gaps import Gap
from jejaring.ecosystem.models import IoCoefficient, Link, Rollup, StoredGap
from jejaring.registry import service as registry_service

BATCH = 5000


def state(session: Session) -> str:
    """A cheap mark of the data gaps are computed from (indexed maxima only, so a page can check it): the
    links' last id and change, the last firm id, the I–O structure. Edits to existing firms (place, KBLI,
    status) do not change it: they reach the stored gaps at the next ``refresh``."""
    io = session.execute(select(IoCoefficient.source, IoCoefficient.imported_at).limit(1)).first()
    last_id = session.scalar(select(func.max(Link.id)))  # one aggregate a query: each is an index lookup
    last_change = session.scalar(select(func.max(Link.updated_at)))
    parts = (last_id, last_change, registry_service.last_firm_id(session), *(io or ()))
    return json.dumps([str(p) for p in parts])[:500]


def refresh(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Compute every gap of the nation and store it (replacing the previous rollup); returns counts and time."""
    authorize(actor, "ecosystem.rollup")
    current = state(session)
    t0 = time.perf_counter()
    found = rollup.find(arrays.load(session))
    seconds = time.perf_counter() - t0
    store(session, found, current, seconds)
    after = {"gaps": len(found), "seconds": round(seconds, 1)}
    audit.record(session, actor=actor, action="ecosystem.rollup", entity_type="eco_gap", after=after)
    session.flush()
    return after


def store(session: Session, found: list[Gap], current: str, seconds: float) -> None:
    """Replace the stored gaps and the rollup's state."""
    session.execute(delete(StoredGap))
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
    row.state, row.gaps, row.seconds = current, len(found), seconds
    session.add(row)
    session.flush()


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
