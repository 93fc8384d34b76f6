"""Writes that meet merged firms: an upload or a corrected row matching a retired record reaches its survivor.

A merged record keeps its intake key, so a later row of the same business still finds it. The row's values
are that record's own values: they replace its snapshot of own values, and the survivor's golden record is
rebuilt from all its members by the survivorship rules (so the correction shows on the surviving firm, and a
later split still gives each record its own values). The rows' firm is then the survivor.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy.orm import Session

from jejaring.core import tables
from jejaring.resolution import golden


def _any_merge(session: Session) -> bool:
    """Whether any merge was ever made (a cheap guard: most imports meet none)."""
    return session.connection().exec_driver_sql("SELECT 1 FROM resolution_merge LIMIT 1").first() is not None


def refresh_members(session: Session, firm_ids: Sequence[int]) -> None:
    """Firms whose own values a write just changed: those in a merge (survivor or retired record) are snapshotted
    again and their survivors' golden records rebuilt. Firms never merged cost one lookup."""
    if not firm_ids or not _any_merge(session):
        return
    conn = session.connection()
    held = tables.select_in(
        conn, "SELECT firm_id, verified FROM resolution_snapshot WHERE firm_id IN ({in})", list(firm_ids)
    )
    if not held:
        return
    ids = pl.Series("id", [r[0] for r in held], dtype=pl.Int64)
    tables.delete_for_ids(conn, "resolution_snapshot", "firm_id", ids)
    golden.ensure_snapshots(session, ids)
    verified = pl.DataFrame(
        [(r[0], r[1]) for r in held if r[1]], schema={"firm_id": pl.Int64, "verified": pl.Int64}, orient="row"
    )
    tables.update(conn, "resolution_snapshot", verified, key="firm_id")
    parents = golden.merge_parents(session)
    golden.rebuild(session, golden.roots(ids, parents).get_column("root").unique(), parents)
    session.expire_all()


def survivors(session: Session, firms: pl.DataFrame) -> pl.DataFrame:
    """``firms`` (``_row``, ``_id``) with each ``_id`` replaced by the end of its merge chain."""
    if firms.height == 0 or not _any_merge(session):
        return firms
    conn = session.connection()
    sql = "SELECT id, merged_into_id FROM firm WHERE merged_into_id IS NOT NULL AND id IN ({in})"
    mapping = pl.DataFrame(schema={"_id": pl.Int64, "_root": pl.Int64})
    current = firms.get_column("_id").unique()
    for _ in range(64):  # chains are short; the bound only guards against a cycle
        found = tables.select_in(conn, sql, current)
        step = pl.DataFrame(found, schema={"_id": pl.Int64, "_up": pl.Int64}, orient="row")
        if step.height == 0:
            break
        # whatever pointed at a record that moved on now points where it went
        mapping = mapping.join(step.rename({"_id": "_root"}), on="_root", how="left").select(
            "_id", pl.coalesce("_up", "_root").alias("_root")
        )
        mapping = pl.concat([mapping, step.rename({"_up": "_root"})]).unique("_id", keep="first")
        current = step.get_column("_up").unique()
    return firms.join(mapping, on="_id", how="left").select(
        "_row", pl.coalesce("_root", "_id").alias("_id"), *[c for c in firms.columns if c not in ("_row", "_id")]
    )


def follow_merges(session: Session, changed_ids: Sequence[int], firms: pl.DataFrame) -> pl.DataFrame:
    """After a bulk write: merge members it changed rebuilt into their survivors; the rows' firms as survivors."""
    refresh_members(session, changed_ids)
    return survivors(session, firms)
