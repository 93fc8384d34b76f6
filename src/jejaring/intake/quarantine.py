"""Quarantined rows: list them with translated reasons, correct one in place, export them as XLSX."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.accounts.roles import Actor
from jejaring.core.config import Settings
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.i18n import translate
from jejaring.intake import scope, service
from jejaring.intake.headers import FIELDS
from jejaring.intake.models import ImportJob, QuarantineRow
from jejaring.intake.validate import validate
from jejaring.registry import bulk, locks
from jejaring.resolution import service as resolution_service

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """OWASP CSV/formula-injection defence: text starting with = + - @ TAB CR gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass
class RowError:
    """One reason a row was refused, ready to show."""

    row: int
    field: str
    column: str
    value: str | None
    reason: str


def column_names(job: ImportJob) -> dict[str, str]:
    """Template field → the header the uploader's file used for it."""
    mapping: dict[str, str] = json.loads(job.header_map or "{}")
    return {field: header for header, field in mapping.items() if field}


def describe(job: ImportJob, row: QuarantineRow, lang: str) -> list[RowError]:
    """The errors of a quarantined row, translated."""
    names = column_names(job)
    out = []
    for e in json.loads(row.errors):
        field = e["field"]
        column = names.get(field, field)
        reason = translate(e["key"], lang, column=column, value=e.get("value") or "", **e.get("params", {}))
        out.append(RowError(row.row_number, field, column, e.get("value"), reason))
    return out


def job_rows(
    session: Session, *, job: ImportJob, status: str | None = "open", page: int = 1, page_size: int = 50
) -> tuple[list[QuarantineRow], int]:
    """Quarantined rows of a job, one page and the total."""
    stmt = select(QuarantineRow).where(QuarantineRow.job_id == job.id)
    if status:
        stmt = stmt.where(QuarantineRow.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(QuarantineRow.row_number).offset((page - 1) * page_size).limit(page_size))
    return list(rows), total


def all_errors(session: Session, *, job: ImportJob, lang: str) -> list[RowError]:
    """Every error of every quarantined row of a job, in row order."""
    rows = session.scalars(
        select(QuarantineRow).where(QuarantineRow.job_id == job.id).order_by(QuarantineRow.row_number)
    )
    return [e for r in rows for e in describe(job, r, lang)]


def get_row(session: Session, *, job: ImportJob, row_id: int) -> QuarantineRow:
    """One quarantined row of ``job``."""
    row = session.get(QuarantineRow, row_id)
    if row is None or row.job_id != job.id:
        raise NotFound("intake.row_not_found", field="row", value=row_id)
    if service.is_fixed_template_job(job):
        raise DomainError("intake.sentra.fix_by_reupload", field="row")
    return row


def correct_row(
    session: Session,
    *,
    job: ImportJob,
    row: QuarantineRow,
    values: dict[str, str],
    settings: Settings,
    actor: Actor | None = None,
) -> bool:
    """Re-validate a corrected row; when it passes, write it to the registry and resolve it. True on success."""
    clean = {f: (values.get(f) or "").strip() or None for f in FIELDS}
    frame = pl.DataFrame(
        {"_row": [row.row_number], **{f: [clean[f]] for f in FIELDS}}, schema_overrides={f: pl.Utf8 for f in FIELDS}
    )
    v = validate(frame, default_year=job.reference_year, max_cell_chars=settings.max_cell_chars)
    region = scope.uploader_region(session, job)
    v = scope.refuse_outside_office(v, region)
    before = {"values": json.loads(row.values), "status": row.status}
    row.values = json.dumps({k: val for k, val in clean.items() if val is not None}, ensure_ascii=False)
    if v.errors.height:
        row.errors = json.dumps(
            [
                {"field": e["field"], "value": e["value"], "key": e["key"], "params": {}}
                for e in v.errors.iter_rows(named=True)
            ],
            ensure_ascii=False,
        )
        service.audit_row(session, actor, job, row, before)
        session.flush()
        return False
    source = bulk.BulkSource(job.office, job.file_name, job.uploaded_by, job.id, region)
    locks.writer_turn(session)
    result = bulk.upsert_firms(session, rows=v.accepted, source=source)
    result.firms = resolution_service.follow_merges(session, result.changed_ids, result.firms)
    bulk.link_sentra(session, rows=v.accepted, firms=result.firms, source=source)
    row.status = "resolved"
    row.errors = "[]"
    row.resolved_firm_id = result.firm_id(row.row_number)
    row.resolved_at = utcnow()
    service.audit_row(session, actor, job, row, before)
    session.flush()
    return True


def export_xlsx(session: Session, *, job: ImportJob, lang: str) -> bytes:
    """The open quarantined rows as XLSX: original values under the file's own headers, plus the reasons.

    Every text cell is written as text and neutralised against formula injection. The file can be
    corrected and uploaded again: the row and reason columns are ignored on re-upload.
    """
    import xlsxwriter

    names = column_names(job)
    fields = [f for f in FIELDS if f in names]
    rows = list(
        session.scalars(
            select(QuarantineRow)
            .where(QuarantineRow.job_id == job.id, QuarantineRow.status == "open")
            .order_by(QuarantineRow.row_number)
        )
    )
    for r in rows:  # fields the file did not have but a correction added
        for f in json.loads(r.values):
            if f not in fields:
                fields.append(f)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    ws = wb.add_worksheet(translate("intake.export.sheet", lang)[:31])
    bold = wb.add_format({"bold": True})
    text = wb.add_format({"num_format": "@"})
    head = [
        translate("intake.export.row", lang),
        *[names.get(f, f) for f in fields],
        translate("intake.export.reasons", lang),
    ]
    for c, h in enumerate(head):
        ws.write_string(0, c, h, bold)
    for i, r in enumerate(rows, start=1):
        vals = json.loads(r.values)
        ws.write_number(i, 0, r.row_number)
        for c, f in enumerate(fields, start=1):
            v = vals.get(f)
            if v is not None:
                ws.write_string(i, c, str(neutralise(v)), text)
        reasons = "; ".join(e.reason for e in describe(job, r, lang))
        ws.write_string(i, len(fields) + 1, str(neutralise(reasons)), text)
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()
