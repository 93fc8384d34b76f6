"""Fixed-template import jobs (sentra directories, declared linkages): one transaction per file, with the
refused rows quarantined and the job's counts; and the detached copy of a job the runners hand back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.core.config import Settings
from jejaring.core.db import session_scope, utcnow
from jejaring.core.errors import DomainError
from jejaring.intake import service
from jejaring.intake.enums import JobStatus
from jejaring.intake.models import ImportJob, QuarantineRow


def run_linkage_job(engine: Engine, job_id: int, snapshot: ImportJob, settings: Settings) -> ImportJob:
    """Declared linkages: every row validated, accepted links upserted with their provenance, refused rows
    quarantined with their reasons, and the job's counts, all in one transaction."""
    from jejaring.accounts.roles import system_actor
    from jejaring.intake import linkage

    return run_fixed_job(
        engine,
        job_id,
        lambda s: linkage.import_file(
            s,
            actor=system_actor(),
            path=Path(snapshot.stored_path),
            file_name=snapshot.file_name,
            office=snapshot.office,
            job_id=job_id,
            max_bytes=settings.max_upload_mb * 1_000_000,
            max_rows=settings.max_upload_rows,
        ),
    )


def run_sentra_job(
    engine: Engine, job_id: int, snapshot: ImportJob, settings: Settings, region: str | None
) -> ImportJob:
    """A sentra directory (small by nature): every row validated and upserted, refused rows quarantined with
    their reasons, and the job's counts, all in one transaction."""
    from jejaring.intake import sentra

    return run_fixed_job(
        engine,
        job_id,
        lambda s: sentra.import_file(
            s,
            path=Path(snapshot.stored_path),
            file_name=snapshot.file_name,
            office=snapshot.office,
            max_bytes=settings.max_upload_mb * 1_000_000,
            max_rows=settings.max_upload_rows,
            region=region,
        ),
    )


def run_fixed_job(engine: Engine, job_id: int, run: Callable[[Session], Any]) -> ImportJob:
    """A fixed-template file (sentra, linkages) in one transaction: the rows, the quarantine and the counts."""
    try:
        with session_scope(engine) as s:
            report = run(s)
            s.add_all(
                QuarantineRow(
                    job_id=job_id,
                    row_number=r["row"],
                    values=json.dumps(r["values"], ensure_ascii=False),
                    errors=json.dumps(r["errors"], ensure_ascii=False),
                )
                for r in report.refused
            )
            job = service.get_job(s, job_id=job_id)
            job.rows_total = job.rows_done = report.rows_read
            job.accepted, job.quarantined = report.accepted, report.quarantined
            job.inserted = report.outcomes.get("inserted", 0)
            job.updated = report.outcomes.get("updated", 0)
            job.unchanged = report.outcomes.get("unchanged", 0)
            job.batches_done = 1
            job.status = JobStatus.DONE
            job.finished_at = utcnow()
            audit.record(
                s,
                actor=service.uploader_actor(job),
                action="intake.batch",
                entity_type="import_job",
                entity_id=str(job_id),
                province_code=(job.office or "")[:2] or None,
                after={"accepted": report.accepted, "quarantined": report.quarantined, **report.outcomes},
            )
            return detached(job)
    except DomainError as exc:
        with session_scope(engine) as s:
            job = service.get_job(s, job_id=job_id)
            service.fail_job(job, exc)
            return detached(job)


def detached(job: ImportJob) -> ImportJob:
    """A plain copy of the job's columns, usable after its session closed."""
    copy = ImportJob()
    for col in ImportJob.__table__.columns:
        setattr(copy, col.key, getattr(job, col.key))
    return copy
