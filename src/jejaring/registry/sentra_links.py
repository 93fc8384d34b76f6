"""Sentra membership from intake rows: each row's firm joins the sentra its ``sentra`` column names."""

from __future__ import annotations

import polars as pl
from sqlalchemy.orm import Session

from jejaring.core import tables
from jejaring.core.dialects import dialect
from jejaring.registry import service as registry_service
from jejaring.registry.contracts import BulkSource
from jejaring.registry.keys import name_key_expr
from jejaring.registry.schemas import SentraCreate


def link_sentra(session: Session, *, rows: pl.DataFrame, firms: pl.DataFrame, source: BulkSource) -> int:
    """Make each row's firm (``firms``: ``_row``, ``_id``, as :class:`BulkResult` gives them) a member of the sentra
    its ``sentra`` column names, in the row's regency.

    A sentra not known yet by name and regency is registered from the row (name, district, desa, KBLI); a
    sentra-template import later completes it. Memberships are added, never removed (idempotent). Returns
    the number of sentra registered.
    """
    named = (
        rows.filter(pl.col("sentra").is_not_null() & (pl.col("sentra").str.strip_chars() != ""))
        .join(firms.select("_row", pl.col("_id").alias("_firm")), on="_row", maintain_order="left")
        .with_columns(name_key_expr("sentra").alias("_skey"))
    )
    if named.height == 0:
        return 0
    conn = session.connection()
    sql = "SELECT id, name_key, regency_code FROM sentra WHERE name_key IN ({in})"
    known = {(key, regency): i for i, key, regency in tables.select_in(conn, sql, named["_skey"].unique().to_list())}
    created = 0
    for row in named.unique(["_skey", "regency_code"], keep="first", maintain_order=True).iter_rows(named=True):
        if (row["_skey"], row["regency_code"]) in known:
            continue
        data = SentraCreate(
            name=row["sentra"].strip()[:300],
            regency_code=row["regency_code"],
            district_code=row["district_code"],
            desa=(row["desa"] or "").strip()[:100] or None,
            kbli_code=row["kbli"],
            source=(f"{source.file_name or '-'} ({source.office or '-'})")[:300],
            reference_year=row["tahun_data"],
        )
        info = registry_service.SourceInfo(
            office=source.office,
            file_name=source.file_name,
            row_number=row["_row"],
            reference_year=row["tahun_data"],
            uploaded_by=source.uploaded_by,
        )
        known[(row["_skey"], row["regency_code"])] = registry_service.create_sentra(session, data=data, source=info).id
        created += 1
    ids = pl.DataFrame(
        [(k, r, i) for (k, r), i in known.items()],
        schema={"_skey": pl.Utf8, "regency_code": pl.Utf8, "sentra_id": pl.Int64},
        orient="row",
    )
    pairs = named.join(ids, on=["_skey", "regency_code"]).select("sentra_id", pl.col("_firm").alias("firm_id")).unique()
    sql = "INSERT INTO sentra_membership (sentra_id, firm_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
    dialect(conn).executemany(conn, sql, pairs.rows())
    return created
