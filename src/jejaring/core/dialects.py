"""One object per database backend for the few statements that differ (as splink's dialects): ``IN`` over many
values, ``executemany``, ``DELETE … IN``, the next ids of a table and the planner's statistics.

Callers write ``dialect(conn).select_in(...)`` and never branch on ``conn.dialect.name``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import polars as pl
import psycopg
from sqlalchemy import Connection

SQLITE_CHUNK = 10_000  # keys per IN (...) on SQLite (limit 32 766 parameters)


def _items(values: pl.Series | Sequence[Any]) -> list[Any]:
    return values.to_list() if isinstance(values, pl.Series) else list(values)


class SQLite:
    """SQLite: ``?`` parameters, ``IN`` lists in chunks, rowids consecutive under the write lock."""

    name = "sqlite"
    mark = "?"

    def select_in(
        self, conn: Connection, sql: str, values: pl.Series | Sequence[Any], params: tuple[Any, ...] = ()
    ) -> list[tuple[Any, ...]]:
        """Run ``sql`` (one ``IN ({in})`` placeholder, after ``params``) for every chunk of ``values``."""
        items, out = _items(values), []
        for start in range(0, len(items), SQLITE_CHUNK):
            chunk = items[start : start + SQLITE_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            out += [tuple(r) for r in conn.exec_driver_sql(sql.replace("{in}", marks), (*params, *chunk)).fetchall()]
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


class PostgreSQL:
    """PostgreSQL through psycopg: ``%s`` parameters, ``= ANY(array)``, ids drawn from the sequence."""

    name = "postgresql"
    mark = "%s"

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


Dialect = SQLite | PostgreSQL
_DIALECTS: dict[str, Dialect] = {"sqlite": SQLite(), "postgresql": PostgreSQL()}


def dialect(conn: Connection) -> Dialect:
    """The backend object of ``conn``."""
    return _DIALECTS[conn.dialect.name]
