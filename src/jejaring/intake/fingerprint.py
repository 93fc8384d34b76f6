"""Fingerprints of uploaded rows: a province's file uploaded again is mostly rows that did not change, and those are
known by their fingerprint instead of being validated, resolved and upserted again.

A row's fingerprint is the md5 of its cells as typed (the template fields after the header mapping) and of what
validation depends on besides them (:func:`salt`). The upsert keeps it on the firm the row wrote
(``firm.row_hash``); an edit by hand clears it. A row is *known unchanged* when a firm holds its fingerprint: that
firm's content is what validating the row again would give, so the upsert would find it unchanged. Such a row is
still checked against the uploader's region (on the firm's regency, which is the row's; outside it, the row is
validated and refused as before), still counted as accepted
and unchanged, and still recorded as a sighting when it comes in a file of another name. It is validated as before
when another row of the same file touches its firm (a business listed twice, or matched by its NIB), when it may fix
a row an earlier job of the office quarantined, or when an earlier file of the same load changed its firm.
"""

from __future__ import annotations

import hashlib

import polars as pl
from sqlalchemy.orm import Session

from jejaring.intake import fixes, lookups
from jejaring.intake.headers import FIELDS
from jejaring.intake.models import ImportJob
from jejaring.intake.validate import duckdb_cursor
from jejaring.registry import bulk

VERSION = "1"  # raise when validation or cleaning changes what a row becomes: every row is then validated again
SKIPPED_SCHEMA = {"_row": pl.Int64, "_id": pl.Int64, "tahun_data": pl.Int64}
_HASH_SQL = (
    "SELECT _row, md5(concat_ws(chr(31), $salt, "
    + ", ".join(f'coalesce("{f}", chr(0))' for f in FIELDS)
    + ")) AS row_hash FROM frame"
)


def salt(*, default_year: int | None, max_cell_chars: int) -> str:
    """What validation depends on besides the row's cells: the rules' version, the KBLI codes, the upload's data
    year for rows without one, the longest cell allowed."""
    codes = ",".join(sorted(lookups.kbli5()))
    return hashlib.md5(f"{VERSION}|{default_year}|{max_cell_chars}|{codes}".encode()).hexdigest()


def fingerprints(raw: pl.DataFrame, row_salt: str) -> pl.DataFrame:
    """``_row`` and ``row_hash`` of every row of ``raw`` (completed: every template field, text as uploaded)."""
    frame = raw.select("_row", *FIELDS)  # noqa: F841 - read by DuckDB below
    cur = duckdb_cursor()
    try:
        return cur.execute(_HASH_SQL, {"salt": row_salt}).pl().cast({"_row": pl.Int64})
    finally:
        cur.close()


def known_unchanged(session: Session, *, job: ImportJob, raw: pl.DataFrame, region: str | None) -> pl.DataFrame:
    """Rows of ``raw`` (with ``row_hash``) a firm already holds, inside ``region``, that cannot fix an open
    quarantined row of the office's earlier jobs: ``_row``, ``row_hash``, ``_id``, ``_key``, ``_nib``,
    ``tahun_data``."""
    found = bulk.firms_by_row_hash(session, raw.get_column("row_hash"))
    if found.height == 0:
        return found.select(pl.lit(None, dtype=pl.Int64).alias("_row"), pl.all())
    known = raw.select("_row", "row_hash", "nib", "nama_usaha").join(found, on="row_hash", how="inner")
    if region:
        inside = (pl.col("_regency") == region) | pl.col("_regency").str.starts_with(region + ".")
        known = known.filter(inside.fill_null(False))
    nibs, names = fixes.open_row_keys(session, job)
    if nibs or names:
        clean_nib = pl.col("nib").str.strip_chars().str.replace_all(r"[\s.\-']", "")
        may_fix = clean_nib.is_in(list(nibs)) | bulk.name_key_expr("nama_usaha").is_in(list(names))
        known = known.filter(~may_fix.fill_null(False))
    return known.drop("nib", "nama_usaha", "_regency")


def touched_by(known: pl.DataFrame, accepted: pl.DataFrame) -> pl.Series:
    """Rows of ``known`` whose firm a validated row of the same file also writes (same intake key, or its NIB)."""
    keys = accepted.get_column("intake_key").implode()
    nibs = accepted.get_column("nib").drop_nulls().implode()
    hit = pl.col("_key").is_in(keys).fill_null(False) | pl.col("_nib").is_in(nibs).fill_null(False)
    return known.filter(hit).get_column("_row")
