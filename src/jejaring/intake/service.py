"""Intake jobs: create from an uploaded file, map headers (remembered per office), read their state."""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.roles import Actor, system_actor
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.intake import headers as header_rules
from jejaring.intake import linkage, reader, sentra
from jejaring.intake.enums import JobStatus
from jejaring.intake.models import HeaderMapping, ImportJob, QuarantineRow
from jejaring.reference import wilayah

STALE_AFTER = timedelta(seconds=90)  # a running job without a heartbeat this long has died
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
ALLOWED_SUFFIXES = (".xlsx", ".csv", ".txt")


def check_office(office: str | None) -> str | None:
    """Normalise an office code (province ``32`` or regency ``32.09``); refuse unknown codes."""
    if office is None or not office.strip():
        return None
    code = wilayah.normalize_code(office)
    if code is None or (wilayah.province(code) is None and wilayah.regency(code) is None):
        raise DomainError("intake.office_unknown", field="office", value=office)
    return code


def safe_file_name(name: str) -> str:
    """A file name safe to store and show (no folders, no odd characters)."""
    base = Path(name or "upload").name
    return (_SAFE_NAME.sub("_", base).strip("._") or "upload")[:200]


def create_job(
    session: Session,
    *,
    source: Path,
    file_name: str,
    data_dir: Path,
    office: str | None = None,
    reference_year: int | None = None,
    uploaded_by: str | None = None,
    move: bool = False,
    actor: Actor | None = None,
) -> ImportJob:
    """Store the uploaded file under ``data_dir/uploads/<job>/`` and register a job for it."""
    office = check_office(office)
    name = safe_file_name(file_name)
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise DomainError("intake.file.unsupported", field="file", name=name)
    if reference_year is not None and not 1990 <= reference_year <= utcnow().year:
        raise DomainError("intake.year_invalid", field="year", value=reference_year)
    job = ImportJob(
        status=JobStatus.QUEUED,
        office=office,
        reference_year=reference_year,
        uploaded_by=uploaded_by,
        file_name=name,
        stored_path="",
        file_size=source.stat().st_size,
    )
    session.add(job)
    session.flush()
    folder = Path(data_dir) / "uploads" / str(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if move:
        shutil.move(str(source), target)
    else:
        shutil.copyfile(source, target)
    job.stored_path = str(target)
    _audit(
        session, actor, "intake.job_create", job, after={"file_name": name, "office": office, "year": reference_year}
    )
    return job


def _audit(
    session: Session,
    actor: Actor | None,
    action: str,
    job: ImportJob,
    *,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> None:
    """Record an intake write in the audit log (the CLI and background jobs act as the system)."""
    audit.record(
        session,
        actor=actor or system_actor(),
        action=action,
        entity_type="import_job",
        entity_id=str(job.id),
        province_code=(job.office or "")[:2] or None,
        before=before,
        after=after,
    )


def audit_row(
    session: Session, actor: Actor | None, job: ImportJob, row: QuarantineRow, before: dict[str, object]
) -> None:
    """Record a correction of a quarantined row (its values before and after, and whether it now passed)."""
    after = {"row": row.row_number, "values": json.loads(row.values), "status": row.status}
    after["firm_id"] = row.resolved_firm_id
    _audit(session, actor, "intake.row_correct", job, before=before, after=after)


def uploader_actor(job: ImportJob) -> Actor:
    """The actor a background batch writes as: the job's uploader, by name (for the audit log)."""
    return Actor(email=job.uploaded_by or "system", name=job.uploaded_by, via="system")


def get_job(session: Session, *, job_id: int) -> ImportJob:
    """The job with ``job_id``."""
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound("intake.job_not_found", field="job", value=job_id)
    return job


def recent_jobs(session: Session, *, office: str | None = None, limit: int = 20) -> list[ImportJob]:
    """The newest jobs (of one office when given)."""
    stmt = select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)
    if office:
        stmt = stmt.where(ImportJob.office == office)
    return list(session.scalars(stmt))


def remembered_mapping(session: Session, *, office: str | None) -> dict[str, str]:
    """Header key → field the office's uploaders chose before."""
    rows = session.scalars(select(HeaderMapping).where(HeaderMapping.office == (office or "")))
    return {r.header_key: r.field for r in rows}


def plan_headers(session: Session, *, job: ImportJob, sheet: reader.Sheet) -> list[str]:
    """Map the file's headers; store the mapping on the job and return the headers still unmapped."""
    mapping, unmapped = header_rules.map_headers(sheet.headers, remembered_mapping(session, office=job.office))
    job.header_map = json.dumps(mapping, ensure_ascii=False)
    job.header_row = sheet.header_row
    return unmapped


def inspect_job(session: Session, *, job: ImportJob, max_bytes: int, max_rows: int) -> list[str]:
    """Read the file's header; a job with unmapped headers waits in ``needs_mapping``. Fatal file errors fail it."""
    try:
        sheet = reader.read_file(Path(job.stored_path), max_bytes=max_bytes, max_rows=max_rows)
    except reader.FileError as exc:
        fail_job(job, exc)
        return []
    if linkage.is_linkage_template(sheet.headers):  # declared linkages (keterkaitan): a fixed template too
        job.header_map = json.dumps(linkage.header_mapping(sheet.headers), ensure_ascii=False)
        job.header_row = sheet.header_row
        job.rows_total = sheet.data.height
        return []
    if sentra.is_sentra_template(sheet.headers):  # a sentra directory: its own fixed template, nothing to map
        job.header_map = json.dumps(sentra.header_mapping(sheet.headers), ensure_ascii=False)
        job.header_row = sheet.header_row
        job.rows_total = sheet.data.height
        return []
    unmapped = plan_headers(session, job=job, sheet=sheet)
    job.rows_total = sheet.data.height
    if unmapped:
        job.status = JobStatus.NEEDS_MAPPING
    return unmapped


def is_sentra_job(job: ImportJob) -> bool:
    """Whether the job imports a sentra directory (the sentra template) rather than IKM rows."""
    return "nama_sentra" in json.loads(job.header_map or "{}").values()


def is_linkage_job(job: ImportJob) -> bool:
    """Whether the job imports declared linkages (the keterkaitan template)."""
    return "jenis_keterkaitan" in json.loads(job.header_map or "{}").values()


def is_fixed_template_job(job: ImportJob) -> bool:
    """Sentra and linkage files: fixed templates, corrected in the file and uploaded again."""
    return is_sentra_job(job) or is_linkage_job(job)


def unmapped_headers(job: ImportJob) -> list[str]:
    """Headers of a job waiting for the uploader (recomputed from the stored file)."""
    sheet = reader.read_file(Path(job.stored_path), max_bytes=1 << 62, max_rows=1 << 62)
    mapping = json.loads(job.header_map or "{}")
    return [h for h in sheet.headers if h not in mapping]


def header_samples(job: ImportJob, headers: list[str], n: int = 3) -> dict[str, list[str]]:
    """Up to ``n`` distinct filled values of each of ``headers``, from the top of the stored file."""
    sheet = reader.read_file(Path(job.stored_path), max_bytes=1 << 62, max_rows=1 << 62)
    index = {h: i for i, h in enumerate(sheet.headers)}
    head = sheet.data.head(200)
    out: dict[str, list[str]] = {}
    for h in headers:
        col = (
            head.get_column(f"c{index[h]}").drop_nulls().str.strip_chars()
            if h in index
            else pl.Series([], dtype=pl.Utf8)
        )
        out[h] = [v[:60] for v in col.filter(col != "").unique(maintain_order=True).head(n).to_list()]
    return out


def save_mapping(session: Session, *, job: ImportJob, choices: dict[str, str], actor: Actor | None = None) -> None:
    """Apply the uploader's choices (header → field, ``""`` = ignore), remember them for the office, queue the job."""
    mapping = json.loads(job.header_map or "{}")
    before = dict(mapping)
    used = {f for f in mapping.values() if f}
    for header, field in choices.items():
        if field and field not in header_rules.FIELDS:
            raise DomainError("intake.mapping_unknown_field", field=header, value=field)
        if field and field in used:
            raise DomainError("intake.mapping_duplicate", field=header, value=field)
        if field:
            used.add(field)
        mapping[header] = field
        key = header_rules.header_key(header)
        office = job.office or ""
        row = session.scalar(
            select(HeaderMapping).where(HeaderMapping.office == office, HeaderMapping.header_key == key)
        )
        if row is None:
            session.add(HeaderMapping(office=office, header_key=key, field=field))
        else:
            row.field = field
    job.header_map = json.dumps(mapping, ensure_ascii=False)
    if job.status == JobStatus.NEEDS_MAPPING:
        job.status = JobStatus.QUEUED
    _audit(session, actor, "intake.mapping", job, before={"mapping": before}, after={"mapping": mapping})
    session.flush()


def fail_job(job: ImportJob, exc: DomainError) -> None:
    """Mark a job failed with a translatable reason."""
    job.status = JobStatus.FAILED
    job.error_key = exc.key
    job.error_params = json.dumps(exc.params, default=str)
    job.finished_at = utcnow()


def request_cancel(session: Session, *, job: ImportJob, actor: Actor | None = None) -> None:
    """Ask a queued or running job to stop after its current batch (committed batches stay)."""
    before = job.status
    if job.status in (JobStatus.QUEUED, JobStatus.NEEDS_MAPPING):
        job.status = JobStatus.CANCELLED
        job.finished_at = utcnow()
    elif job.status == JobStatus.RUNNING:
        job.status = JobStatus.CANCEL_REQUESTED
    _audit(session, actor, "intake.cancel", job, before={"status": before}, after={"status": job.status})
    session.flush()


def effective_status(job: ImportJob) -> str:
    """The status to show: a running job whose heartbeat stopped is ``interrupted``."""
    stale = job.heartbeat_at is not None and utcnow() - job.heartbeat_at > STALE_AFTER
    if job.status in (JobStatus.RUNNING, JobStatus.CANCEL_REQUESTED) and stale:
        return JobStatus.INTERRUPTED
    return job.status


def apply_mapping(sheet: reader.Sheet, mapping: dict[str, str]) -> pl.DataFrame:
    """The sheet's columns renamed to template fields (ignored and unmapped columns dropped)."""
    cols = [pl.col(f"c{i}").alias(mapping[h]) for i, h in enumerate(sheet.headers) if mapping.get(h)]
    return sheet.data.select("_row", *cols)


def open_quarantine_count(session: Session, *, job: ImportJob) -> int:
    """Quarantined rows of a job not yet corrected."""
    stmt = select(func.count()).where(QuarantineRow.job_id == job.id, QuarantineRow.status == "open")
    return session.scalar(stmt) or 0


def resolved_count(session: Session, *, job: ImportJob) -> int:
    """Quarantined rows of a job corrected since (in place, or by a corrected re-upload)."""
    stmt = select(func.count()).where(QuarantineRow.job_id == job.id, QuarantineRow.status == "resolved")
    return session.scalar(stmt) or 0
