"""The set-based upsert of a batch of firms by natural key (``intake_key``): new firms with public ID, role,
private data, certificates and provenance; changed firms with their previous values to ``firm_history`` first;
unchanged firms only sighted. PostgreSQL loads with ``COPY``; SQLite with ``executemany``."""

from __future__ import annotations

import json

import polars as pl
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from jejaring.core import tables
from jejaring.core.db import utcnow
from jejaring.core.dialects import dialect
from jejaring.core.ids import new_public_ids
from jejaring.registry.contracts import FIRM_COLUMNS, PRIVATE_COLUMNS, PROVENANCE_FIELDS, BulkResult, BulkSource
from jejaring.registry.deferred import KnownKeys
from jejaring.registry.keys import size_class_expr

SQLITE_BULK_CACHE_KIB = 512 * 1024  # page cache of the connection while it writes a batch


def _fresh_public_ids(conn: Connection, n: int, keys: KnownKeys | None) -> list[str]:
    ids = new_public_ids(n)
    while True:
        if keys is not None:
            taken = keys.taken(ids)
        else:
            taken = {r[0] for r in tables.select_in(conn, "SELECT public_id FROM firm WHERE public_id IN ({in})", ids)}
            taken |= {
                r[0] for r in tables.select_in(conn, "SELECT public_id FROM firm_alias WHERE public_id IN ({in})", ids)
            }
        dupes = len(ids) - len(set(ids))
        if not taken and not dupes:
            return ids
        seen: set[str] = set()
        for k, pid in enumerate(ids):
            if pid in taken or pid in seen:
                ids[k] = new_public_ids(1)[0]
            seen.add(ids[k])


def _insert_firms(conn: Connection, firms: pl.DataFrame) -> list[int]:
    """Insert new firm rows; return their ids in row order, without reading the rows back.

    PostgreSQL: ids are drawn from the table's sequence first and written explicitly. SQLite: the
    insert holds the database's write lock, so its rowids are consecutive after the previous maximum
    (a rowid table without an explicit id gives ``max(rowid) + 1``).
    """
    n = firms.height
    drawn = dialect(conn).next_ids(conn, "firm", n)
    if drawn is not None:
        tables.write_checked(conn, "firm", firms.with_columns(pl.Series("id", drawn, dtype=pl.Int64)))
        return drawn
    tables.write_checked(conn, "firm", firms)
    last = conn.exec_driver_sql("SELECT max(id) FROM firm").scalar_one()
    ids = list(range(last - n + 1, last + 1))
    keys = firms.get_column("intake_key")
    ends: dict[int, str] = {
        i: k for i, k in conn.exec_driver_sql("SELECT id, intake_key FROM firm WHERE id IN (?, ?)", (ids[0], last))
    }
    if ends.get(ids[0]) != keys[0] or ends.get(last) != keys[-1]:  # not consecutive after all: read them back
        got = dict(tables.select_in(conn, "SELECT intake_key, id FROM firm WHERE intake_key IN ({in})", keys.to_list()))
        ids = [got[k] for k in keys.to_list()]
    return ids


def upsert_firms(
    session: Session, *, rows: pl.DataFrame, source: BulkSource, keys: KnownKeys | None = None
) -> BulkResult:
    """Insert new firms and update changed ones (by ``intake_key``), writing history and provenance.

    ``rows`` holds clean intake columns (see ``FIRM_COLUMNS`` values, ``PRIVATE_COLUMNS``, ``sertifikat``,
    ``hs``) plus ``_row``, ``intake_key`` and ``content_hash``. An older ``tahun_data`` never overwrites
    a newer record. ``keys``: the registry's intake keys, held by a load that writes without their index
    (:func:`deferred_indexes`); they are asked instead of the table, and told what this batch writes.
    """
    conn = session.connection()
    result = BulkResult()
    if rows.height == 0:
        return result
    # a deferred load (keys given) checkpoints the WAL on a connection of its own (deferred.deferred_indexes)
    with dialect(conn).bulk_write(conn, cache_kib=SQLITE_BULK_CACHE_KIB, checkpointed_elsewhere=keys is not None):
        return _upsert(conn, rows, source, result, keys)


def _upsert(
    conn: Connection, rows: pl.DataFrame, source: BulkSource, result: BulkResult, keys: KnownKeys | None
) -> BulkResult:
    if "row_hash" not in rows.columns:  # a row corrected in place has no uploaded row behind it
        rows = rows.with_columns(pl.lit(None, dtype=pl.Utf8).alias("row_hash"))
    rows = rows.with_columns(
        pl.col("kbli").str.slice(0, 2).alias("kbli_division"),
        size_class_expr("tenaga_kerja", "nilai_investasi").alias("size_class"),
    )
    if keys is not None:
        known = keys.lookup(rows.get_column("intake_key"))
    else:
        existing = tables.select_in(
            conn,
            "SELECT intake_key, id, content_hash, reference_year FROM firm WHERE intake_key IN ({in})",
            rows.get_column("intake_key"),
        )
        known = pl.DataFrame(existing, schema=KnownKeys.SCHEMA, orient="row")
    rows = _match_by_nib(conn, rows.join(known, on="intake_key", how="left"), keys)
    new = rows.filter(pl.col("_id").is_null())
    changed = rows.filter(
        pl.col("_id").is_not_null()
        & pl.col("_hash").ne_missing(pl.col("content_hash"))
        & (pl.col("_year").is_null() | (pl.col("tahun_data") >= pl.col("_year")))
    )
    changed = _inside_region(conn, changed, source.region)
    result.unchanged = rows.height - new.height - changed.height
    now = utcnow()
    stamp = tables.stamp(conn, now)
    if new.height:
        public_ids = _fresh_public_ids(conn, new.height, keys)
        firm_frame = new.select([pl.col(src).alias(dst) for dst, src in FIRM_COLUMNS.items()]).with_columns(
            pl.Series("public_id", public_ids, dtype=pl.Utf8),
            pl.lit("active").alias("status"),
            pl.lit(stamp).alias("created_at"),
            pl.lit(stamp).alias("updated_at"),
        )
        new_ids = _insert_firms(conn, firm_frame)
        new = new.with_columns(
            pl.Series("_id", new_ids, dtype=pl.Int64),
            pl.Series("_public_id", public_ids, dtype=pl.Utf8),
        )
        roles = new.select(pl.col("_id").alias("firm_id"), pl.lit("ikm").alias("role"))
        tables.write_checked(conn, "firm_role", roles, fresh=("firm_id",))
        result.inserted = new.height
    if changed.height:
        _update_changed(conn, changed, source, stamp)
        result.updated = changed.height
        result.changed_ids = changed.get_column("_id").to_list()
    if keys is not None:
        keys.record(
            pl.concat([f.select("intake_key", "_id", "content_hash", "tahun_data") for f in (new, changed)]),
            new.get_column("_public_id") if new.height else pl.Series("public_id", [], dtype=pl.Utf8),
        )
    written = pl.concat([new.select("_row", "_id", *_DETAIL), changed.select("_row", "_id", *_DETAIL)])
    _write_details(conn, new.select("_row", "_id", *_DETAIL), source, stamp, fresh=True)
    _write_details(conn, changed.select("_row", "_id", *_DETAIL), source, stamp, fresh=False)
    matched = rows.filter(pl.col("_id").is_not_null()).join(changed.select("_row"), on="_row", how="anti")
    write_sightings(conn, matched, source, stamp)
    every = pl.concat([written.select("_row", "_id"), rows.select("_row", "_id").drop_nulls("_id")])
    result.firms = every.unique("_row", keep="first", maintain_order=True)
    return result


def _match_by_nib(conn: Connection, rows: pl.DataFrame, keys: KnownKeys | None) -> pl.DataFrame:
    """Rows with an NIB whose key the registry does not hold, matched to the firm holding that NIB: a firm
    registered on the site or first uploaded without its NIB is not made a second time (the active record first)."""
    wanted = rows.filter(pl.col("_id").is_null() & pl.col("nib").is_not_null()).get_column("nib").unique()
    if wanted.len() == 0:
        return rows
    if keys is not None:
        found = keys.lookup_nib(wanted)
    else:
        sql = "SELECT nib, id, content_hash, reference_year FROM firm WHERE nib IN ({in}) ORDER BY status, id"
        found = pl.DataFrame(tables.select_in(conn, sql, wanted), schema=KnownKeys.NIB_SCHEMA, orient="row")
    found = found.unique("nib", keep="first", maintain_order=True)
    if found.height == 0:
        return rows
    by_nib = found.rename({"_id": "_nib_id", "_hash": "_nib_hash", "_year": "_nib_year"})
    missing = pl.col("_id").is_null()
    return (
        rows.join(by_nib, on="nib", how="left")
        .with_columns(
            pl.when(missing).then(pl.col(f"_nib{c}")).otherwise(pl.col(c)).alias(c) for c in ("_id", "_hash", "_year")
        )
        .drop("_nib_id", "_nib_hash", "_nib_year")
    )


def _inside_region(conn: Connection, changed: pl.DataFrame, region: str | None) -> pl.DataFrame:
    """Of the changed rows, those whose firm lies in ``region`` (None: all): an officer's row matching another
    region's firm by its key or NIB is recorded as a sighting of that firm, not written over it."""
    if region is None or changed.height == 0:
        return changed
    places = tables.select_in(conn, "SELECT id, regency_code FROM firm WHERE id IN ({in})", changed.get_column("_id"))
    inside = [i for i, code in places if code is not None and (code == region or code.startswith(region + "."))]
    return changed.filter(pl.col("_id").is_in(inside))


_DETAIL: tuple[str, ...] = tuple(
    dict.fromkeys(("nama_pemilik", "telepon", "email", "sertifikat", "tahun_data", *PROVENANCE_FIELDS))
)


def _write_details(conn: Connection, df: pl.DataFrame, source: BulkSource, stamp: str, *, fresh: bool) -> None:
    """Private data, certificates and provenance of written rows (``fresh``: of firms this batch inserted)."""
    if df.height == 0:
        return
    new_firms = ("firm_id",) if fresh else ()
    private = df.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in PRIVATE_COLUMNS.values()]))
    tables.write_checked(
        conn,
        "firm_private",
        private.select(
            pl.col("_id").alias("firm_id"), *[pl.col(src).alias(dst) for dst, src in PRIVATE_COLUMNS.items()]
        ),
        fresh=new_firms,
    )
    certs = (
        df.select("_id", "sertifikat")
        .drop_nulls("sertifikat")
        .with_columns(pl.col("sertifikat").str.split(";"))
        .explode("sertifikat")
        .unique()
    )
    tables.write_checked(
        conn,
        "certification",
        certs.select(pl.col("_id").alias("firm_id"), pl.col("sertifikat").alias("certificate_code")),
        fresh=new_firms,
    )
    fields = pl.concat_str(
        [pl.when(pl.col(f).is_not_null()).then(pl.lit(f)).otherwise(None) for f in PROVENANCE_FIELDS],
        separator=",",
        ignore_nulls=True,
    )
    _write_provenance(conn, df, source, stamp, fields)


def _write_provenance(conn: Connection, df: pl.DataFrame, source: BulkSource, stamp: str, fields: pl.Expr) -> None:
    """One ``record_source`` row per data row: office, file, row, reference year, uploader, fields given."""
    tables.write(
        conn,
        "record_source",
        df.select(
            pl.lit("firm").alias("entity_type"),
            pl.col("_id").alias("entity_id"),
            pl.lit(source.office, dtype=pl.Utf8).alias("source_office"),
            pl.lit(source.file_name, dtype=pl.Utf8).alias("file_name"),
            pl.col("_row").alias("row_number"),
            pl.col("tahun_data").alias("reference_year"),
            pl.lit(source.uploaded_by, dtype=pl.Utf8).alias("uploaded_by"),
            fields.alias("fields"),
            pl.lit(stamp).alias("recorded_at"),
        ),
    )


def write_sightings(conn: Connection, df: pl.DataFrame, source: BulkSource, stamp: str | None = None) -> None:
    """Provenance for rows that matched a known firm without changing it (another office, an older year).

    The row is not lost: it is recorded as a source of the firm (entity resolution lists it in the
    firm's cluster). A row already recorded for the same file and row number is not recorded twice, so
    importing the same file again still writes nothing.
    """
    if df.height == 0:
        return
    mark = dialect(conn).mark
    same_file = "file_name IS NULL" if source.file_name is None else f"file_name = {mark}"
    recorded = tables.select_in(
        conn,
        f"SELECT entity_id, row_number FROM record_source WHERE entity_type = 'firm' AND {same_file} "
        "AND entity_id IN ({in})",
        df.get_column("_id").unique(),
        () if source.file_name is None else (source.file_name,),
    )
    known = pl.DataFrame(recorded, schema={"_id": pl.Int64, "_row": pl.Int64}, orient="row")
    fresh = df.join(known, on=["_id", "_row"], how="anti")
    if fresh.height == 0:
        return
    _write_provenance(conn, fresh, source, stamp or tables.stamp(conn, utcnow()), pl.lit(""))


_HISTORY_COLUMNS = [c for c in FIRM_COLUMNS if c not in ("intake_key", "content_hash", "name_key", "row_hash")]


def _update_changed(conn: Connection, changed: pl.DataFrame, source: BulkSource, stamp: str) -> None:
    ids = changed.get_column("_id").to_list()
    cols = ", ".join(_HISTORY_COLUMNS)
    old = tables.select_in(conn, f"SELECT id, {cols} FROM firm WHERE id IN ({{in}})", ids)
    old_private = {
        r[0]: r[1:]
        for r in tables.select_in(
            conn, "SELECT firm_id, owner_name, phone, email FROM firm_private WHERE firm_id IN ({in})", ids
        )
    }
    old_certs: dict[int, list[str]] = {}
    for fid, code in tables.select_in(
        conn, "SELECT firm_id, certificate_code FROM certification WHERE firm_id IN ({in})", ids
    ):
        old_certs.setdefault(fid, []).append(code)
    snapshots = []
    for r in old:
        snap = {c: v for c, v in zip(_HISTORY_COLUMNS, r[1:], strict=True)}
        priv = old_private.get(r[0])
        if priv:
            snap.update(owner_name=priv[0], phone=priv[1], email=priv[2])
        snap["certificates"] = sorted(old_certs.get(r[0], []))
        snapshots.append((r[0], json.dumps(snap, default=str, ensure_ascii=False)))
    history = pl.DataFrame(snapshots, schema={"firm_id": pl.Int64, "snapshot": pl.Utf8}, orient="row").with_columns(
        pl.lit(source.job_id, dtype=pl.Int64).alias("import_job_id"), pl.lit(stamp).alias("changed_at")
    )
    tables.write_checked(conn, "firm_history", history)
    set_cols = [c for c in FIRM_COLUMNS if c != "intake_key"]
    assignments = ", ".join(f"{c} = ?" for c in set_cols) + ", updated_at = ?"
    params = changed.select([pl.col(FIRM_COLUMNS[c]) for c in set_cols] + [pl.lit(stamp), pl.col("_id")]).rows()
    sql = f"UPDATE firm SET {assignments} WHERE id = ?"
    dialect(conn).executemany(conn, sql, params)
    for table in ("firm_private", "certification"):
        dialect(conn).delete_in(conn, table, "firm_id", ids)
