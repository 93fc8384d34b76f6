"""Golden record: merge and split firms, with survivorship rules and the full history kept.

Survivorship: values from verified sources first, then from the most recent reference year, then
the most recently updated record (then the survivor itself, then the lowest id); within that order
the first non-empty value wins; roles are united. Each firm's own values are snapshotted before its
first merge, so a split restores them exactly. Everything here is set-based: a batch run merges and
rebuilds every connected component at once; a single merge is the same code on one component.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.core import tables
from jejaring.core.db import utcnow
from jejaring.core.dialects import dialect
from jejaring.core.errors import DomainError
from jejaring.registry.keys import name_key_expr, size_class_expr
from jejaring.registry.models import Firm
from jejaring.resolution.models import MergeEvent
from jejaring.resolution.pipeline import components

FIELD_TYPES: dict[str, Any] = {
    "name": pl.String,
    "nib": pl.String,
    "address": pl.String,
    "district_code": pl.String,
    "desa": pl.String,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
    "kbli_code": pl.String,
    "products": pl.String,
    "workers": pl.Int64,
    "investment": pl.Int64,
    "capacity": pl.Float64,
    "capacity_unit": pl.String,
    "production_value": pl.Int64,
    "brand": pl.String,
    "founded_year": pl.Int64,
    "reference_year": pl.Int64,
}
FIRM_FIELDS = tuple(FIELD_TYPES)
PRIVATE_FIELDS = ("owner_name", "phone", "email")
SNAPSHOT_TYPES: dict[str, Any] = {
    **FIELD_TYPES,
    **dict.fromkeys(PRIVATE_FIELDS, pl.String),
    "roles": pl.List(pl.String),
    "updated_at": pl.String,
}
EDGE_SCHEMA: dict[str, Any] = {"a": pl.Int64, "b": pl.Int64, "reason": pl.String, "candidate_id": pl.Int64}


def merge_parents(session: Session) -> pl.DataFrame:
    """``id → merged_into_id`` of every merged firm."""
    return tables.read(
        session.connection(),
        "SELECT id, merged_into_id FROM firm WHERE merged_into_id IS NOT NULL",
        {"id": pl.Int64, "parent": pl.Int64},
    )


def roots(ids: pl.Series, parents: pl.DataFrame) -> pl.DataFrame:
    """``id → root``: the end of each id's merge chain (itself when it was never merged)."""
    frame = pl.DataFrame({"id": ids.cast(pl.Int64)}).with_columns(pl.col("id").alias("root"))
    for _ in range(64):  # chains are short; the bound only guards against a cycle
        step = frame.join(parents, left_on="root", right_on="id", how="left")
        if step.get_column("parent").null_count() == step.height:
            break
        frame = step.select("id", pl.coalesce("parent", "root").alias("root"))
    return frame


def ensure_snapshots(session: Session, firm_ids: pl.Series) -> None:
    """Snapshot the own values of those firms that have none yet (before their first merge)."""
    conn = session.connection()
    cols = ", ".join(f"f.{c}" for c in FIRM_FIELDS)
    updated = dialect(conn).iso_timestamp_sql("f.updated_at")
    schema = {"firm_id": pl.Int64, **FIELD_TYPES, **dict.fromkeys(PRIVATE_FIELDS, pl.String), "updated_at": pl.String}
    firms = tables.read_for_ids(
        conn,
        f"SELECT f.id, {cols}, p.owner_name, p.phone, p.email, {updated} FROM firm f "
        "JOIN _jj_ids i ON i.id = f.id LEFT JOIN firm_private p ON p.firm_id = f.id "
        "WHERE NOT EXISTS (SELECT 1 FROM resolution_snapshot s WHERE s.firm_id = f.id)",
        firm_ids,
        schema,
    )
    if firms.height == 0:
        return
    roles = tables.read_for_ids(
        conn,
        "SELECT r.firm_id, r.role FROM firm_role r JOIN _jj_ids i ON i.id = r.firm_id",
        firms.get_column("firm_id"),
        {"firm_id": pl.Int64, "role": pl.String},
    )
    roles = roles.group_by("firm_id").agg(pl.col("role").sort().alias("roles"))
    firms = firms.join(roles, on="firm_id", how="left").with_columns(
        pl.col("roles").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    values = pl.struct([pl.col(c) for c in SNAPSHOT_TYPES]).struct.json_encode()
    tables.write(
        conn,
        "resolution_snapshot",
        firms.select(
            "firm_id",
            values.alias("values"),
            pl.lit(0, dtype=pl.Int64).alias("verified"),
            pl.lit(tables.stamp(conn, utcnow())).alias("created_at"),
        ),
    )


def survivorship(snapshots: pl.DataFrame) -> pl.DataFrame:
    """Golden values per ``survivor`` from its members' snapshots (``survivor``, ``firm_id``, ``verified``,
    ``values`` JSON): one row per survivor with every field, the united ``roles`` and derived columns."""
    stamp = pl.col("updated_at").fill_null("")
    decoded = (
        snapshots.with_columns(pl.col("values").str.json_decode(pl.Struct(SNAPSHOT_TYPES)))
        .unnest("values")
        .with_columns(  # older snapshots may lack the fraction of a second
            pl.when(stamp.str.len_chars() == 25)
            .then(pl.concat_str([stamp.str.slice(0, 19), pl.lit(".000000"), stamp.str.slice(19)]))
            .otherwise(stamp)
            .alias("updated_at"),
            (pl.col("firm_id") == pl.col("survivor")).alias("_is_survivor"),
        )
        .sort(
            ["survivor", "verified", pl.col("reference_year").fill_null(0), "updated_at", "_is_survivor", "firm_id"],
            descending=[False, True, True, True, True, False],
        )
    )

    def first_filled(field: str) -> pl.Expr:
        col = pl.col(field)
        filled = col.is_not_null() & (col != "") if SNAPSHOT_TYPES[field] == pl.String else col.is_not_null()
        return col.filter(filled).first().alias(field)

    golden = decoded.group_by("survivor", maintain_order=True).agg(
        *[first_filled(f) for f in (*FIRM_FIELDS, *PRIVATE_FIELDS)],
        pl.col("roles").explode().drop_nulls().unique().sort().alias("roles"),
    )
    return golden.with_columns(
        name_key_expr(pl.col("name")).alias("name_key"),
        pl.col("kbli_code").str.slice(0, 2).alias("kbli_division"),
        size_class_expr(pl.col("workers"), pl.col("investment")).alias("size_class"),
    )


def rebuild(
    session: Session, survivor_ids: pl.Series, parents: pl.DataFrame | None = None, *, snapshotted: bool = False
) -> None:
    """Rebuild the golden record of each survivor from the snapshots of all its members (raw SQL; the
    caller expires ORM state). ``snapshotted``: the caller has already snapshotted every member."""
    if survivor_ids.len() == 0:
        return
    conn = session.connection()
    survivors = survivor_ids.cast(pl.Int64).unique()
    parents = merge_parents(session) if parents is None else parents
    descendants = roots(parents.get_column("id"), parents).filter(pl.col("root").is_in(survivors.implode()))
    group = pl.concat([pl.DataFrame({"id": survivors, "root": survivors}), descendants.select("id", "root")]).rename(
        {"root": "survivor", "id": "firm_id"}
    )
    if not snapshotted:
        ensure_snapshots(session, group.get_column("firm_id"))
    snaps = tables.read_for_ids(
        conn,
        'SELECT s.firm_id, s.verified, s."values" FROM resolution_snapshot s JOIN _jj_ids i ON i.id = s.firm_id',
        group.get_column("firm_id"),
        {"firm_id": pl.Int64, "verified": pl.Int64, "values": pl.String},
    )
    golden = survivorship(group.join(snaps, on="firm_id"))
    now = tables.stamp(conn, utcnow())
    firm_cols = [*FIRM_FIELDS, "name_key", "kbli_division", "size_class"]
    tables.update(
        conn,
        "firm",
        golden.select(pl.col("survivor").alias("id"), *firm_cols),
        extra=f"updated_at = '{now}'",
    )
    ids = golden.get_column("survivor")
    tables.delete_for_ids(conn, "firm_private", "firm_id", ids)
    tables.write(conn, "firm_private", golden.select(pl.col("survivor").alias("firm_id"), *PRIVATE_FIELDS))
    tables.delete_for_ids(conn, "firm_role", "firm_id", ids)
    tables.write(
        conn,
        "firm_role",
        golden.select(pl.col("survivor").alias("firm_id"), pl.col("roles").alias("role")).explode("role").drop_nulls(),
    )


def merge_edges(session: Session, edges: pl.DataFrame, *, run_id: int | None, actor: str | None) -> int:
    """Merge along ``edges`` (``EDGE_SCHEMA``), all connected components at once: one survivor per
    component (newest reference year, then lowest id), golden records rebuilt once; returns merges made."""
    if edges.height == 0:
        return 0
    session.flush()
    conn = session.connection()
    parents = merge_parents(session)
    ends = pl.concat([edges.get_column("a"), edges.get_column("b")]).unique()
    root_of = roots(ends, parents)
    mapped = (
        edges.with_row_index("_order")
        .join(root_of.rename({"id": "a", "root": "ra"}), on="a")
        .join(root_of.rename({"id": "b", "root": "rb"}), on="b")
        .filter(pl.col("ra") != pl.col("rb"))
    )
    if mapped.height == 0:
        return 0
    why = (
        pl.concat(
            [
                mapped.select(pl.col("ra").alias("id"), "_order", "reason", "candidate_id"),
                mapped.select(pl.col("rb").alias("id"), "_order", "reason", "candidate_id"),
            ]
        )
        .sort("_order")
        .unique("id", keep="first", maintain_order=True)
        .drop("_order")
    )
    comp = components(pl.Series([], dtype=pl.Int64), mapped.select(pl.col("ra").alias("a"), pl.col("rb").alias("b")))
    years = tables.read_for_ids(
        conn,
        "SELECT f.id, f.reference_year FROM firm f JOIN _jj_ids i ON i.id = f.id WHERE f.status = 'active'",
        comp.get_column("id"),
        {"id": pl.Int64, "reference_year": pl.Int64},
    )
    ranked = (
        comp.join(years, on="id")
        .sort([pl.col("reference_year").fill_null(0), "id"], descending=[True, False])
        .with_columns(pl.col("id").first().over("component").alias("survivor"))
    )
    merged = ranked.filter(pl.col("id") != pl.col("survivor")).join(why, on="id", how="left")
    if merged.height == 0:
        return 0
    ensure_snapshots(session, ranked.get_column("id"))
    now = tables.stamp(conn, utcnow())
    tables.update(
        conn,
        "firm",
        merged.select("id", pl.lit("merged").alias("status"), pl.col("survivor").alias("merged_into_id")),
        extra=f"updated_at = '{now}'",
    )
    tables.write(
        conn,
        "resolution_merge",
        merged.select(
            pl.col("survivor").alias("survivor_id"),
            pl.col("id").alias("merged_id"),
            pl.col("reason").fill_null("auto"),
            "candidate_id",
            pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
            pl.lit(actor, dtype=pl.String).alias("created_by"),
            pl.lit(now).alias("created_at"),
        ),
    )
    parents = pl.concat([parents, merged.select("id", pl.col("survivor").alias("parent"))])
    survivors = merged.get_column("survivor").unique()
    # every member of these survivors is snapshotted: the roots just now, older members at their own merge
    rebuild(session, survivors, parents, snapshotted=True)
    session.expire_all()
    return merged.height


def recompute(session: Session, survivor: Firm) -> None:
    """Rebuild one survivor's values from all its members' snapshots by the survivorship rules."""
    session.flush()
    rebuild(session, pl.Series([survivor.id], dtype=pl.Int64))
    session.expire_all()


def merge(
    session: Session,
    *,
    survivor: Firm,
    merged: Firm,
    reason: str,
    candidate_id: int | None = None,
    run_id: int | None = None,
    actor: str | None = None,
) -> MergeEvent:
    """Fold ``merged`` into ``survivor``; the merged firm's public ID keeps resolving (to the survivor)."""
    if survivor.id == merged.id:
        raise DomainError("resolution.error.same_firm", field="firm")
    if survivor.status != "active" or merged.status != "active":
        raise DomainError("resolution.error.not_active", field="firm", value=merged.public_id)
    session.flush()
    ensure_snapshots(session, pl.Series([survivor.id, merged.id], dtype=pl.Int64))
    merged.status = "merged"
    merged.merged_into_id = survivor.id
    event = MergeEvent(
        survivor_id=survivor.id,
        merged_id=merged.id,
        reason=reason,
        candidate_id=candidate_id,
        run_id=run_id,
        created_by=actor,
    )
    session.add(event)
    recompute(session, survivor)
    return event


def split(session: Session, *, merged: Firm, actor: str | None = None) -> Firm:
    """Undo the merge of ``merged``: it becomes an active firm again with its own values."""
    if merged.status != "merged" or merged.merged_into_id is None:
        raise DomainError("resolution.error.not_merged", field="firm", value=merged.public_id)
    survivor_id = merged.merged_into_id
    event = session.scalar(
        select(MergeEvent)
        .where(MergeEvent.merged_id == merged.id, MergeEvent.undone_at.is_(None))
        .order_by(MergeEvent.id.desc())
    )
    if event is not None:
        event.undone_at = utcnow()
        event.undone_by = actor
    merged.status = "active"
    merged.merged_into_id = None
    session.flush()
    rebuild(session, pl.Series([merged.id, survivor_id], dtype=pl.Int64))
    session.expire_all()
    return merged
