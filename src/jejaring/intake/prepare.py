"""Read an import job's file and validate its rows, the rows known unchanged by their fingerprint excepted."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.intake import fingerprint, parse, reader, scope, service, shape
from jejaring.intake.models import ImportJob
from jejaring.intake.validate import Validated, validate

KNOWN_ROWS = {"_row": pl.Int64, "_id": pl.Int64, "_key": pl.Utf8, "_nib": pl.Utf8, "tahun_data": pl.Int64}


def load_and_validate(job: ImportJob, settings: Settings, engine: Engine | None = None) -> Validated:
    """Read the job's file, apply its header mapping and validate every row; with ``engine``, rows a firm already
    holds by fingerprint are left out of validation and listed in ``skipped`` (intake/fingerprint.py). Every
    accepted row carries its fingerprint (``row_hash``) for the upsert to keep."""
    sheet = reader.read_file(
        Path(job.stored_path), max_bytes=settings.max_upload_mb * 1_000_000, max_rows=settings.max_upload_rows
    )
    raw = parse.complete(service.apply_mapping(sheet, json.loads(job.header_map or "{}")))
    row_salt = fingerprint.salt(default_year=job.reference_year, max_cell_chars=settings.max_cell_chars)
    hashes = fingerprint.fingerprints(raw, row_salt)
    known = pl.DataFrame(
        schema={"_row": pl.Int64, "_id": pl.Int64, "_key": pl.Utf8, "_nib": pl.Utf8, "tahun_data": pl.Int64}
    )
    if engine is not None:
        with session_scope(engine) as s:
            region = scope.uploader_region(s, job)
            known = fingerprint.known_unchanged(
                s, job=job, raw=raw.join(hashes, on="_row", maintain_order="left"), region=region
            )
        known = known.filter(~pl.col("_row").is_in(sheet.ragged.get_column("_row").implode()))  # refused whole
    checked = validate(
        raw.join(known.select("_row"), on="_row", how="anti"),
        default_year=job.reference_year,
        max_cell_chars=settings.max_cell_chars,
    )
    v = Validated(
        accepted=checked.accepted.join(hashes, on="_row", how="left", maintain_order="left"),
        errors=checked.errors,
        raw=raw,
        skipped=known.select("_row", "_id", "tahun_data"),
    )
    # a known row whose firm another row of the file writes too is validated with them: the file's order decides
    v = revalidate(v, fingerprint.touched_by(known, v.accepted), job, settings)
    return shape.refuse_ragged(v, sheet.ragged, len(sheet.headers))


def revalidate(v: Validated, rows: pl.Series, job: ImportJob, settings: Settings) -> Validated:
    """``v`` with the skipped ``rows`` validated after all (their firm is written by another row meanwhile)."""
    rows = rows.filter(rows.is_in(v.skipped.get_column("_row").implode()))
    if rows.len() == 0:
        return v
    wanted = pl.col("_row").is_in(rows.implode())
    more = validate(v.raw.filter(wanted), default_year=job.reference_year, max_cell_chars=settings.max_cell_chars)
    row_salt = fingerprint.salt(default_year=job.reference_year, max_cell_chars=settings.max_cell_chars)
    hashes = fingerprint.fingerprints(v.raw.filter(wanted), row_salt)
    return Validated(
        accepted=pl.concat([v.accepted, more.accepted.join(hashes, on="_row", how="left", maintain_order="left")]).sort(
            "_row"
        ),
        errors=pl.concat([v.errors, more.errors], how="diagonal_relaxed").sort("_row", maintain_order=True),
        raw=v.raw,
        skipped=v.skipped.filter(~wanted),
    )
