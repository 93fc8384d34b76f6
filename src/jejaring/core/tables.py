"""Set-based reads and writes: whole columns (polars frames) in and out of the database.

PostgreSQL moves data with ``COPY`` (CSV), SQLite with ``executemany``; both through the session's own
connection, so everything stays in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import polars as pl
import psycopg
from sqlalchemy import Connection, Table

from jejaring.core.db import Base
from jejaring.core.dialects import dialect

_SQL_TYPES: dict[Any, str] = {pl.Int64: "BIGINT", pl.Int32: "BIGINT", pl.Float64: "DOUBLE PRECISION", pl.String: "TEXT"}


def psycopg_connection(conn: Connection) -> psycopg.Connection[Any]:
    """The psycopg connection under SQLAlchemy's (same transaction)."""
    return cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)


def stamp(conn: Connection, value: datetime) -> str:
    """A timestamp as the database stores it (UTC), for bulk-written rows."""
    return dialect(conn).stamp(value)


def pg_array(values: pl.Series) -> str:
    """Non-null ``values`` as a PostgreSQL array literal, for ``col = ANY(%s)``.

    The server types it from the column; sending one string costs far less than psycopg's per-element
    list adaptation.
    """
    text = values.drop_nulls().cast(pl.Utf8).str.replace_all("\\", "\\\\", literal=True)
    quoted = pl.lit('"') + text.str.replace_all('"', '\\"', literal=True) + pl.lit('"')
    return "{" + str(pl.select(quoted.str.join(",")).item()) + "}"


def read(conn: Connection, sql: str, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of ``sql`` (columns in ``schema`` order) as a frame."""
    return dialect(conn).read_frame(conn, sql, schema)


def write(conn: Connection, table: str, df: pl.DataFrame) -> None:
    """Append ``df`` to ``table`` (column names = table columns)."""
    if df.height == 0:
        return
    dialect(conn).append_frame(conn, table, _without_empty_columns(table, df))


def _without_empty_columns(table: str, df: pl.DataFrame) -> pl.DataFrame:
    """``df`` less its columns that are null in every row and would be NULL anyway (no default, not a key):
    binding (SQLite) or encoding and parsing (``COPY``) them costs per row, and provincial files leave many
    columns empty."""
    columns = Base.metadata.tables[table].c if table in Base.metadata.tables else None
    if columns is None:
        return df
    keep = [
        c
        for c in df.columns
        if c not in columns
        or columns[c].primary_key
        or columns[c].default is not None
        or columns[c].server_default is not None
        or df.get_column(c).null_count() < df.height
    ]
    return df.select(keep) if keep else df


def write_checked(conn: Connection, name: str, df: pl.DataFrame, *, fresh: tuple[str, ...] = ()) -> None:
    """:func:`write`, checking the table's foreign keys once per distinct value instead of once per row.

    On PostgreSQL every foreign key is otherwise checked by a trigger per inserted row, which costs about
    as much as the insert itself. Here each key is checked with one query over the batch's distinct values,
    locking the referenced rows ``FOR KEY SHARE`` exactly as the trigger would, and the rows are copied
    with triggers off for the rest of this statement (``session_replication_role = replica``, set
    transaction-locally and restored). A database role not allowed to set it, a table with triggers of
    its own or a foreign key this cannot check (several columns, a defaulted column not given) gets the
    plain :func:`write`. SQLite: the plain :func:`write`. ``fresh``: columns whose every value is a row this
    transaction has just inserted (the caller wrote them, and no other transaction can see them, let alone
    delete them), so they need neither a check nor a lock.
    """
    if df.height == 0:
        return
    table = Base.metadata.tables[name]
    if not dialect(conn).checks_keys_per_row or not _checkable(table, df):
        write(conn, table.name, df)
        return
    pg = psycopg_connection(conn)
    with pg.cursor() as cur:
        own = cur.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", (table.name,)
        ).fetchone()
        if own and own[0]:
            write(conn, table.name, df)
            return
        for fk in table.foreign_key_constraints:
            col = fk.elements[0]
            if col.parent.name not in df.columns or col.parent.name in fresh:
                continue
            values = df.get_column(col.parent.name).drop_nulls().unique()
            if values.len() == 0:
                continue
            ref = col.column
            cur.execute(
                f'SELECT "{ref.name}" FROM "{ref.table.name}" WHERE "{ref.name}" = ANY(%s) FOR KEY SHARE',
                (pg_array(values),),
            )
            missing = set(values.to_list()) - {r[0] for r in cur.fetchall()}
            if missing:
                raise psycopg.errors.ForeignKeyViolation(
                    f"{table.name}.{col.parent.name}: {len(missing)} value(s) not in {ref.table.name}, "
                    f"e.g. {sorted(missing, key=str)[0]!r}"
                )
        previous = cur.execute("SELECT current_setting('session_replication_role')").fetchone()
        try:
            with pg.transaction():  # a savepoint: a role that may not set it keeps the batch's transaction
                cur.execute("SET LOCAL session_replication_role = replica")
        except psycopg.errors.InsufficientPrivilege:
            write(conn, table.name, df)
            return
    write(conn, table.name, df)  # a failure aborts the transaction, and its rollback ends the setting too
    with pg.cursor() as cur:
        cur.execute("SELECT set_config('session_replication_role', %s, true)", (previous[0] if previous else "origin",))


def _checkable(table: Table, df: pl.DataFrame) -> bool:
    """Whether :func:`write_checked` can check every foreign key of ``table`` for the rows of ``df``."""
    for fk in table.foreign_key_constraints:
        if len(fk.elements) != 1:
            return False
        col = fk.elements[0].parent
        if col.name not in df.columns and (col.default is not None or col.server_default is not None):
            return False
    return True


def temp_table(conn: Connection, name: str, df: pl.DataFrame, *, key: str | None = None) -> None:
    """(Re)create the temporary table ``name`` holding ``df`` (``key``: a unique column, made the primary key)."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    cols = [f'"{c}" {_SQL_TYPES.get(t, "TEXT")}' for c, t in df.schema.items()]
    if key is not None:
        cols.append(f'PRIMARY KEY ("{key}")')
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} ({', '.join(cols)})")
    write(conn, name, df)
    dialect(conn).analyse_temp(conn, name)


def drop_temp(conn: Connection, name: str) -> None:
    """Drop a temporary table made by :func:`temp_table`."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def read_for_ids(conn: Connection, sql: str, ids: pl.Series, schema: dict[str, Any]) -> pl.DataFrame:
    """:func:`read` for a query that joins the temporary id list ``_jj_ids(id)``."""
    temp_table(conn, "_jj_ids", pl.DataFrame({"id": ids.cast(pl.Int64).unique()}), key="id")
    try:
        return read(conn, sql, schema)
    finally:
        drop_temp(conn, "_jj_ids")


def update(conn: Connection, table: str, df: pl.DataFrame, *, key: str = "id", extra: str = "") -> None:
    """``UPDATE table`` from the rows of ``df`` matched on ``key``; ``extra`` adds SET assignments."""
    if df.height == 0:
        return
    temp_table(conn, "_jj_update", df, key=key)
    sets = [f'"{c}" = _jj_update."{c}"' for c in df.columns if c != key]
    if extra:
        sets.append(extra)
    conn.exec_driver_sql(f"UPDATE {table} SET {', '.join(sets)} FROM _jj_update WHERE {table}.{key} = _jj_update.{key}")
    drop_temp(conn, "_jj_update")


def delete_for_ids(conn: Connection, table: str, column: str, ids: pl.Series) -> None:
    """Delete the rows of ``table`` whose ``column`` is one of ``ids``."""
    if ids.len() == 0:
        return
    temp_table(conn, "_jj_ids", pl.DataFrame({"id": ids.cast(pl.Int64).unique()}), key="id")
    conn.exec_driver_sql(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM _jj_ids)")
    drop_temp(conn, "_jj_ids")


def analyze(conn: Connection, names: Sequence[str]) -> None:
    """Refresh the query planner's statistics of ``names`` after bulk loads."""
    dialect(conn).analyse(conn, names)


def select_in(
    conn: Connection, sql: str, values: pl.Series | list[Any], params: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """Run ``sql`` (with one ``IN ({in})`` placeholder, after ``params``) for every value of ``values``."""
    return dialect(conn).select_in(conn, sql, values, params)
