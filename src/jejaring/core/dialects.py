"""One object per database backend for everything that differs (as splink's dialects): ``IN`` over many values,
``executemany``, ``DELETE … IN``, the next ids of a table, the planner's statistics, the engine and its pragmas,
process-wide locks, bulk-write settings, WAL checkpoints, string aggregation and stored timestamps.

Callers write ``dialect(conn).select_in(...)`` and never branch on ``conn.dialect.name``.
"""

from __future__ import annotations

import fcntl
import io
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import polars as pl
import psycopg
from sqlalchemy import Connection, Engine, create_engine, event, func
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import ConnectionPoolEntry

log = logging.getLogger(__name__)
SQLITE_CHUNK = 10_000  # keys per IN (...) on SQLite (limit 32 766 parameters)
FETCH_ROWS = 100_000  # rows per slice of a SQLite read
SQLITE_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default
NO_AUTOCHECKPOINT = "jejaring_no_autocheckpoint"  # connection info flag: its WAL checkpoints were turned off


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_checkin(dbapi_conn: object, record: ConnectionPoolEntry) -> None:
    """A connection back in the pool checkpoints its WAL itself again if a bulk load had left that to another
    (:data:`NO_AUTOCHECKPOINT`; every other checkin costs nothing)."""
    if record.info.pop(NO_AUTOCHECKPOINT, False) and dbapi_conn is not None:
        dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")  # type: ignore[attr-defined]


def lock_path(engine: Engine, suffix: str) -> str | None:
    """The SQLite database's lock file ``<database>.<suffix>`` (None for a private in-memory database)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None  # a private in-memory database has no other writer
    return f"{database}.{suffix}"


def _items(values: pl.Series | Sequence[Any]) -> list[Any]:
    return values.to_list() if isinstance(values, pl.Series) else list(values)


class SQLite:
    """SQLite: ``?`` parameters, ``IN`` lists in chunks, rowids consecutive under the write lock."""

    name = "sqlite"
    mark = "?"
    alters_constraints = False  # a table's constraints cannot be dropped or added
    checks_keys_per_row = False  # foreign keys are checked without triggers

    def select_in(
        self, conn: Connection, sql: str, values: pl.Series | Sequence[Any], params: tuple[Any, ...] = ()
    ) -> list[tuple[Any, ...]]:
        """Run ``sql`` (one ``IN ({in})`` placeholder, after ``params``) for every chunk of ``values``."""
        items, out = _items(values), []
        raw = conn.connection.dbapi_connection
        assert raw is not None
        for start in range(0, len(items), SQLITE_CHUNK):
            chunk = items[start : start + SQLITE_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            # the driver's cursor: its rows are tuples already (SQLAlchemy's rows cost as much as the query here)
            out += raw.execute(sql.replace("{in}", marks), (*params, *chunk)).fetchall()
        return out

    def executemany(self, conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Run ``sql`` (``?`` parameters) once per row."""
        if rows:
            conn.exec_driver_sql(sql, rows)

    def delete_in(self, conn: Connection, table: str, column: str, values: Sequence[Any]) -> None:
        """Delete the rows of ``table`` whose ``column`` is one of ``values``."""
        items = list(values)
        for start in range(0, len(items), SQLITE_CHUNK):
            chunk = items[start : start + SQLITE_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE {column} IN ({marks})", tuple(chunk))

    def next_ids(self, conn: Connection, table: str, n: int) -> list[int] | None:
        """None: SQLite assigns the ids on insert (the caller reads them back)."""
        return None

    def analyse(self, conn: Connection, names: Sequence[str]) -> None:
        """Refresh the planner's statistics; ``analysis_limit`` bounds the rows read per index."""
        conn.exec_driver_sql("PRAGMA analysis_limit = 2000")
        for name in names:
            conn.exec_driver_sql(f"ANALYZE {name}")

    def read_frame(self, conn: Connection, sql: str, schema: dict[str, Any]) -> pl.DataFrame:
        """The rows of ``sql`` as a frame, fetched in slices so Python objects never hold the whole table."""
        lite = cast(Any, conn.connection.dbapi_connection).cursor()
        frames = [pl.DataFrame(schema=schema)]
        try:
            lite.execute(sql)
            while rows := lite.fetchmany(FETCH_ROWS):
                frames.append(pl.DataFrame(rows, schema=schema, orient="row"))
        finally:
            lite.close()
        return pl.concat(frames, rechunk=True)

    def append_frame(self, conn: Connection, table: str, df: pl.DataFrame) -> None:
        """``executemany`` of the rows, built column by column one tuple at a time (``df.rows()`` first cost more
        than the insert of a narrow table)."""
        cols = ", ".join(f'"{c}"' for c in df.columns)
        marks = ", ".join("?" for _ in df.columns)
        values = zip(*(df.get_column(c).to_list() for c in df.columns), strict=True)
        lite = cast(Any, conn.connection.dbapi_connection).cursor()
        try:
            lite.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", values)
        finally:
            lite.close()

    def analyse_temp(self, conn: Connection, name: str) -> None:
        """Nothing: SQLite plans temporary tables well without statistics."""

    def iso_timestamp_sql(self, column: str) -> str:
        """SQL giving a stored UTC timestamp ``column`` as ISO 8601 text with ``+00:00``."""
        return f"replace({column}, ' ', 'T') || '+00:00'"

    def create_engine(self, url: str) -> Engine:
        """An engine with its folder created, WAL, foreign keys and a busy timeout on every connection."""
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "checkin", _sqlite_checkin)
        return engine

    def stamp(self, value: datetime) -> str:
        """A UTC timestamp as stored in a bulk-written row (SQLAlchemy's text form)."""
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def string_agg(self, expr: Any, separator: str) -> Any:
        """``group_concat(expr, separator)``."""
        return func.group_concat(expr, separator)

    def index_names(self, conn: Connection) -> set[str]:
        """Names of the database's indexes."""
        return {str(r[0]) for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}

    def prepare_index_build(self, conn: Connection, memory: str) -> None:
        """Let CREATE INDEX's sorter use a helper thread (a large page cache made it 2x slower: ``memory`` unused)."""
        conn.exec_driver_sql("PRAGMA threads = 2")

    @contextmanager
    def process_lock(
        self, engine: Engine, key: int, suffix: str, *, shared: bool = False, wait: bool = True
    ) -> Iterator[bool]:
        """``flock`` on ``<database>.<suffix>`` (``key`` is PostgreSQL's); yields whether it was taken. It ends
        with the process that holds it."""
        path = lock_path(engine, suffix)
        if path is None:
            yield True
            return
        with open(path, "a+b") as handle:
            try:
                fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                taken = False
            else:
                taken = True
            try:
                yield taken
            finally:
                if taken:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def transaction_lock(self, session: Session, key: int, suffix: str, *, shared: bool, wait: bool) -> bool:
        """The :meth:`process_lock` until ``session``'s transaction ends; False when, not waiting, another holder
        excludes it."""
        path = lock_path(session.connection().engine, suffix)
        if path is None:
            return True
        handle = open(path, "a+b")  # noqa: SIM115 -- held until the transaction ends, closed by the listener below
        try:
            fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.close()
            return False

        def release(_session: Session, transaction: SessionTransaction) -> None:
            if transaction.parent is None and not handle.closed:
                handle.close()  # closing the file ends its lock (the listener cannot remove itself while it runs)

        event.listen(session, "after_transaction_end", release)
        return True

    @contextmanager
    def bulk_write(self, conn: Connection, *, cache_kib: int, checkpointed_elsewhere: bool) -> Iterator[None]:
        """A ``cache_kib`` page cache while a batch is written (random-key index pages stay in memory) and, when a
        load checkpoints the WAL on its own connection (:meth:`background_checkpoints`), no checkpoint by this
        one's commit (the pool turns it back on when the connection returns)."""
        if checkpointed_elsewhere:
            conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
            conn.info[NO_AUTOCHECKPOINT] = True
        previous = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.exec_driver_sql(f"PRAGMA cache_size = {-cache_kib}")
        try:
            yield
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")

    @contextmanager
    def background_checkpoints(self, engine: Engine, every_s: float) -> Iterator[None]:
        """Checkpoint the WAL from a connection of its own, on another thread, every ``every_s`` seconds while a
        load writes: copying pages into the database then overlaps with the load's next batch."""
        stop = threading.Event()

        def run() -> None:
            try:
                with engine.connect() as conn:
                    while not stop.wait(every_s):
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


class PostgreSQL:
    """PostgreSQL through psycopg: ``%s`` parameters, ``= ANY(array)``, ids drawn from the sequence."""

    name = "postgresql"
    mark = "%s"
    alters_constraints = True
    checks_keys_per_row = True  # a trigger per inserted row and foreign key (tables.write_checked batches them)

    @staticmethod
    def _raw(conn: Connection) -> psycopg.Connection[Any]:
        return cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)

    def select_in(
        self, conn: Connection, sql: str, values: pl.Series | Sequence[Any], params: tuple[Any, ...] = ()
    ) -> list[tuple[Any, ...]]:
        """Run ``sql`` (one ``IN ({in})`` placeholder, after ``params``) once, with the values as an array."""
        from jejaring.core.tables import pg_array

        series = values if isinstance(values, pl.Series) else pl.Series(list(values))
        if series.len() == 0:
            return []
        with self._raw(conn).cursor() as cur:
            cur.execute(sql.replace("IN ({in})", "= ANY(%s)"), (*params, pg_array(series)))
            return list(cur.fetchall())

    def executemany(self, conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Run ``sql`` (written with ``?``) once per row."""
        if rows:
            with self._raw(conn).cursor() as cur:
                cur.executemany(sql.replace("?", "%s"), rows)

    def delete_in(self, conn: Connection, table: str, column: str, values: Sequence[Any]) -> None:
        """Delete the rows of ``table`` whose ``column`` is one of ``values``."""
        items = list(values)
        for start in range(0, len(items), SQLITE_CHUNK):
            with self._raw(conn).cursor() as cur:
                chunk = items[start : start + SQLITE_CHUNK]
                cur.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", (chunk,))

    def next_ids(self, conn: Connection, table: str, n: int) -> list[int] | None:
        """``n`` ids drawn from the table's sequence (named once: per row it was 8x slower)."""
        with self._raw(conn).cursor() as cur:
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
            sequence = cur.fetchone()[0]  # type: ignore[index]
            cur.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (sequence, n))
            return [r[0] for r in cur.fetchall()]

    def analyse(self, conn: Connection, names: Sequence[str]) -> None:
        """Refresh the planner's statistics (PostgreSQL samples each table)."""
        conn.exec_driver_sql("ANALYZE " + ", ".join(names))

    def read_frame(self, conn: Connection, sql: str, schema: dict[str, Any]) -> pl.DataFrame:
        """The rows of ``sql`` as a frame, through ``COPY … TO STDOUT`` (CSV)."""
        buf = io.BytesIO()
        with self._raw(conn).cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                buf.write(block)
        if buf.tell() == 0:
            return pl.DataFrame(schema=schema)
        buf.seek(0)
        return pl.read_csv(buf, has_header=False, new_columns=list(schema), schema=schema)

    def append_frame(self, conn: Connection, table: str, df: pl.DataFrame) -> None:
        """``COPY … FROM STDIN`` (CSV) of the rows."""
        cols = ", ".join(f'"{c}"' for c in df.columns)
        buf = io.BytesIO()
        df.write_csv(buf, include_header=False)
        with self._raw(conn).cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(buf.getvalue())

    def analyse_temp(self, conn: Connection, name: str) -> None:
        """Row counts of a temporary table for the planner (it has none otherwise)."""
        conn.exec_driver_sql(f"ANALYZE {name}")

    def iso_timestamp_sql(self, column: str) -> str:
        """SQL giving a stored UTC timestamp ``column`` as ISO 8601 text with ``+00:00``."""
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"

    def create_engine(self, url: str) -> Engine:
        """An engine whose pool checks a connection before handing it out."""
        return create_engine(url, pool_pre_ping=True)

    def stamp(self, value: datetime) -> str:
        """A UTC timestamp as stored in a bulk-written row (ISO 8601)."""
        return value.isoformat()

    def string_agg(self, expr: Any, separator: str) -> Any:
        """``string_agg(expr, separator)``."""
        return func.string_agg(expr, separator)

    def index_names(self, conn: Connection) -> set[str]:
        """Names of the indexes (and so of the unique constraints) of the current schema."""
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        return {str(r[0]) for r in conn.exec_driver_sql(sql)}

    def prepare_index_build(self, conn: Connection, memory: str) -> None:
        """Give this transaction's index builds ``memory`` (e.g. ``'512MB'``) to sort in."""
        conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{memory}'")

    @contextmanager
    def process_lock(
        self, engine: Engine, key: int, suffix: str, *, shared: bool = False, wait: bool = True
    ) -> Iterator[bool]:
        """The database's advisory lock ``key`` (``suffix`` names SQLite's lock file); yields whether it was taken.
        It belongs to a session of its own, so no transaction stays open while it is held; it ends with it."""
        kind = "_shared" if shared else ""
        with engine.connect() as conn:
            if wait:
                conn.exec_driver_sql(f"SELECT pg_advisory_lock{kind}({key})")
                taken = True
            else:
                taken = bool(conn.exec_driver_sql(f"SELECT pg_try_advisory_lock{kind}({key})").scalar())
            conn.commit()
            try:
                yield taken
            finally:
                if taken:
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock{kind}({key})")
                    conn.commit()

    def transaction_lock(self, session: Session, key: int, suffix: str, *, shared: bool, wait: bool) -> bool:
        """The advisory lock ``key`` until ``session``'s transaction ends; False when, not waiting, it is held."""
        name = f"pg_{'' if wait else 'try_'}advisory_xact_lock{'_shared' if shared else ''}"
        found = session.connection().exec_driver_sql(f"SELECT {name}({key})").scalar()
        return wait or bool(found)

    @contextmanager
    def bulk_write(self, conn: Connection, *, cache_kib: int, checkpointed_elsewhere: bool) -> Iterator[None]:
        """Nothing to set: PostgreSQL's shared buffers serve every connection."""
        yield

    @contextmanager
    def background_checkpoints(self, engine: Engine, every_s: float) -> Iterator[None]:
        """Nothing to do: PostgreSQL's checkpointer runs on its own."""
        yield


Dialect = SQLite | PostgreSQL
_DIALECTS: dict[str, Dialect] = {"sqlite": SQLite(), "postgresql": PostgreSQL()}


def dialect(bind: Connection | Engine) -> Dialect:
    """The backend object of a connection or an engine."""
    return _DIALECTS[bind.dialect.name]


def for_url(url: str) -> Dialect:
    """The backend object of a database URL (before an engine exists)."""
    return _DIALECTS[make_url(url).get_backend_name()]
