"""Bulk writes into the registry for intake: set-based upsert by natural key, with history and provenance.

One call writes one batch inside the caller's transaction: new firms (with public ID, role,
private data, certificates, provenance), changed firms (previous values to ``firm_history`` first),
and leaves unchanged firms untouched. PostgreSQL loads with ``COPY``; SQLite with ``executemany``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection, Engine, Index, func, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex

from jejaring.core import tables
from jejaring.core.db import NO_AUTOCHECKPOINT, Base, utcnow
from jejaring.core.ids import ALPHABET
from jejaring.registry import locks
from jejaring.registry import service as registry_service
from jejaring.registry.models import Firm
from jejaring.registry.schemas import SentraCreate
from jejaring.registry.service import MEDIUM_MAX_INVESTMENT, SMALL_MAX_INVESTMENT, SMALL_MAX_WORKERS

log = logging.getLogger(__name__)
_CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
SQLITE_CHUNK = 10_000  # keys per IN (...) on SQLite (limit 32 766 parameters)
SQLITE_BULK_CACHE_KIB = 512 * 1024  # page cache of the connection while it writes a batch
CHECKPOINT_EVERY_S = 0.5  # SQLite: WAL checkpoints of a deferred load, on a connection of their own

# Secondary indexes a large load builds once at its end instead of updating row by row: none backs a constraint,
# none is read by the load itself, and each takes its rows in random order (random text keys, or few values).
DEFERRED_INDEXES = (
    "ix_firm_kbli_code",
    "ix_firm_name_key",
    "ix_firm_nib",
    "ix_firm_province_kbli",
    "ix_firm_reference_year",
    "ix_firm_regency_code",
    "ix_firm_size_class",
    "ix_firm_role_role",
    "ix_certification_certificate_code",
)
# Unique keys such a load also builds at its end: their random keys cost as much as the row itself. The load then
# knows the registry's intake keys and public IDs itself (KnownKeys) and holds the load lock, which every other
# writer of new firms respects (locks.py), so no key can arrive that it does not know.
DEFERRED_UNIQUE_INDEXES = ("ix_firm_intake_key",)
DEFERRED_PG_CONSTRAINTS = {  # name: (table, definition); SQLite cannot drop a table's constraint
    "uq_firm_public_id": ("firm", "UNIQUE (public_id)"),
}
DEFER_MIN_ROWS = 200_000  # a load defers them when it brings at least this many rows and at least as many as exist
INDEX_BUILD_MEMORY = "256MB"  # PostgreSQL maintenance_work_mem while they are rebuilt

# registry column ← clean intake column
FIRM_COLUMNS: dict[str, str] = {
    "name": "nama_usaha",
    "name_key": "name_key",
    "nib": "nib",
    "address": "alamat",
    "province_code": "province_code",
    "regency_code": "regency_code",
    "district_code": "district_code",
    "desa": "desa",
    "latitude": "latitude",
    "longitude": "longitude",
    "kbli_code": "kbli",
    "kbli_division": "kbli_division",
    "products": "produk",
    "workers": "tenaga_kerja",
    "investment": "nilai_investasi",
    "capacity": "kapasitas_produksi",
    "capacity_unit": "satuan",
    "production_value": "nilai_produksi",
    "brand": "merek",
    "founded_year": "tahun_berdiri",
    "reference_year": "tahun_data",
    "size_class": "size_class",
    "intake_key": "intake_key",
    "content_hash": "content_hash",
}
PRIVATE_COLUMNS = {"owner_name": "nama_pemilik", "phone": "telepon", "email": "email"}
# intake fields as written to the registry, in the order the content hash covers them (never reorder: a new
# order changes every firm's content_hash, and the next upload would rewrite the whole registry)
CLEAN_COLUMNS = (
    "nib",
    "nama_usaha",
    "name_key",
    "nama_pemilik",
    "alamat",
    "province_code",
    "regency_code",
    "district_code",
    "desa",
    "latitude",
    "longitude",
    "kbli",
    "produk",
    "hs",
    "tenaga_kerja",
    "nilai_investasi",
    "kapasitas_produksi",
    "satuan",
    "nilai_produksi",
    "sertifikat",
    "merek",
    "telepon",
    "email",
    "sentra",
    "tahun_berdiri",
    "tahun_data",
)
# template fields whose presence is recorded in provenance (the written fields, less the derived ones)
PROVENANCE_FIELDS = tuple(c for c in CLEAN_COLUMNS if c not in ("name_key", "province_code"))


@dataclass(frozen=True)
class BulkSource:
    """Provenance shared by every row of a batch."""

    office: str | None
    file_name: str | None
    uploaded_by: str | None
    job_id: int | None


FIRMS_SCHEMA = {"_row": pl.Int64, "_id": pl.Int64}


@dataclass
class BulkResult:
    """What a batch did: counts, and the firm of every row that matched or made one (``_row``, ``_id``)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    firms: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FIRMS_SCHEMA))

    def firm_id(self, row: int) -> int | None:
        """The firm of spreadsheet row ``row``, if it has one."""
        found = self.firms.filter(pl.col("_row") == row).get_column("_id")
        return int(found[0]) if found.len() else None


def name_key_expr(col: str) -> pl.Expr:
    """Vectorised :func:`jejaring.registry.service.name_key`."""
    return (
        pl.col(col)
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7f]", "")
        .str.to_lowercase()
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
    )


def size_class_expr(workers: str, investment: str) -> pl.Expr:
    """Vectorised :func:`jejaring.registry.service.classify_size` (Permenperin 64/2016)."""
    w, i = pl.col(workers), pl.col(investment)
    return (
        pl.when(w.is_null() | i.is_null())
        .then(None)
        .when(w <= SMALL_MAX_WORKERS)
        .then(pl.when(i < SMALL_MAX_INVESTMENT).then(pl.lit("kecil")).otherwise(pl.lit("menengah")))
        .when(i <= MEDIUM_MAX_INVESTMENT)
        .then(pl.lit("menengah"))
        .otherwise(pl.lit("besar"))
    )


def new_public_ids(n: int, prefix: str = "F") -> list[str]:
    """``n`` random public IDs with their ISO 7064 MOD 37-2 check character (vectorised)."""
    rng = np.random.default_rng()
    body = rng.integers(0, len(ALPHABET), size=(n, 8))
    total = np.zeros(n, dtype=np.int64)
    for k in range(8):
        total = ((total + body[:, k]) * 2) % 37
    check = (38 - total) % 37
    # one fixed-width byte string per ID: prefix, "-", eight body characters, "-", check character
    out = np.empty((n, len(prefix) + 11), dtype=np.uint8)
    out[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    out[:, len(prefix)] = out[:, len(prefix) + 9] = ord("-")
    out[:, len(prefix) + 1 : len(prefix) + 9] = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)[body]
    out[:, len(prefix) + 10] = np.frombuffer(_CHECK_ALPHABET.encode("ascii"), dtype=np.uint8)[check]
    return out.view(f"S{out.shape[1]}").ravel().astype(f"U{out.shape[1]}").tolist()


def _select_in(
    conn: Connection, sql: str, values: pl.Series | list[Any], params: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """Run ``sql`` (with one ``IN ({in})`` placeholder, after ``params``) for every chunk of ``values``."""
    out: list[tuple[Any, ...]] = []
    if len(values) == 0:
        return out
    if conn.dialect.name == "postgresql":
        series = values if isinstance(values, pl.Series) else pl.Series(values)
        with tables.psycopg_connection(conn).cursor() as cur:
            cur.execute(sql.replace("IN ({in})", "= ANY(%s)"), (*params, tables.pg_array(series)))
            out.extend(cur.fetchall())
        return out
    items = values.to_list() if isinstance(values, pl.Series) else values
    for start in range(0, len(items), SQLITE_CHUNK):
        chunk = items[start : start + SQLITE_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.exec_driver_sql(sql.replace("{in}", marks), (*params, *chunk)).fetchall()
        out.extend(tuple(r) for r in rows)
    return out


def _fresh_public_ids(conn: Connection, n: int, keys: KnownKeys | None) -> list[str]:
    ids = new_public_ids(n)
    while True:
        if keys is not None:
            taken = keys.taken(ids)
        else:
            taken = {r[0] for r in _select_in(conn, "SELECT public_id FROM firm WHERE public_id IN ({in})", ids)}
            taken |= {r[0] for r in _select_in(conn, "SELECT public_id FROM firm_alias WHERE public_id IN ({in})", ids)}
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
    if conn.dialect.name == "postgresql":
        with tables.psycopg_connection(conn).cursor() as cur:
            # the sequence is named once: pg_get_serial_sequence() per row made this 8x slower
            cur.execute("SELECT pg_get_serial_sequence('firm', 'id')")
            sequence = cur.fetchone()[0]  # type: ignore[index]
            cur.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (sequence, n))
            ids = [r[0] for r in cur.fetchall()]
        tables.write_checked(conn, "firm", firms.with_columns(pl.Series("id", ids, dtype=pl.Int64)))
        return ids
    tables.write_checked(conn, "firm", firms)
    last = conn.exec_driver_sql("SELECT max(id) FROM firm").scalar_one()
    ids = list(range(last - n + 1, last + 1))
    keys = firms.get_column("intake_key")
    ends: dict[int, str] = {
        i: k for i, k in conn.exec_driver_sql("SELECT id, intake_key FROM firm WHERE id IN (?, ?)", (ids[0], last))
    }
    if ends.get(ids[0]) != keys[0] or ends.get(last) != keys[-1]:  # not consecutive after all: read them back
        got = dict(_select_in(conn, "SELECT intake_key, id FROM firm WHERE intake_key IN ({in})", keys.to_list()))
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
    with _bulk_cache(conn, checkpointed_elsewhere=keys is not None):
        return _upsert(conn, rows, source, result, keys)


@contextmanager
def _bulk_cache(conn: Connection, *, checkpointed_elsewhere: bool) -> Iterator[None]:
    """On SQLite, a large page cache while a batch is written (random-key index pages stay in memory) and, in a
    load that checkpoints the WAL on its own connection (:func:`deferred_indexes`), no checkpoint by this one's
    commit (the pool turns it back on when the connection returns, ``core.db``)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    if checkpointed_elsewhere:
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
        conn.info[NO_AUTOCHECKPOINT] = True
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


def _upsert(
    conn: Connection, rows: pl.DataFrame, source: BulkSource, result: BulkResult, keys: KnownKeys | None
) -> BulkResult:
    rows = rows.with_columns(
        pl.col("kbli").str.slice(0, 2).alias("kbli_division"),
        size_class_expr("tenaga_kerja", "nilai_investasi").alias("size_class"),
    )
    if keys is not None:
        known = keys.lookup(rows.get_column("intake_key"))
    else:
        existing = _select_in(
            conn,
            "SELECT intake_key, id, content_hash, reference_year FROM firm WHERE intake_key IN ({in})",
            rows.get_column("intake_key"),
        )
        known = pl.DataFrame(existing, schema=KnownKeys.SCHEMA, orient="row")
    rows = rows.join(known, on="intake_key", how="left")
    new = rows.filter(pl.col("_id").is_null())
    changed = rows.filter(
        pl.col("_id").is_not_null()
        & (pl.col("_hash") != pl.col("content_hash"))
        & (pl.col("_year").is_null() | (pl.col("tahun_data") >= pl.col("_year")))
    )
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
    if keys is not None:
        keys.record(
            pl.concat([f.select("intake_key", "_id", "content_hash", "tahun_data") for f in (new, changed)]),
            new.get_column("_public_id") if new.height else pl.Series("public_id", [], dtype=pl.Utf8),
        )
    written = pl.concat([new.select("_row", "_id", *_DETAIL), changed.select("_row", "_id", *_DETAIL)])
    _write_details(conn, new.select("_row", "_id", *_DETAIL), source, stamp, fresh=True)
    _write_details(conn, changed.select("_row", "_id", *_DETAIL), source, stamp, fresh=False)
    matched = rows.filter(pl.col("_id").is_not_null()).join(changed.select("_row"), on="_row", how="anti")
    _write_sightings(conn, matched, source, stamp)
    every = pl.concat([written.select("_row", "_id"), rows.select("_row", "_id").drop_nulls("_id")])
    result.firms = every.unique("_row", keep="first", maintain_order=True)
    return result


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


def _write_sightings(conn: Connection, df: pl.DataFrame, source: BulkSource, stamp: str) -> None:
    """Provenance for rows that matched a known firm without changing it (another office, an older year).

    The row is not lost: it is recorded as a source of the firm (entity resolution lists it in the
    firm's cluster). A row already recorded for the same file and row number is not recorded twice, so
    importing the same file again still writes nothing.
    """
    if df.height == 0:
        return
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    same_file = "file_name IS NULL" if source.file_name is None else f"file_name = {mark}"
    recorded = _select_in(
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
    _write_provenance(conn, fresh, source, stamp, pl.lit(""))


_HISTORY_COLUMNS = [c for c in FIRM_COLUMNS if c not in ("intake_key", "content_hash", "name_key")]


def _update_changed(conn: Connection, changed: pl.DataFrame, source: BulkSource, stamp: str) -> None:
    ids = changed.get_column("_id").to_list()
    cols = ", ".join(_HISTORY_COLUMNS)
    old = _select_in(conn, f"SELECT id, {cols} FROM firm WHERE id IN ({{in}})", ids)
    old_private = {
        r[0]: r[1:]
        for r in _select_in(
            conn, "SELECT firm_id, owner_name, phone, email FROM firm_private WHERE firm_id IN ({in})", ids
        )
    }
    old_certs: dict[int, list[str]] = {}
    for fid, code in _select_in(
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
    if conn.dialect.name == "postgresql":
        with tables.psycopg_connection(conn).cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), params)
    else:
        conn.exec_driver_sql(sql, params)
    for table in ("firm_private", "certification"):
        for start in range(0, len(ids), SQLITE_CHUNK):
            chunk = ids[start : start + SQLITE_CHUNK]
            if conn.dialect.name == "postgresql":
                with tables.psycopg_connection(conn).cursor() as cur:
                    cur.execute(f"DELETE FROM {table} WHERE firm_id = ANY(%s)", (chunk,))
            else:
                marks = ", ".join("?" for _ in chunk)
                conn.exec_driver_sql(f"DELETE FROM {table} WHERE firm_id IN ({marks})", tuple(chunk))


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
    known = {(key, regency): i for i, key, regency in _select_in(conn, sql, named["_skey"].unique().to_list())}
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
    if conn.dialect.name == "postgresql":
        with tables.psycopg_connection(conn).cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), pairs.rows())
    else:
        conn.exec_driver_sql(sql, pairs.rows())
    return created


class KnownKeys:
    """The registry's intake keys (with firm id, content hash and reference year) and public IDs, kept by a load
    that writes without their unique indexes: :meth:`lookup` answers what ``SELECT ... FROM firm WHERE intake_key
    IN`` would and :meth:`taken` which public IDs exist, this batch's own writes included; :meth:`batch` keeps a
    batch's writes when it commits and drops them when it rolls back.

    The bulk of them is held sorted and searched by bisection (a batch's 50,000 keys in 4.4 M: ~0.1 s, where a
    scan of every key cost ~0.5 s and grew with the registry); the last batches' writes are held as they came
    until :attr:`COMPACT_AFTER` of them are merged into the sorted part.
    """

    SCHEMA: dict[str, Any] = {"intake_key": pl.Utf8, "_id": pl.Int64, "_hash": pl.Utf8, "_year": pl.Int64}
    COMPACT_AFTER = 32  # recent frames, before they are merged into the sorted part

    def __init__(self, known: pl.DataFrame, public_ids: pl.Series | None = None) -> None:
        self._sorted = pl.DataFrame(schema=self.SCHEMA)
        self._sorted_ids = pl.Series("public_id", [], dtype=pl.Utf8)
        self._frames = [known]
        self._ids = [public_ids if public_ids is not None else pl.Series("public_id", [], dtype=pl.Utf8)]
        self._compact()
        self._pending: list[pl.DataFrame] = []
        self._pending_ids: list[pl.Series] = []

    @classmethod
    def read(cls, conn: Connection) -> KnownKeys:
        """Every intake key and public ID of the registry."""
        sql = "SELECT intake_key, id, content_hash, reference_year FROM firm WHERE intake_key IS NOT NULL"
        ids = tables.read(
            conn, "SELECT public_id FROM firm UNION ALL SELECT public_id FROM firm_alias", {"public_id": pl.Utf8}
        ).get_column("public_id")
        return cls(tables.read(conn, sql, cls.SCHEMA), ids)

    def lookup(self, keys: pl.Series) -> pl.DataFrame:
        """The latest state of each of ``keys`` the registry holds (columns of :attr:`SCHEMA`)."""
        wanted = keys.unique()
        hits = _bisect(self._sorted.get_column("intake_key"), wanted)
        recent = pl.concat([self._sorted[hits], *self._frames, *self._pending], rechunk=False)
        return recent.join(wanted.to_frame("intake_key"), on="intake_key", how="semi", maintain_order="left").unique(
            "intake_key", keep="last", maintain_order=True
        )

    def taken(self, public_ids: list[str]) -> set[str]:
        """Those of ``public_ids`` that the registry already gives out."""
        wanted = pl.Series(public_ids, dtype=pl.Utf8)
        recent = pl.concat([self._sorted_ids[_bisect(self._sorted_ids, wanted)], *self._ids, *self._pending_ids])
        return set(recent.filter(recent.is_in(wanted.implode())).to_list())

    def record(self, written: pl.DataFrame, public_ids: pl.Series) -> None:
        """Rows this batch inserted or updated (``intake_key``, ``_id``, ``content_hash``, ``tahun_data``) and the
        public IDs it gave out."""
        self._pending.append(
            written.select(
                "intake_key",
                "_id",
                pl.col("content_hash").alias("_hash"),
                pl.col("tahun_data").cast(pl.Int64).alias("_year"),
            )
        )
        self._pending_ids.append(public_ids)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Around one batch's transaction: its writes are kept if it commits, dropped if it raises."""
        self._pending, self._pending_ids = [], []
        try:
            yield
        except BaseException:
            self._pending, self._pending_ids = [], []
            raise
        self._frames.extend(self._pending)
        self._ids.extend(self._pending_ids)
        self._pending, self._pending_ids = [], []
        if len(self._frames) > self.COMPACT_AFTER:
            self._compact()

    def _compact(self) -> None:
        """Merge the recent frames into the sorted part (a later state of a key replaces an earlier one)."""
        merged = pl.concat([self._sorted, *self._frames]).unique("intake_key", keep="last", maintain_order=True)
        self._sorted = merged.sort("intake_key").rechunk()
        self._sorted_ids = pl.concat([self._sorted_ids, *self._ids]).sort().rechunk()
        self._frames, self._ids = [], []


def _bisect(haystack: pl.Series, needles: pl.Series) -> pl.Series:
    """Positions in the sorted ``haystack`` of those ``needles`` it holds."""
    if haystack.len() == 0 or needles.len() == 0:
        return pl.Series("i", [], dtype=pl.UInt32)
    pos = haystack.search_sorted(needles, side="left").clip(upper_bound=haystack.len() - 1)
    return pos.filter(haystack.gather(pos) == needles)


def _deferred() -> list[Index]:
    by_name = {str(ix.name): ix for table in Base.metadata.tables.values() for ix in table.indexes}
    return [by_name[name] for name in (*DEFERRED_INDEXES, *DEFERRED_UNIQUE_INDEXES)]


@contextmanager
def deferred_indexes(engine: Engine, *, incoming_rows: int) -> Iterator[KnownKeys | None]:
    """Within this block, a load of ``incoming_rows`` rows at least as large as the registry writes without the
    :data:`DEFERRED_INDEXES` and the unique keys :data:`DEFERRED_UNIQUE_INDEXES` (and, on PostgreSQL,
    :data:`DEFERRED_PG_CONSTRAINTS`); they are built again, sorted, when the block ends (also on an error). Yields
    the registry's :class:`KnownKeys` for the load's batches when it deferred, else None.

    Updating them row by row is most of a national load's cost (random keys dirty index pages all over the
    table in every batch); one sorted build at the end costs a fraction of that. The load holds the
    :func:`locks.load_lock` throughout, so no other writer of new firms writes meanwhile and no intake key or
    public ID can arrive that the :class:`KnownKeys` miss; the other primary keys and the foreign keys stay.
    Other readers meanwhile get slower, not different, answers. A killed process leaves them missing until
    :func:`restore_indexes` runs, which every intake run and every server start does first.
    """
    with locks.load_lock(engine):
        _restore(engine)
        with engine.connect() as conn:
            existing = conn.execute(select(func.count()).select_from(Firm)).scalar_one()
        if incoming_rows >= max(DEFER_MIN_ROWS, existing):
            with engine.begin() as conn:
                keys = KnownKeys.read(conn)
                drop_deferred(conn)
            try:
                with _wal_checkpoints(engine):
                    yield keys
            finally:
                _restore(engine)
            return
    yield None  # a smaller load: its batches take the lock shared, one by one, like any other


def drop_deferred(conn: Connection) -> None:
    """Drop the indexes and keys a large load builds at its end (:func:`deferred_indexes`)."""
    for ix in _deferred():
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {ix.name}")
    if tables.is_pg(conn):
        for name, (table, _definition) in DEFERRED_PG_CONSTRAINTS.items():
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


@contextmanager
def _wal_checkpoints(engine: Engine) -> Iterator[None]:
    """On SQLite, checkpoint the WAL from a connection of its own, on another thread, while a load writes: the
    batches' commits then skip it (:func:`_bulk_cache`), and copying their pages into the database overlaps with
    preparing the next batch instead of following each commit (4.9 s of a 52.6 s 908,000-row load)."""
    if engine.dialect.name != "sqlite":
        yield
        return
    stop = threading.Event()

    def run() -> None:
        try:
            with engine.connect() as conn:
                while not stop.wait(CHECKPOINT_EVERY_S):
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # the load goes on; its connections checkpoint again once back in the pool
            log.exception("WAL checkpoints of the load stopped")

    thread = threading.Thread(target=run, name="sqlite-checkpoint", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def restore_indexes(engine: Engine) -> None:
    """Build any of the deferred indexes and keys that is missing (after a load that was killed); nothing while a
    load that defers them is running (it builds them at its end)."""
    with locks.load_lock(engine, wait=False) as free:
        if free:
            _restore(engine)
        else:
            log.info("a registry load is running; it builds its deferred indexes at its end")


def _index_names(conn: Connection) -> set[str]:
    if tables.is_pg(conn):
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index'"
    return {str(r[0]) for r in conn.exec_driver_sql(sql)}


def _restore(engine: Engine) -> None:
    with engine.begin() as conn:
        present = _index_names(conn)
        missing = [ix for ix in _deferred() if ix.name not in present]
        constraints = [c for c in DEFERRED_PG_CONSTRAINTS if c not in present] if tables.is_pg(conn) else []
        if not missing and not constraints:
            return
        log.info("building registry indexes: %s", ", ".join([*(str(ix.name) for ix in missing), *constraints]))
        if tables.is_pg(conn):
            conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        else:
            conn.exec_driver_sql("PRAGMA threads = 2")  # the sorter of CREATE INDEX may use a helper thread
        for ix in missing:  # (SQLite: with the default page cache; a large one made its sorter 2x slower)
            conn.execute(CreateIndex(ix, if_not_exists=True))
        for name in constraints:
            table, definition = DEFERRED_PG_CONSTRAINTS[name]
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    log.info("registry indexes built")
