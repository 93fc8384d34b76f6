"""Clusters: every active firm with the source rows of all the records merged into it."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from jejaring.core import tables
from jejaring.resolution import golden


def clusters(session: Session, *, only_multi: bool = False) -> list[dict[str, Any]]:
    """Every active firm with the source rows (file, row) of all records merged into it."""
    conn = session.connection()
    parents = tables.read(
        conn,
        "SELECT id, merged_into_id FROM firm WHERE merged_into_id IS NOT NULL",
        {"id": pl.Int64, "parent": pl.Int64},
    )
    firm_cols = {"id": pl.Int64, "status": pl.String, "public_id": pl.String}
    source_cols = {"id": pl.Int64, "file": pl.String, "row": pl.Int64}
    if only_multi:  # only firms that can be in a cluster of two or more rows: merged, merged into, or seen twice
        seen_twice = tables.read(
            conn,
            "SELECT entity_id FROM record_source WHERE entity_type = 'firm' GROUP BY entity_id HAVING count(*) > 1",
            {"id": pl.Int64},
        )
        ids = pl.concat([parents.get_column("id"), parents.get_column("parent"), seen_twice.get_column("id")])
        firms = tables.read_for_ids(
            conn, "SELECT f.id, f.status, f.public_id FROM firm f JOIN _jj_ids i ON i.id = f.id", ids, firm_cols
        )
        sources = tables.read_for_ids(
            conn,
            "SELECT s.entity_id, s.file_name, s.row_number FROM record_source s JOIN _jj_ids i ON i.id = s.entity_id "
            "WHERE s.entity_type = 'firm'",
            ids,
            source_cols,
        )
    else:
        firms = tables.read(conn, "SELECT id, status, public_id FROM firm", firm_cols)
        sources = tables.read(
            conn, "SELECT entity_id, file_name, row_number FROM record_source WHERE entity_type = 'firm'", source_cols
        )
    roots = golden.roots(firms.get_column("id"), parents)
    members = (
        sources.join(roots, on="id", how="left")
        .with_columns(pl.coalesce("root", "id").alias("root"))
        .sort("file", "row", nulls_last=False)
        .group_by("root", maintain_order=True)
        .agg(pl.struct("file", "row").alias("members"))
    )
    active = firms.filter(pl.col("status") == "active").join(roots, on="id").filter(pl.col("id") == pl.col("root"))
    out = active.join(members, on="root", how="left").sort("id")
    if only_multi:
        out = out.filter(pl.col("members").list.len() >= 2)
    return [
        {"id": pid, "members": members or []}
        for pid, members in out.select(pl.col("public_id"), pl.col("members")).iter_rows()
    ]
