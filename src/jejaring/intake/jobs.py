"""Run an import job in committed batches: a kill loses at most the batch in flight, and resumes after it.

Each batch commits its registry writes, its quarantined rows and the job's counters in ONE
transaction, guarded by ``batches_done`` (compare-and-set), so two runners never double-count and a
killed run leaves no partial batch. Reading and validating are deterministic, so a resumed job
re-reads the file and continues with the first uncommitted batch.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext

import polars as pl
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.core import tables
from jejaring.core.config import Settings
from jejaring.core.db import session_scope, utcnow
from jejaring.core.dialects import dialect
from jejaring.core.errors import DomainError
from jejaring.core.numbers import page_count
from jejaring.intake import fixes, prepare, scope, service
from jejaring.intake.enums import JobStatus
from jejaring.intake.fixed_jobs import detached as _detached
from jejaring.intake.fixed_jobs import run_linkage_job as _run_linkage_job
from jejaring.intake.fixed_jobs import run_sentra_job as _run_sentra_job
from jejaring.intake.models import ImportJob, QuarantineRow
from jejaring.intake.validate import Validated
from jejaring.registry import bulk, locks
from jejaring.resolution import service as resolution_service

log = logging.getLogger(__name__)
ANALYZED_TABLES = (
    "firm",
    "firm_role",
    "firm_private",
    "firm_alias",
    "certification",
    "record_source",
    "firm_history",
    "sentra",
    "sentra_membership",
)
Progress = Callable[[ImportJob], None]


class Superseded(Exception):
    """Another runner committed this batch first."""


def load_and_validate(job: ImportJob, settings: Settings, engine: Engine | None = None) -> Validated:
    """Read the job's file, apply its header mapping and validate every row (with ``engine``: every row not known
    unchanged by its fingerprint, see :func:`prepare.load_and_validate`)."""
    return prepare.load_and_validate(job, settings, engine)


def quarantine_frame(v: Validated, lo: int, hi: int) -> list[dict[str, object]]:
    """Quarantine rows (original values + every error) for spreadsheet rows ``lo``..``hi``."""
    errs = v.errors.filter(pl.col("_row").is_between(lo, hi))
    if errs.height == 0:
        return []
    parts = ["field", "value", "key", *(["params"] if "params" in errs.columns else [])]
    grouped = errs.group_by("_row", maintain_order=True).agg(pl.struct(parts).alias("errors"))
    raw = v.raw.filter(pl.col("_row").is_in(grouped.get_column("_row").implode()))
    values = {
        r["_row"]: {k: val for k, val in r.items() if k != "_row" and val is not None}
        for r in raw.iter_rows(named=True)
    }
    out = []
    for row, errors in grouped.iter_rows():
        items = []
        for e in errors:
            params = json.loads(e["params"]) if e.get("params") else {}
            items.append({"field": e["field"], "value": e["value"], "key": e["key"], "params": params})
        out.append({"row_number": row, "values": values.get(row, {}), "errors": items})
    return out


def run_job(
    engine: Engine,
    job_id: int,
    settings: Settings,
    *,
    progress: Progress | None = None,
    validated: Future[Validated] | None = None,
    keys: bulk.KnownKeys | None = None,
    touched: set[int] | None = None,
) -> ImportJob:
    """Run (or resume) a job to the end, a cancellation, or a fatal file error; returns its final state.

    ``validated``: the job's file already being read and validated (:func:`run_jobs` does the next file's
    while the current one is written). ``keys``: given by a load that holds the registry's load lock and
    writes without the intake-key index (:func:`registry.bulk.deferred_indexes`); otherwise each batch takes
    that lock shared, so it waits while such a load runs. ``touched``: the firms earlier jobs of the same load
    changed (:func:`run_jobs`), whose rows this job validates even when known unchanged by their fingerprint (it
    was taken before those jobs wrote); the firms this job changes are added."""
    with session_scope(engine) as s:
        job = service.get_job(s, job_id=job_id)
        if job.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.NEEDS_MAPPING):
            return job
        job.status = JobStatus.RUNNING
        job.started_at = job.started_at or utcnow()
        job.heartbeat_at = utcnow()
        snapshot = _detached(job)
        region = scope.uploader_region(s, job)
    if service.is_sentra_job(snapshot):
        return _run_sentra_job(engine, job_id, snapshot, settings, region)
    if service.is_linkage_job(snapshot):
        return _run_linkage_job(engine, job_id, snapshot, settings)
    try:
        v = (
            validated.result()
            if validated is not None
            else load_and_validate(snapshot, settings, engine if keys is None else None)
        )
        if touched:
            stale = v.skipped.filter(pl.col("_id").is_in(list(touched))).get_column("_row")
            v = prepare.revalidate(v, stale, snapshot, settings)
        v = scope.refuse_outside_office(v, region)
    except DomainError as exc:
        with session_scope(engine) as s:
            job = service.get_job(s, job_id=job_id)
            service.fail_job(job, exc)
            return _detached(job)
    rows = v.raw.get_column("_row")
    total = rows.len()
    with session_scope(engine) as s:
        job = service.get_job(s, job_id=job_id)
        job.rows_total = total
    source = bulk.BulkSource(snapshot.office, snapshot.file_name, snapshot.uploaded_by, snapshot.id, region)
    size = settings.intake_batch_rows
    n_batches = page_count(total, size)
    done = snapshot.batches_done
    for k in range(done, n_batches):
        with session_scope(engine) as s:
            current = service.get_job(s, job_id=job_id)
            if current.status == JobStatus.CANCEL_REQUESTED:
                current.status = JobStatus.CANCELLED
                current.finished_at = utcnow()
                return _detached(current)
        batch = rows.slice(k * size, size)
        lo, hi = (int(batch.min()), int(batch.max())) if batch.len() else (0, -1)  # type: ignore[arg-type]
        try:
            changed = _commit_batch(engine, snapshot, k, v, lo, hi, batch.len(), source, keys)
        except Superseded:
            log.warning("job %s batch %s was committed by another runner; stopping", job_id, k)
            break
        except Exception as exc:  # the batch rolled back; the job stays resumable from here
            log.exception("import job %s failed in batch %s", job_id, k)
            with session_scope(engine) as s:
                job = service.get_job(s, job_id=job_id)
                job.status = JobStatus.INTERRUPTED
                job.error_key = "intake.job_crashed"
                job.error_params = json.dumps({"detail": str(exc).splitlines()[0][:300] if str(exc) else repr(exc)})
                return _detached(job)
        if touched is not None:
            touched.update(changed)
        if settings.intake_batch_pause_ms:
            time.sleep(settings.intake_batch_pause_ms / 1000)
        if progress is not None:
            with session_scope(engine) as s:
                progress(_detached(service.get_job(s, job_id=job_id)))
    with session_scope(engine) as s:
        job = service.get_job(s, job_id=job_id)
        if job.batches_done >= n_batches and job.status in (JobStatus.RUNNING, JobStatus.CANCEL_REQUESTED):
            job.status = JobStatus.DONE
            job.finished_at = utcnow()
            job.rows_done = job.rows_total
        return _detached(job)


def run_jobs(
    engine: Engine, job_ids: Sequence[int], settings: Settings, *, progress: Progress | None = None
) -> list[ImportJob]:
    """Run jobs one after another as one load (several provincial files, or the national set).

    While a file is written, the next one is read and validated on a second thread (polars and the database
    drivers release the GIL, so this uses the machine's other core). A load at least twice as large as the registry
    builds the registry's secondary indexes once at its end (:func:`registry.bulk.deferred_indexes`). Stops after
    a job that failed or was interrupted; returns the final state of each job run.
    """
    with session_scope(engine) as s:
        queue = [_detached(service.get_job(s, job_id=j)) for j in job_ids]
    incoming = sum(j.rows_total or 0 for j in queue if _prefetchable(j))
    finals: list[ImportJob] = []
    touched: set[int] = set()
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-read") as pool,
        bulk.deferred_indexes(engine, incoming_rows=incoming) as keys,
    ):
        known_by = engine if keys is None else None  # a deferred load (no row_hash index meanwhile) validates all
        ahead = _prefetch(pool, queue[0], settings, known_by) if queue else None
        for k, job in enumerate(queue):
            following = queue[k + 1] if k + 1 < len(queue) else None
            current, ahead = ahead, (_prefetch(pool, following, settings, known_by) if following else None)
            final = run_job(engine, job.id, settings, progress=progress, validated=current, keys=keys, touched=touched)
            finals.append(final)
            if final.status in (JobStatus.FAILED, JobStatus.INTERRUPTED):
                if ahead is not None:
                    ahead.cancel()
                break
    return finals


def _prefetchable(job: ImportJob) -> bool:
    return job.status not in (
        JobStatus.DONE,
        JobStatus.FAILED,
        JobStatus.NEEDS_MAPPING,
        JobStatus.CANCELLED,
    ) and not service.is_fixed_template_job(job)


def _prefetch(
    pool: ThreadPoolExecutor, job: ImportJob, settings: Settings, engine: Engine | None
) -> Future[Validated] | None:
    return pool.submit(load_and_validate, job, settings, engine) if _prefetchable(job) else None


def _commit_batch(
    engine: Engine,
    job: ImportJob,
    k: int,
    v: Validated,
    lo: int,
    hi: int,
    n_rows: int,
    source: bulk.BulkSource,
    keys: bulk.KnownKeys | None,
) -> list[int]:
    """Write spreadsheet rows ``lo``..``hi`` of ``v`` in one transaction; returns the ids of the known firms it
    changed."""
    job_id = job.id
    turn = locks.load_lock(engine, shared=True) if keys is None else nullcontext(True)
    with turn, keys.batch() if keys is not None else nullcontext(), session_scope(engine) as s:
        accepted = v.accepted.filter(pl.col("_row").is_between(lo, hi))
        skipped = v.skipped.filter(pl.col("_row").is_between(lo, hi))  # known unchanged: only sighted
        result = upsert_in_order(s, accepted, source, keys)
        bulk.record_unchanged(s, rows=skipped, source=source)
        result.unchanged += skipped.height
        result.firms = resolution_service.follow_merges(s, result.changed_ids, result.firms)
        bulk.link_sentra(s, rows=accepted, firms=result.firms, source=source)
        quarantined = quarantine_frame(v, lo, hi)
        resolved = fixes.resolve_by_reupload(s, job=job, accepted=accepted, firms=result.firms)
        tables.write(  # one COPY / executemany: the ORM costs ~100 µs a row here
            s.connection(),
            QuarantineRow.__tablename__,
            pl.DataFrame(
                {
                    "job_id": [job_id] * len(quarantined),
                    "row_number": [q["row_number"] for q in quarantined],
                    "values": [json.dumps(q["values"], ensure_ascii=False) for q in quarantined],
                    "errors": [json.dumps(q["errors"], ensure_ascii=False) for q in quarantined],
                    "status": ["open"] * len(quarantined),
                },
                schema={
                    "job_id": pl.Int64,
                    "row_number": pl.Int64,
                    "values": pl.Utf8,
                    "errors": pl.Utf8,
                    "status": pl.Utf8,
                },
            ),
        )
        stmt = (
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.batches_done == k)
            .values(
                batches_done=k + 1,
                rows_done=ImportJob.rows_done + n_rows,
                accepted=ImportJob.accepted + accepted.height + skipped.height,
                quarantined=ImportJob.quarantined + len(quarantined),
                inserted=ImportJob.inserted + result.inserted,
                updated=ImportJob.updated + result.updated,
                unchanged=ImportJob.unchanged + result.unchanged,
                heartbeat_at=utcnow(),
            )
        )
        if s.execute(stmt).rowcount != 1:  # type: ignore[attr-defined]
            raise Superseded
        audit.record(  # one summary event per committed batch: what the upsert wrote
            s,
            actor=service.uploader_actor(job),
            action="intake.batch",
            entity_type="import_job",
            entity_id=str(job_id),
            province_code=(job.office or "")[:2] or None,
            after={
                "batch": k + 1,
                "rows": [lo, hi],
                "accepted": accepted.height + skipped.height,
                "quarantined": len(quarantined),
                "inserted": result.inserted,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "resolved_earlier": resolved,
            },
        )
        s.flush()
    return result.changed_ids


def upsert_in_order(
    session: Session, rows: pl.DataFrame, source: bulk.BulkSource, keys: bulk.KnownKeys | None = None
) -> bulk.BulkResult:
    """Upsert rows; a business listed twice in the file is one firm, its later rows applied as updates in order."""
    ranked = rows.with_columns(pl.col("_row").cum_count().over("intake_key").alias("_rank"))
    total = bulk.BulkResult()
    for rank in sorted(ranked.get_column("_rank").unique().to_list()):
        part = bulk.upsert_firms(
            session, rows=ranked.filter(pl.col("_rank") == rank).drop("_rank"), source=source, keys=keys
        )
        total.inserted += part.inserted
        total.updated += part.updated
        total.unchanged += part.unchanged
        total.changed_ids += part.changed_ids
        total.firms = pl.concat([total.firms, part.firms])
    return total


def refresh_insights(engine: Engine, *, analyze: bool = True) -> None:
    """Rebuild the insights rollups after an import changed the registry (a failure there never fails the import).

    With ``analyze`` (a load that inserted firms) the planner's statistics of the registry tables are refreshed
    first: after a bulk load they describe the empty tables, and PostgreSQL then nests loops over millions of rows
    (a national rollup ran for minutes instead of seconds). A load that only updated firms adds rows only to history
    and provenance, in proportion to what changed: PostgreSQL's autovacuum keeps up with that, and analysing nine
    tables again cost more server time than the rest of a 1 %-changed re-upload.
    """
    if analyze:
        try:
            with engine.begin() as conn:
                tables.analyze(conn, ANALYZED_TABLES)
        except Exception:
            log.exception("planner statistics not refreshed after the import")
    try:
        from jejaring.insights import service as insights_service

        with session_scope(engine) as s:
            insights_service.refresh_rollups(s)
    except Exception:
        log.exception("insights rollups not refreshed after the import; run `jejaring stats refresh`")


# Jobs of the web process run one at a time, in upload order: concurrent uploads wait in the queue
# instead of fighting over the database's write lock (SQLite) or the same new keys (PostgreSQL).
_QUEUE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-job")
RUN_LOCK_KEY = 0x4A4A4951  # PostgreSQL advisory lock: one running import job per database, across processes
RUN_LOCK_FILE = "intake-lock"  # SQLite: flock on <database>.intake-lock


@contextmanager
def run_turn(engine: Engine) -> Iterator[None]:
    """One import job at a time per database, across web processes (advisory lock / ``flock``); waits its turn."""
    with dialect(engine).process_lock(engine, RUN_LOCK_KEY, RUN_LOCK_FILE):
        yield


def start_in_thread(engine: Engine, job_id: int, settings: Settings) -> Future[None]:
    """Queue a job to run in the background of the web process (one job at a time)."""

    def target() -> None:
        try:
            with run_turn(engine):
                final = run_job(engine, job_id, settings)
        except Exception:  # the job stays resumable; the log has the cause
            log.exception("import job %s stopped", job_id)
            return
        if final.inserted or final.updated:
            refresh_insights(engine, analyze=final.inserted > 0)

    return _QUEUE.submit(target)
