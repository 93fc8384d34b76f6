"""Deferred indexes of a large load: the secondary indexes and unique keys it builds once at its end, the
registry's keys it then holds itself (``KnownKeys``), and the SQLite WAL checkpoints on a connection of their own."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, Index, func, select
from sqlalchemy.schema import CreateIndex

from jejaring.core import tables
from jejaring.core.db import Base
from jejaring.core.dialects import dialect
from jejaring.registry import locks
from jejaring.registry.models import Firm

log = logging.getLogger(__name__)
CHECKPOINT_EVERY_S = 0.5  # SQLite: WAL checkpoints of a deferred load, on a connection of their own (4.9 s
# of a 52.6 s 908,000-row load when each batch's commit checkpointed instead)

# Secondary indexes a large load builds once at its end instead of updating row by row: none backs a constraint,
# none is read by the load itself, and each takes its rows in random order (random text keys, or few values).
DEFERRED_INDEXES = (
    "ix_firm_kbli_code",
    "ix_firm_name_key",
    "ix_firm_nib",
    "ix_firm_province_kbli",
    "ix_firm_reference_year",
    "ix_firm_regency_code",
    "ix_firm_row_hash",
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
DEFER_MIN_ROWS = 200_000  # a load defers them when it brings at least this many rows and at least twice as many as
# exist: a load of the registry's own files again (a re-upload) would otherwise rebuild every index for rows that
# mostly write nothing
INDEX_BUILD_MEMORY = "256MB"  # PostgreSQL maintenance_work_mem while they are rebuilt


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
    NIB_SCHEMA: dict[str, Any] = {"nib": pl.Utf8, "_id": pl.Int64, "_hash": pl.Utf8, "_year": pl.Int64}
    COMPACT_AFTER = 32  # recent frames, before they are merged into the sorted part

    def __init__(
        self, known: pl.DataFrame, public_ids: pl.Series | None = None, nibs: pl.DataFrame | None = None
    ) -> None:
        # the NIBs the registry held when the load began (active records first): a row of the load keyed by its
        # NIB finds the firms the load itself writes by that key, so only the older ones are asked here
        nibs = nibs if nibs is not None else pl.DataFrame(schema=self.NIB_SCHEMA)
        self._nibs = nibs.unique("nib", keep="first", maintain_order=True).sort("nib").rechunk()
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
        nib_sql = "SELECT nib, id, content_hash, reference_year FROM firm WHERE nib IS NOT NULL ORDER BY status, id"
        return cls(tables.read(conn, sql, cls.SCHEMA), ids, tables.read(conn, nib_sql, cls.NIB_SCHEMA))

    def lookup_nib(self, nibs: pl.Series) -> pl.DataFrame:
        """The firm holding each of ``nibs`` when the load began (columns of :attr:`NIB_SCHEMA`)."""
        return self._nibs[_bisect(self._nibs.get_column("nib"), nibs.unique())]

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
    """Within this block, a load of ``incoming_rows`` rows at least twice as large as the registry writes without the
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
        if incoming_rows >= max(DEFER_MIN_ROWS, 2 * existing):
            with engine.begin() as conn:
                keys = KnownKeys.read(conn)
                drop_deferred(conn)
            try:
                with dialect(engine).background_checkpoints(engine, CHECKPOINT_EVERY_S):
                    yield keys
            finally:
                _restore(engine)
            return
    yield None  # a smaller load: its batches take the lock shared, one by one, like any other


def drop_deferred(conn: Connection) -> None:
    """Drop the indexes and keys a large load builds at its end (:func:`deferred_indexes`)."""
    for ix in _deferred():
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {ix.name}")
    if dialect(conn).alters_constraints:
        for name, (table, _definition) in DEFERRED_PG_CONSTRAINTS.items():
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


def restore_indexes(engine: Engine) -> None:
    """Build any of the deferred indexes and keys that is missing (after a load that was killed); nothing while a
    load that defers them is running (it builds them at its end)."""
    with locks.load_lock(engine, wait=False) as free:
        if free:
            _restore(engine)
        else:
            log.info("a registry load is running; it builds its deferred indexes at its end")


def _restore(engine: Engine) -> None:
    with engine.begin() as conn:
        present = dialect(conn).index_names(conn)
        missing = [ix for ix in _deferred() if ix.name not in present]
        constraints = (
            [c for c in DEFERRED_PG_CONSTRAINTS if c not in present] if dialect(conn).alters_constraints else []
        )
        if not missing and not constraints:
            return
        log.info("building registry indexes: %s", ", ".join([*(str(ix.name) for ix in missing), *constraints]))
        dialect(conn).prepare_index_build(conn, INDEX_BUILD_MEMORY)
        for ix in missing:
            conn.execute(CreateIndex(ix, if_not_exists=True))
        for name in constraints:
            table, definition = DEFERRED_PG_CONSTRAINTS[name]
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    log.info("registry indexes built")
