"""Quarantined rows: list them with translated reasons, correct one in place, export them as XLSX."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.accounts.roles import Actor
from jejaring.core import exports
from jejaring.core.config import Settings
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.i18n import translate
from jejaring.intake import scope, service, shape
from jejaring.intake.headers import FIELDS
from jejaring.intake.models import ImportJob, QuarantineRow
from jejaring.intake.numbers import amount, decimal
from jejaring.intake.validate import validate
from jejaring.registry import bulk, locks
from jejaring.resolution import service as resolution_service


@dataclass
class RowError:
    """One reason a row was refused, ready to show."""

    row: int
    field: str
    column: str
    value: str | None
    reason: str
    firm: str | None = None  # the row's business name, as uploaded


def column_names(job: ImportJob) -> dict[str, str]:
    """Template field → the header the uploader's file used for it."""
    mapping: dict[str, str] = json.loads(job.header_map or "{}")
    return {field: header for header, field in mapping.items() if field}


def field_label(field: str, lang: str) -> str:
    """A template field's label for people (``kode_wilayah`` → "Kode wilayah"); the whole row for row errors."""
    return translate("intake.whole_row" if field == shape.ROW_FIELD else f"intake.field.{field}", lang)


def describe(job: ImportJob, row: QuarantineRow, lang: str) -> list[RowError]:
    """The errors of a quarantined row, translated."""
    names = column_names(job)
    vals = json.loads(row.values)
    firm = vals.get("nama_usaha") or vals.get("nama_sentra")
    out = []
    for e in json.loads(row.errors):
        field = e["field"]
        column = names.get(field) or field_label(field, lang)
        reason = translate(e["key"], lang, column=column, value=e.get("value") or "", **e.get("params", {}))
        out.append(RowError(row.row_number, field, column, e.get("value"), reason, firm))
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
    # the job's counters follow: one row less in quarantine, and what the correction wrote to the registry
    job.quarantined = max(0, job.quarantined - 1)
    job.inserted += result.inserted
    job.updated += result.updated
    job.unchanged += result.unchanged
    service.audit_row(session, actor, job, row, before)
    session.flush()
    return True


# numeric template fields, read as validation reads them (intake/numbers.py), written back as numbers
NUMERIC_FIELDS = {
    "tenaga_kerja": amount,
    "nilai_investasi": amount,
    "nilai_produksi": amount,
    "tahun_berdiri": amount,
    "tahun_data": amount,
    "kapasitas_produksi": decimal,
    "latitude": decimal,
    "longitude": decimal,
}
FAULTY_FILL = "#FFC7CE"  # light red, as spreadsheets mark bad cells
MAX_EXACT = 2**53  # larger numbers would not survive a float


def _numbers(rows: list[dict[str, str]]) -> list[dict[str, float]]:
    """Per row, the numeric fields that parse, as numbers (one vectorised pass per field)."""
    out: list[dict[str, float]] = [{} for _ in rows]
    for field, parse in NUMERIC_FIELDS.items():
        texts = pl.DataFrame({field: [r.get(field) for r in rows]}, schema={field: pl.Utf8})
        parsed = texts.select(parse(field).alias("n")).get_column("n").to_list()
        for i, n in enumerate(parsed):
            if n is not None and abs(n) < MAX_EXACT:
                out[i][field] = n
    return out


def export_xlsx(session: Session, *, job: ImportJob, lang: str) -> bytes:
    """The open quarantined rows as XLSX: original values under the file's own headers, plus the reasons.

    Faulty cells are filled light red and carry a comment with the reason. Numbers that validation read
    (coordinates such as ``-6,8401``, amounts, years) are written as numbers; a faulty cell keeps the text
    as uploaded. Text that could run as a formula gets the cell's quote-prefix style: shown and re-read
    exactly as typed, never evaluated. The file can be corrected and uploaded again: the row and reason
    columns are ignored on re-upload.
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
    values = [json.loads(r.values) for r in rows]
    for vals in values:  # fields the file did not have but a correction added
        for f in vals:
            if f not in fields and f in FIELDS:
                fields.append(f)
    numbers = _numbers(values)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    ws = wb.add_worksheet(translate("intake.export.sheet", lang)[:31])
    bold = wb.add_format({"bold": True})
    styles = {
        (bad, quoted): wb.add_format(
            {"num_format": "@", "quote_prefix": quoted, **({"bg_color": FAULTY_FILL} if bad else {})}
        )
        for bad in (False, True)
        for quoted in (False, True)
    }
    head = [
        translate("intake.export.row", lang),
        *[names.get(f) or field_label(f, lang) for f in fields],
        translate("intake.export.reasons", lang),
    ]
    for c, h in enumerate(head):
        ws.write_string(0, c, h, bold)
    reasons_col = len(fields) + 1
    for i, (r, vals, nums) in enumerate(zip(rows, values, numbers, strict=True), start=1):
        errors = describe(job, r, lang)
        by_field: dict[str, list[str]] = {}
        for e in errors:
            by_field.setdefault(e.field, []).append(e.reason)
        ws.write_number(i, 0, r.row_number, styles[(True, False)] if shape.ROW_FIELD in by_field else None)
        if shape.ROW_FIELD in by_field:
            ws.write_comment(i, 0, "\n".join(by_field[shape.ROW_FIELD]))
        for c, f in enumerate(fields, start=1):
            bad = f in by_field
            v = vals.get(f)
            if v is not None and not bad and f in nums:
                ws.write_number(i, c, nums[f])
            elif v is not None:
                text = str(v)
                ws.write_string(i, c, text, styles[(bad, exports.looks_like_formula(text))])
            elif bad:
                ws.write_blank(i, c, None, styles[(True, False)])
            if bad:
                ws.write_comment(i, c, "\n".join(by_field[f]))
        reasons = "; ".join(e.reason for e in errors)
        unplaced = any(e.field not in fields and e.field != shape.ROW_FIELD for e in errors)
        ws.write_string(i, reasons_col, reasons, styles[(unplaced, exports.looks_like_formula(reasons))])
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()
