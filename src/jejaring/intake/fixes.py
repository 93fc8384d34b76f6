"""Quarantined rows fixed by a corrected re-upload leave the error list of the job they came from.

An officer who corrects the file (the original, or the downloaded quarantine XLSX) and uploads it again
fixes rows of the earlier job: when a batch accepts a business that an earlier job of the same office
quarantined, that quarantined row is resolved, linked to the firm, and the earlier job's count of open
rows drops. A row is the same business when the NIB agrees, else when the name agrees together with the
owner's name or the regency code.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.core.db import utcnow
from jejaring.intake import service
from jejaring.intake.enums import QuarantineStatus
from jejaring.intake.models import ImportJob, QuarantineRow
from jejaring.registry import bulk

_KEY_FIELDS = {"nib": "nib", "name": "nama_usaha", "owner": "nama_pemilik", "kw": "kode_wilayah"}
_KEY_SCHEMA = {"qid": pl.Int64, "job_id": pl.Int64, "nib": pl.Utf8, "name": pl.Utf8, "owner": pl.Utf8, "kw": pl.Utf8}


def _earlier_open_rows(session: Session, job: ImportJob) -> pl.DataFrame:
    """Open quarantined rows of the office's earlier jobs: id, job and their matching keys."""
    office = ImportJob.office.is_(None) if job.office is None else ImportJob.office == job.office
    stmt = (
        select(QuarantineRow.id, QuarantineRow.job_id, QuarantineRow.values)
        .join(ImportJob, ImportJob.id == QuarantineRow.job_id)
        .where(QuarantineRow.status == QuarantineStatus.OPEN, ImportJob.id < job.id, office)
    )
    rows = session.execute(stmt).all()
    values = pl.Series("values", [r[2] for r in rows], dtype=pl.Utf8)
    frame = pl.DataFrame(
        {
            "qid": pl.Series([r[0] for r in rows], dtype=pl.Int64),
            "job_id": pl.Series([r[1] for r in rows], dtype=pl.Int64),
            **{k: values.str.json_path_match(f"$.{field}") for k, field in _KEY_FIELDS.items()},
        },
        schema=_KEY_SCHEMA,
    )
    return frame.with_columns(
        pl.col("nib").str.replace_all(r"[\s.\-']", ""),
        bulk.name_key_expr("name").alias("name"),
        bulk.name_key_expr("owner").fill_null("").alias("owner"),
        pl.col("kw").str.replace_all(r"\D", "").str.slice(0, 4).alias("kw"),
    )


def _matches(open_rows: pl.DataFrame, accepted: pl.DataFrame, firms: pl.DataFrame) -> pl.DataFrame:
    """``qid``, ``job_id``, ``firm_id`` of the open rows that this batch's accepted rows are the same business as."""
    batch = accepted.select(
        "_row",
        pl.col("nib"),
        pl.col("name_key").alias("name"),
        bulk.name_key_expr("nama_pemilik").fill_null("").alias("owner"),
        pl.col("regency_code").str.replace_all(r"\D", "").alias("kw"),
    ).join(firms.select("_row", pl.col("_id").alias("firm_id")), on="_row", how="inner")
    by_nib = open_rows.filter(pl.col("nib").str.contains(r"^\d{13}$")).join(batch.drop_nulls("nib"), on="nib")
    by_owner = open_rows.filter(pl.col("owner") != "").join(batch, on=["name", "owner"])
    by_region = open_rows.drop_nulls("kw").join(batch.drop_nulls("kw"), on=["name", "kw"])
    cols = ["qid", "job_id", "firm_id"]
    return pl.concat([by_nib.select(cols), by_owner.select(cols), by_region.select(cols)]).unique("qid", keep="first")


def resolve_by_reupload(session: Session, *, job: ImportJob, accepted: pl.DataFrame, firms: pl.DataFrame) -> int:
    """Resolve the earlier jobs' open rows that this batch accepted again; returns how many were resolved."""
    if accepted.height == 0:
        return 0
    open_rows = _earlier_open_rows(session, job)
    if open_rows.height == 0:
        return 0
    matched = _matches(open_rows, accepted, firms)
    if matched.height == 0:
        return 0
    now = utcnow()
    for qid, firm_id in matched.select("qid", "firm_id").iter_rows():
        session.execute(
            update(QuarantineRow)
            .where(QuarantineRow.id == qid, QuarantineRow.status == QuarantineStatus.OPEN)
            .values(status=QuarantineStatus.RESOLVED, errors="[]", resolved_firm_id=firm_id, resolved_at=now)
        )
    for earlier_id, n in matched.group_by("job_id").len().iter_rows():
        session.execute(
            update(ImportJob).where(ImportJob.id == earlier_id).values(quarantined=ImportJob.quarantined - n)
        )
        audit.record(
            session,
            actor=service.uploader_actor(job),
            action="intake.rows_fixed_by_upload",
            entity_type="import_job",
            entity_id=str(earlier_id),
            province_code=(job.office or "")[:2] or None,
            before={"open": n},
            after={"resolved": n, "by_job": job.id},
        )
    return matched.height


def open_row_keys(session: Session, job: ImportJob) -> tuple[set[str], set[str]]:
    """The NIBs and name keys of the open quarantined rows of the office's earlier jobs (what a row of ``job`` must
    share with one of them to fix it)."""
    rows = _earlier_open_rows(session, job)
    nibs = rows.get_column("nib").drop_nulls()
    names = rows.get_column("name").drop_nulls()
    return set(nibs.filter(nibs.str.contains(r"^\d{13}$")).to_list()), set(names.filter(names != "").to_list())
