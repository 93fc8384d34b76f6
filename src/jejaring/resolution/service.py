"""Resolution service: runs (full and incremental), the review queue, merge/split and clusters."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.registry.models import Firm, FirmPrivate, RecordSource
from jejaring.resolution import golden, pipeline
from jejaring.resolution.models import MatchCandidate, MergeEvent, ResolutionRun

log = logging.getLogger(__name__)

AUTO_THRESHOLD = 0.99
REVIEW_THRESHOLD = 0.50
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on the match probability."""

    auto: float = AUTO_THRESHOLD
    review: float = REVIEW_THRESHOLD


def load_records(session: Session) -> list[dict[str, Any]]:
    """Every active firm as a raw record for the pipeline (includes private fields; never leaves the service)."""
    stmt = (
        select(
            Firm.id,
            Firm.name,
            Firm.nib,
            Firm.address,
            Firm.province_code,
            Firm.regency_code,
            Firm.district_code,
            Firm.desa,
            Firm.latitude,
            Firm.longitude,
            Firm.kbli_code,
            FirmPrivate.owner_name,
            FirmPrivate.phone,
        )
        .outerjoin(FirmPrivate, FirmPrivate.firm_id == Firm.id)
        .where(Firm.status == "active")
    )
    return [dict(r._mapping) for r in session.execute(stmt)]


def _new_ids(session: Session, records: Sequence[dict[str, Any]]) -> list[int] | None:
    """Firms created or changed since the last finished run (None: no earlier run, so do a full run)."""
    last = session.scalar(
        select(ResolutionRun.started_at).where(ResolutionRun.status == "done").order_by(ResolutionRun.id.desc())
    )
    if last is None:
        return None
    changed = set(session.scalars(select(Firm.id).where(Firm.status == "active", Firm.updated_at >= last)))
    return [r["id"] for r in records if r["id"] in changed]


def run(
    session: Session,
    *,
    full: bool = False,
    engine: str = "duckdb",
    thresholds: Thresholds | None = None,
    progress: Progress | None = None,
    actor: str | None = None,
) -> ResolutionRun:
    """Link firm records: exact keys, then scored pairs; merge above the auto threshold, queue the rest."""
    th = thresholds or Thresholds()
    timer = _Timer()
    outer = progress or (lambda stage, share: None)

    def report(stage: str, share: float) -> None:
        timer.lap(stage)
        outer(stage, share)

    records = load_records(session)
    new_ids = None if full else _new_ids(session, records)
    run_row = ResolutionRun(kind="incremental" if new_ids is not None else "full", engine=engine, records=len(records))
    session.add(run_row)
    session.flush()
    report("clean", 0.1)
    table = pipeline.prepare(records)
    if new_ids is not None and not new_ids:
        return _finish(session, run_row, report, timer)
    report("exact", 0.2)
    exact = pipeline.exact_edges(table)
    if new_ids is not None:
        fresh = set(new_ids)
        exact = [e for e in exact if e.a in fresh or e.b in fresh]
    report("score", 0.3)
    pairs = pipeline.score(table, new_ids=new_ids, engine=engine, threshold=th.review)
    run_row.pairs_scored = len(pairs)
    auto, review = pipeline.decide(pairs, auto_threshold=th.auto, review_threshold=th.review)
    report("decide", 0.7)
    decided = _decided_pairs(session)
    auto_keys = {(p["a"], p["b"]) for p in auto}
    candidates: dict[tuple[int, int], MatchCandidate] = {}
    for p in [*auto, *review]:
        key = (p["a"], p["b"])
        if key in decided:
            continue  # a reviewer's earlier decision stands
        status = "auto_merged" if key in auto_keys else "pending"
        candidates[key] = _upsert_candidate(session, p, status, run_row.id)
    edges: list[tuple[int, int, str, MatchCandidate | None]] = [
        (e.a, e.b, e.reason, None) for e in exact if (min(e.a, e.b), max(e.a, e.b)) not in decided
    ]
    edges += [
        (p["a"], p["b"], "auto", candidates.get((p["a"], p["b"]))) for p in auto if (p["a"], p["b"]) not in decided
    ]
    report("merge", 0.8)
    run_row.merged = _merge_edges(session, edges, run_row.id, actor)
    run_row.queued = sum(1 for c in candidates.values() if c.status == "pending")
    return _finish(session, run_row, report, timer)


class _Timer:
    """Seconds spent per stage, kept in the run's message for operators and benchmarks."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.stages: dict[str, float] = {}
        self.current = "read"

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[self.current] = round(self.stages.get(self.current, 0.0) + now - self.last, 2)
        self.current, self.last = stage, now


def _finish(session: Session, run_row: ResolutionRun, report: Progress, timer: _Timer) -> ResolutionRun:
    report("done", 1.0)
    run_row.message = json.dumps({"seconds": timer.stages})
    log.info("resolution run %s: %s", run_row.id, run_row.message)
    run_row.status = "done"
    run_row.progress = 1.0
    run_row.stage = "done"
    run_row.finished_at = utcnow()
    session.flush()
    return run_row


def _decided_pairs(session: Session) -> set[tuple[int, int]]:
    stmt = select(MatchCandidate.firm_a_id, MatchCandidate.firm_b_id).where(
        MatchCandidate.status.in_(("confirmed", "rejected"))
    )
    return {(a, b) for a, b in session.execute(stmt)}


def _upsert_candidate(session: Session, p: dict[str, Any], status: str, run_id: int) -> MatchCandidate:
    cand = session.scalar(
        select(MatchCandidate).where(MatchCandidate.firm_a_id == p["a"], MatchCandidate.firm_b_id == p["b"])
    )
    if cand is None:
        cand = MatchCandidate(firm_a_id=p["a"], firm_b_id=p["b"])
        session.add(cand)
    cand.province_code = p["province_code"] or ""
    cand.match_probability = p["match_probability"]
    cand.match_weight = p["match_weight"]
    cand.explanation = json.dumps(p["explanation"])
    cand.status = status
    cand.run_id = run_id
    session.flush()
    return cand


def _survivor_order(firm: Firm) -> tuple[int, int]:
    return (-(firm.reference_year or 0), firm.id)


def _active_root(session: Session, firm_id: int) -> Firm | None:
    firm = session.get(Firm, firm_id)
    seen: set[int] = set()
    while firm is not None and firm.merged_into_id is not None and firm.id not in seen:
        seen.add(firm.id)
        firm = session.get(Firm, firm.merged_into_id)
    return firm


def _merge_edges(
    session: Session, edges: list[tuple[int, int, str, MatchCandidate | None]], run_id: int | None, actor: str | None
) -> int:
    """Merge along edges, one connected component at a time: one survivor per component (newest
    reference year, then lowest id), the golden record rebuilt once per component."""
    roots: dict[int, Firm] = {}

    def root(firm_id: int) -> Firm | None:
        if firm_id not in roots:
            found = _active_root(session, firm_id)
            if found is None:
                return None
            roots[firm_id] = found
        return roots[firm_id]

    why: dict[int, tuple[str, MatchCandidate | None]] = {}
    pairs: list[tuple[int, int]] = []
    for a, b, reason, cand in edges:
        fa, fb = root(a), root(b)
        if fa is None or fb is None or fa.id == fb.id:
            continue
        pairs.append((fa.id, fb.id))
        why.setdefault(fa.id, (reason, cand))
        why.setdefault(fb.id, (reason, cand))
    firms = {f.id: f for f in roots.values()}
    groups: dict[int, list[int]] = {}
    for member, component in pipeline.connected_components([], pairs).items():
        groups.setdefault(component, []).append(member)
    merged = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        ordered = sorted((firms[m] for m in members), key=_survivor_order)
        survivor = ordered[0]
        for other in ordered[1:]:
            reason, cand = why.get(other.id, ("auto", None))
            golden.merge(
                session,
                survivor=survivor,
                merged=other,
                reason=reason,
                candidate_id=cand.id if cand else None,
                run_id=run_id,
                actor=actor,
                rebuild=False,
            )
            merged += 1
        golden.recompute(session, survivor)
    return merged


def review_queue(
    session: Session, *, province: str | None = None, page: int = 1, page_size: int = 25
) -> tuple[list[MatchCandidate], int]:
    """Pending candidate pairs, most likely first, optionally of one province."""
    stmt = select(MatchCandidate).where(MatchCandidate.status == "pending")
    if province:
        stmt = stmt.where(MatchCandidate.province_code == province)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(MatchCandidate.match_probability.desc(), MatchCandidate.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), total


def get_candidate(session: Session, *, candidate_id: int) -> MatchCandidate:
    """One candidate pair."""
    cand = session.get(MatchCandidate, candidate_id)
    if cand is None:
        raise NotFound("resolution.error.candidate_not_found", field="candidate", value=candidate_id)
    return cand


def confirm(session: Session, *, candidate_id: int, actor: str | None = None) -> MatchCandidate:
    """A reviewer says the pair is one firm: merge it."""
    cand = get_candidate(session, candidate_id=candidate_id)
    if cand.status != "pending":
        raise DomainError("resolution.error.already_decided", field="candidate", value=candidate_id)
    cand.status = "confirmed"
    cand.decided_by = actor
    cand.decided_at = utcnow()
    _merge_edges(session, [(cand.firm_a_id, cand.firm_b_id, "reviewer", cand)], None, actor)
    return cand


def reject(session: Session, *, candidate_id: int, actor: str | None = None) -> MatchCandidate:
    """A reviewer says the pair is two firms: remember it so later runs do not propose it again."""
    cand = get_candidate(session, candidate_id=candidate_id)
    if cand.status != "pending":
        raise DomainError("resolution.error.already_decided", field="candidate", value=candidate_id)
    cand.status = "rejected"
    cand.decided_by = actor
    cand.decided_at = utcnow()
    session.flush()
    return cand


def bulk_decide(
    session: Session, *, candidate_ids: Sequence[int], decision: str, actor: str | None = None, audit_actor: Any = None
) -> int:
    """Confirm or reject many candidates at once; returns how many were decided (each one audited)."""
    if decision not in ("confirm", "reject"):
        raise DomainError("resolution.error.bad_decision", field="decision", value=decision)
    action = confirm if decision == "confirm" else reject
    done = 0
    for cid in candidate_ids:
        cand = action(session, candidate_id=cid, actor=actor)
        if audit_actor is not None:
            from jejaring.accounts import audit

            audit.record(
                session,
                actor=audit_actor,
                action=f"resolution.{decision}",
                entity_type="resolution_candidate",
                entity_id=str(cid),
                province_code=cand.province_code or None,
                before={"status": "pending"},
                after={"status": cand.status, "firm_a": cand.firm_a_id, "firm_b": cand.firm_b_id},
            )
        done += 1
    return done


def merge_manually(session: Session, *, survivor_id: str, merged_id: str, actor: str | None = None) -> MergeEvent:
    """Merge two firms by public ID (an analyst's decision)."""
    from jejaring.registry import service as registry_service

    survivor = registry_service.get_firm(session, public_id=survivor_id)
    merged = registry_service.get_firm(session, public_id=merged_id)
    return golden.merge(session, survivor=survivor, merged=merged, reason="manual", actor=actor)


def split_firm(session: Session, *, public_id: str, actor: str | None = None) -> Firm:
    """Undo the merge of the firm whose own public ID is ``public_id``."""
    from jejaring.registry.models import FirmAlias

    firm_id = session.scalar(select(FirmAlias.firm_id).where(FirmAlias.public_id == public_id.strip().upper()))
    firm = session.get(Firm, firm_id) if firm_id else None
    if firm is None:
        raise NotFound("error.firm_not_found", field="public_id", value=public_id)
    survivor_id = firm.merged_into_id
    restored = golden.split(session, merged=firm, actor=actor)
    if survivor_id is not None:  # remember the decision so later runs do not merge them again
        a, b = sorted((survivor_id, firm.id))
        cand = session.scalar(
            select(MatchCandidate).where(MatchCandidate.firm_a_id == a, MatchCandidate.firm_b_id == b)
        )
        if cand is None:
            cand = MatchCandidate(
                firm_a_id=a, firm_b_id=b, province_code=firm.province_code, match_probability=0.0, match_weight=0.0
            )
            session.add(cand)
        cand.status = "rejected"
        cand.decided_by = actor
        cand.decided_at = utcnow()
        session.flush()
    return restored


def clusters(session: Session, *, only_multi: bool = False) -> list[dict[str, Any]]:
    """Every active firm with the source rows (file, row) of all records merged into it."""
    roots: dict[int, int] = {}
    firms = session.execute(select(Firm.id, Firm.merged_into_id, Firm.status, Firm.public_id)).all()
    parents = {fid: parent for fid, parent, _, _ in firms}
    status = {fid: st for fid, _, st, _ in firms}
    public = {fid: pid for fid, _, _, pid in firms}
    for fid in parents:
        root, seen = fid, set()
        while parents.get(root) is not None and root not in seen:
            seen.add(root)
            root = parents[root]  # type: ignore[assignment]
        roots[fid] = root
    sources: dict[int, list[dict[str, Any]]] = {}
    rows = session.execute(
        select(RecordSource.entity_id, RecordSource.file_name, RecordSource.row_number)
        .where(RecordSource.entity_type == "firm")
        .order_by(RecordSource.file_name, RecordSource.row_number)
    )
    for entity_id, file_name, row_number in rows:
        sources.setdefault(roots.get(entity_id, entity_id), []).append({"file": file_name, "row": row_number})
    out = []
    for fid, root in sorted(roots.items()):
        if fid != root or status.get(fid) != "active":
            continue
        members = sources.get(fid, [])
        if only_multi and len(members) < 2:
            continue
        out.append({"id": public[fid], "members": members})
    return out


def firm_pair(session: Session, cand: MatchCandidate) -> tuple[Firm, Firm]:
    """Both firms of a candidate pair."""
    a, b = session.get(Firm, cand.firm_a_id), session.get(Firm, cand.firm_b_id)
    assert a is not None and b is not None
    return a, b
