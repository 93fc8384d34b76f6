"""Resolution service: runs (full and incremental), the review queue, merge/split and clusters."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import PETUGAS, Actor
from jejaring.core import tables
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.registry import service as registry_service
from jejaring.resolution import golden, pipeline
from jejaring.resolution.clusters import clusters as clusters  # re-exported: the service is the door
from jejaring.resolution.enums import CandidateStatus, RunStatus
from jejaring.resolution.members import follow_merges as follow_merges  # re-exported: imports meeting merged firms
from jejaring.resolution.models import MatchCandidate, MergeEvent, ResolutionRun

if TYPE_CHECKING:
    from jejaring.registry.models import Firm

log = logging.getLogger(__name__)

AUTO_THRESHOLD = 0.99
REVIEW_THRESHOLD = 0.50
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on the match probability."""

    auto: float = AUTO_THRESHOLD
    review: float = REVIEW_THRESHOLD


def load_records(session: Session) -> pl.DataFrame:
    """Every active firm as a raw record for the pipeline (includes private fields; never leaves the service)."""
    sql = (
        "SELECT f.id, f.name, f.nib, f.address, f.province_code, f.regency_code, f.district_code, f.desa, "
        "f.latitude, f.longitude, f.kbli_code, p.owner_name, p.phone "
        "FROM firm f LEFT JOIN firm_private p ON p.firm_id = f.id WHERE f.status = 'active'"
    )
    return tables.read(session.connection(), sql, pipeline.RAW_SCHEMA)


def _new_ids(session: Session) -> list[int] | None:
    """Firms created or changed since the last finished run (None: no earlier run, so do a full run)."""
    last = session.scalar(
        select(ResolutionRun.started_at).where(ResolutionRun.status == RunStatus.DONE).order_by(ResolutionRun.id.desc())
    )
    if last is None:
        return None
    return registry_service.active_firm_ids_changed_since(session, last)


def run(
    session: Session,
    *,
    actor: Actor,
    full: bool = False,
    engine: str = "duckdb",
    thresholds: Thresholds | None = None,
    progress: Progress | None = None,
) -> ResolutionRun:
    """Link firm records: exact keys, then scored pairs; merge above the auto threshold, queue the rest.

    National runs are for admins and analysts (and the CLI)."""
    authorize(actor, "resolution.run")
    run_row = _run(session, full=full, engine=engine, thresholds=thresholds, progress=progress, actor=actor.label)
    after = {"kind": run_row.kind, "records": run_row.records, "merged": run_row.merged, "queued": run_row.queued}
    audit.log(session, actor, "resolution.run", "resolution_run", run_row, after=after, province_code=None)
    return run_row


def _run(
    session: Session,
    *,
    full: bool,
    engine: str,
    thresholds: Thresholds | None,
    progress: Progress | None,
    actor: str,
) -> ResolutionRun:
    th = thresholds or Thresholds()
    timer = _Timer()
    outer = progress or (lambda stage, share: None)

    def report(stage: str, share: float) -> None:
        timer.lap(stage)
        outer(stage, share)

    records = load_records(session)
    new_ids = None if full else _new_ids(session)
    run_row = ResolutionRun(
        kind="incremental" if new_ids is not None else "full", engine=engine, records=records.height
    )
    session.add(run_row)
    session.flush()
    report("clean", 0.1)
    table = pipeline.prepare(records)
    del records
    if new_ids is not None and not new_ids:
        return _finish(session, run_row, report, timer)
    report("exact", 0.2)
    exact = pipeline.exact_edges(table)
    if new_ids is not None:
        fresh = pl.Series(new_ids, dtype=pl.Int64)
        exact = exact.filter(pl.col("a").is_in(fresh.implode()) | pl.col("b").is_in(fresh.implode()))
    timer.count("exact_edges", exact.height)
    report("score", 0.3)
    pairs = pipeline.score(table, new_ids=new_ids, engine=engine, threshold=th.review)
    del table
    run_row.pairs_scored = pairs.height
    auto, review = pipeline.decide(pairs, auto_threshold=th.auto, review_threshold=th.review)
    timer.count("auto_pairs", auto.height)
    timer.count("review_pairs", review.height)
    report("candidates", 0.7)
    decided = _decided_pairs(session)
    written = _write_candidates(session, auto, review, decided, run_row.id)
    ordered = pl.concat(
        [
            exact.with_columns(
                pl.min_horizontal("a", "b").alias("_a"),
                pl.max_horizontal("a", "b").alias("_b"),
                pl.lit(None, dtype=pl.Int64).alias("candidate_id"),
            ),
            auto.select("a", "b", pl.lit("auto").alias("reason"))
            .join(written.select("a", "b", pl.col("id").alias("candidate_id")), on=["a", "b"], how="left")
            .with_columns(pl.col("a").alias("_a"), pl.col("b").alias("_b")),
        ],
        how="diagonal",
    )
    edges = ordered.join(decided, left_on=["_a", "_b"], right_on=["a", "b"], how="anti", maintain_order="left")
    report("merge", 0.8)
    run_row.merged = golden.merge_edges(
        session,
        edges.select(list(golden.EDGE_SCHEMA)).cast(pl.Schema(golden.EDGE_SCHEMA)),
        run_id=run_row.id,
        actor=actor,
    )
    run_row.queued = written.filter(pl.col("status") == CandidateStatus.PENDING.value).height
    return _finish(session, run_row, report, timer)


class _Timer:
    """Seconds spent per stage (and a few counts), kept in the run's message for operators and benchmarks."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.cpu_start = self.cpu_last = time.process_time()
        self.stages: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # CPU seconds of all the process's threads (telling on a busy machine)
        self.counts: dict[str, int] = {}
        self.current = "read"

    def lap(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.stages[self.current] = round(self.stages.get(self.current, 0.0) + now - self.last, 2)
        self.cpu[self.current] = round(self.cpu.get(self.current, 0.0) + cpu - self.cpu_last, 2)
        self.current, self.last, self.cpu_last = stage, now, cpu

    def count(self, name: str, value: int) -> None:
        self.counts[name] = value


def _finish(session: Session, run_row: ResolutionRun, report: Progress, timer: _Timer) -> ResolutionRun:
    report("done", 1.0)
    timer.stages.pop("done", None)
    timer.cpu.pop("done", None)
    timer.stages["total"] = round(time.perf_counter() - timer.start, 2)
    timer.cpu["total"] = round(time.process_time() - timer.cpu_start, 2)
    run_row.message = json.dumps({"seconds": timer.stages, "cpu_seconds": timer.cpu, "counts": timer.counts})
    log.info("resolution run %s: %s", run_row.id, run_row.message)
    run_row.status = RunStatus.DONE
    run_row.progress = 1.0
    run_row.stage = "done"
    run_row.finished_at = utcnow()
    session.flush()
    return run_row


def _decided_pairs(session: Session) -> pl.DataFrame:
    """Pairs a reviewer (or a split) decided: (a, b) with a < b."""
    return tables.read(
        session.connection(),
        "SELECT firm_a_id, firm_b_id FROM resolution_candidate WHERE status IN ('confirmed', 'rejected')",
        {"a": pl.Int64, "b": pl.Int64},
    )


def _write_candidates(
    session: Session, auto: pl.DataFrame, review: pl.DataFrame, decided: pl.DataFrame, run_id: int
) -> pl.DataFrame:
    """Upsert the scored pairs (auto-merged and pending) in bulk, except pairs a reviewer decided;
    returns (a, b, id, status) of every written candidate."""
    conn = session.connection()
    frame = pl.concat(
        [
            auto.with_columns(pl.lit(CandidateStatus.AUTO_MERGED.value).alias("status")),
            review.with_columns(pl.lit(CandidateStatus.PENDING.value).alias("status")),
        ]
    ).join(decided, on=["a", "b"], how="anti")
    frame = frame.unique(["a", "b"], keep="first").with_columns(pl.col("province_code").fill_null(""))
    existing = tables.read(
        conn,
        "SELECT id, firm_a_id, firm_b_id FROM resolution_candidate WHERE status IN ('pending', 'auto_merged')",
        {"id": pl.Int64, "a": pl.Int64, "b": pl.Int64},
    )
    frame = frame.join(existing, on=["a", "b"], how="left")
    cols = ["province_code", "match_probability", "match_weight", "explanation", "status"]
    tables.update(
        conn,
        "resolution_candidate",
        frame.filter(pl.col("id").is_not_null()).select("id", *cols, pl.lit(run_id, dtype=pl.Int64).alias("run_id")),
    )
    tables.write(
        conn,
        "resolution_candidate",
        frame.filter(pl.col("id").is_null()).select(
            pl.col("a").alias("firm_a_id"),
            pl.col("b").alias("firm_b_id"),
            *cols,
            pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
            pl.lit(tables.stamp(conn, utcnow())).alias("created_at"),
        ),
    )
    ids = tables.read(
        conn,
        f"SELECT id, firm_a_id, firm_b_id FROM resolution_candidate WHERE run_id = {int(run_id)}",
        {"id": pl.Int64, "a": pl.Int64, "b": pl.Int64},
    )
    return frame.drop("id").join(ids, on=["a", "b"]).select("a", "b", "id", "status")


def _merge_one(session: Session, cand: MatchCandidate, actor: str | None) -> None:
    edge = pl.DataFrame(
        [(cand.firm_a_id, cand.firm_b_id, "reviewer", cand.id)], schema=golden.EDGE_SCHEMA, orient="row"
    )
    golden.merge_edges(session, edge, run_id=None, actor=actor)


def review_queue(
    session: Session, *, province: str | None = None, page: int = 1, page_size: int = 25
) -> tuple[list[MatchCandidate], int]:
    """Pending candidate pairs, most likely first, optionally of one province."""
    stmt = select(MatchCandidate).where(MatchCandidate.status == CandidateStatus.PENDING)
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


def review_scope(actor: Actor, province: str | None) -> str | None:
    """The province whose queue the actor may see: officers only their own; admins and analysts any."""
    if actor.role == PETUGAS:
        authorize(actor, "resolution.review", actor.province_code)
        return actor.province_code
    authorize(actor, "resolution.review", province)
    return province


def _decide_one(session: Session, actor: Actor, candidate_id: int, decision: str) -> MatchCandidate:
    cand = get_candidate(session, candidate_id=candidate_id)
    authorize(actor, "resolution.review", cand)
    if cand.status != CandidateStatus.PENDING:
        raise DomainError("resolution.error.already_decided", field="candidate", value=candidate_id)
    cand.status = CandidateStatus.CONFIRMED if decision == "confirm" else CandidateStatus.REJECTED
    cand.decided_by = actor.label
    cand.decided_at = utcnow()
    if decision == "confirm":
        _merge_one(session, cand, actor.label)
    session.flush()
    after = {"status": cand.status, "firm_a": cand.firm_a_id, "firm_b": cand.firm_b_id}
    audit.log(
        session,
        actor,
        f"resolution.{decision}",
        "resolution_candidate",
        cand,
        before={"status": CandidateStatus.PENDING},
        after=after,
    )
    return cand


def confirm(session: Session, *, actor: Actor, candidate_id: int) -> MatchCandidate:
    """A reviewer says the pair is one firm: merge it."""
    return _decide_one(session, actor, candidate_id, "confirm")


def reject(session: Session, *, actor: Actor, candidate_id: int) -> MatchCandidate:
    """A reviewer says the pair is two firms: remember it so later runs do not propose it again."""
    return _decide_one(session, actor, candidate_id, "reject")


def bulk_decide(session: Session, *, actor: Actor, candidate_ids: Sequence[int], decision: str) -> int:
    """Confirm or reject many candidates at once; returns how many were decided (each one authorised and audited)."""
    if decision not in ("confirm", "reject"):
        raise DomainError("resolution.error.bad_decision", field="decision", value=decision)
    for cid in candidate_ids:
        _decide_one(session, actor, cid, decision)
    return len(candidate_ids)


def merge_manually(session: Session, *, actor: Actor, survivor_id: str, merged_id: str) -> MergeEvent:
    """Merge two firms by public ID (an analyst's decision)."""
    survivor = registry_service.get_firm(session, public_id=survivor_id)
    merged = registry_service.get_firm(session, public_id=merged_id)
    authorize(actor, "resolution.review", survivor)
    authorize(actor, "resolution.review", merged)
    event = golden.merge(session, survivor=survivor, merged=merged, reason="manual", actor=actor.label)
    audit.log(session, actor, "resolution.merge", "firm", survivor, after={"merged": merged.public_id})
    return event


def split_firm(session: Session, *, actor: Actor, public_id: str) -> Firm:
    """Undo the merge of the firm whose own public ID is ``public_id``."""
    firm_id = registry_service.firm_id_of(session, public_id)
    firm = registry_service.firm_by_id(session, firm_id) if firm_id else None
    if firm is None:
        raise NotFound("error.firm_not_found", field="public_id", value=public_id)
    authorize(actor, "resolution.review", firm)
    survivor_id = firm.merged_into_id
    survivor = registry_service.firm_by_id(session, survivor_id) if survivor_id is not None else None
    restored = golden.split(session, merged=firm, actor=actor.label)
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
        cand.status = CandidateStatus.REJECTED
        cand.decided_by = actor.label
        cand.decided_at = utcnow()
        session.flush()
    before = {"merged_into": survivor.public_id if survivor is not None else None}
    audit.log(session, actor, "resolution.split", "firm", restored, before=before, after={"status": restored.status})
    return restored


def firm_pair(session: Session, cand: MatchCandidate) -> tuple[Firm, Firm]:
    """Both firms of a candidate pair."""
    a, b = registry_service.firm_by_id(session, cand.firm_a_id), registry_service.firm_by_id(session, cand.firm_b_id)
    assert a is not None and b is not None
    return a, b
