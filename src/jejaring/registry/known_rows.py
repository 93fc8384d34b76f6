"""Rows uploaded before, known by their fingerprint (``firm.row_hash``): which firm holds each, and their provenance
when they come again unchanged."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from jejaring.core import tables
from jejaring.core.dialects import dialect
from jejaring.registry.contracts import BulkSource
from jejaring.registry.upsert import SQLITE_BULK_CACHE_KIB, write_sightings

KNOWN_SCHEMA: dict[str, Any] = {
    "row_hash": pl.Utf8,
    "_id": pl.Int64,
    "_key": pl.Utf8,
    "_nib": pl.Utf8,
    "_regency": pl.Utf8,
    "tahun_data": pl.Int64,
}


def firms_by_row_hash(session: Session, hashes: pl.Series) -> pl.DataFrame:
    """The firm whose content each of ``hashes`` gave (columns of :data:`KNOWN_SCHEMA`): its id, intake key, NIB,
    regency and data year. A fingerprint no firm holds is absent."""
    wanted = hashes.drop_nulls().unique()
    if wanted.len() == 0:
        return pl.DataFrame(schema=KNOWN_SCHEMA)
    sql = "SELECT row_hash, id, intake_key, nib, regency_code, reference_year FROM firm WHERE row_hash IN ({in})"
    conn = session.connection()
    # the random fingerprints touch most pages of their index: SQLite's default page cache would read them again
    with dialect(conn).bulk_write(conn, cache_kib=SQLITE_BULK_CACHE_KIB, checkpointed_elsewhere=False):
        found = tables.select_in(conn, sql, wanted.sort())
    return pl.DataFrame(found, schema=KNOWN_SCHEMA, orient="row").unique("row_hash", keep="first")


def record_unchanged(session: Session, *, rows: pl.DataFrame, source: BulkSource) -> None:
    """Provenance of rows known unchanged (``_row``, ``_id``, ``tahun_data``): recorded as sightings of their firm,
    once per file and row, as the upsert records a row that matched a firm without changing it."""
    if rows.height == 0:
        return
    conn = session.connection()
    with dialect(conn).bulk_write(conn, cache_kib=SQLITE_BULK_CACHE_KIB, checkpointed_elsewhere=False):
        write_sightings(conn, rows, source)
