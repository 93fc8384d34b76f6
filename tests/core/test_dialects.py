"""The backend objects of ``core.dialects`` on SQLite and PostgreSQL: the same call gives the same result."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Engine, column, select, table
from sqlalchemy.orm import Session

from jejaring.accounts.models import AuditEvent
from jejaring.core.dialects import dialect, for_url

LOCK_KEY = 0x4A4A5445  # a key (and file) of this test alone
LOCK_FILE = "test-lock"


def test_engine_from_the_url_enforces_foreign_keys_and_reads_indexes(db_url: str) -> None:
    engine = for_url(db_url).create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert dialect(conn) is for_url(db_url) and dialect(engine) is dialect(conn)
            names = dialect(conn).index_names(conn)
            assert {"ix_firm_nib", "ix_account_audit_event_province_at"} <= names
            if dialect(conn).name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_frames_round_trip_and_strings_aggregate(engine: Engine) -> None:
    frame = pl.DataFrame({"k": [1, 2, 3], "v": ["a", "b,c", None]})
    with engine.begin() as conn:
        d = dialect(conn)
        conn.exec_driver_sql("CREATE TEMPORARY TABLE t_dialect (k BIGINT, v TEXT)")
        d.append_frame(conn, "t_dialect", frame)
        d.analyse_temp(conn, "t_dialect")
        back = d.read_frame(conn, "SELECT k, v FROM t_dialect ORDER BY k", {"k": pl.Int64, "v": pl.String})
        assert back.equals(frame)
        empty = d.read_frame(conn, "SELECT k, v FROM t_dialect WHERE k > 9", {"k": pl.Int64, "v": pl.String})
        assert empty.height == 0 and empty.columns == ["k", "v"]
        t = table("t_dialect", column("k"), column("v"))
        joined = conn.execute(select(d.string_agg(t.c.v, "|")).where(t.c.k < 3)).scalar()
        assert sorted(str(joined).split("|")) == ["a", "b,c"]


def test_stamps_and_iso_text_agree_with_the_orm(session: Session) -> None:
    at = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    session.add(AuditEvent(at=at, actor_label="uji", via="cli", action="dialect.test", entity_type="uji"))
    session.flush()
    conn = session.connection()
    d = dialect(conn)
    sql = f"SELECT {d.iso_timestamp_sql('at')} FROM account_audit_event WHERE action = 'dialect.test'"
    assert conn.exec_driver_sql(sql).scalar() == at.isoformat()
    conn.exec_driver_sql(
        f"UPDATE account_audit_event SET at = {d.mark} WHERE action = 'dialect.test'", (d.stamp(at.replace(second=9)),)
    )
    session.expire_all()
    assert session.scalar(select(AuditEvent.at).where(AuditEvent.action == "dialect.test")) == at.replace(second=9)


def test_process_lock_excludes_and_shares(engine: Engine) -> None:
    d = dialect(engine)
    with d.process_lock(engine, LOCK_KEY, LOCK_FILE) as taken:
        assert taken
        with d.process_lock(engine, LOCK_KEY, LOCK_FILE, wait=False) as again:
            assert not again
        with d.process_lock(engine, LOCK_KEY, LOCK_FILE, shared=True, wait=False) as shared:
            assert not shared
    with d.process_lock(engine, LOCK_KEY, LOCK_FILE, shared=True) as first:
        with d.process_lock(engine, LOCK_KEY, LOCK_FILE, shared=True, wait=False) as second:
            assert first and second
        with d.process_lock(engine, LOCK_KEY, LOCK_FILE, wait=False) as exclusive:
            assert not exclusive
    with d.process_lock(engine, LOCK_KEY, LOCK_FILE, wait=False) as free:
        assert free


def test_transaction_lock_is_refused_under_an_exclusive_holder_and_ends_with_the_transaction(engine: Engine) -> None:
    d = dialect(engine)
    with Session(engine) as session:
        with d.process_lock(engine, LOCK_KEY, LOCK_FILE):
            assert not d.transaction_lock(session, LOCK_KEY, LOCK_FILE, shared=True, wait=False)
        session.rollback()
        assert d.transaction_lock(session, LOCK_KEY, LOCK_FILE, shared=True, wait=False)
        with d.process_lock(engine, LOCK_KEY, LOCK_FILE, wait=False) as exclusive:
            assert not exclusive  # held shared by the open transaction
        session.commit()
    with d.process_lock(engine, LOCK_KEY, LOCK_FILE, wait=False) as exclusive:
        assert exclusive


def test_exclusive_transaction_lock_is_held_until_commit(engine: Engine) -> None:
    """A refresh's write lock: waited for, and held until the transaction commits (not when a block ends)."""
    d = dialect(engine)
    with Session(engine) as session, Session(engine) as other:
        assert d.transaction_lock(session, LOCK_KEY, LOCK_FILE, shared=False, wait=True)
        assert not d.transaction_lock(other, LOCK_KEY, LOCK_FILE, shared=False, wait=False)
        other.rollback()
        session.commit()
        assert d.transaction_lock(other, LOCK_KEY, LOCK_FILE, shared=False, wait=False)
        other.commit()


def test_bulk_write_restores_the_connection_and_checkpoints_stop(engine: Engine) -> None:
    with engine.connect() as conn:
        d = dialect(conn)
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar() if d.name == "sqlite" else None
        with d.bulk_write(conn, cache_kib=4096, checkpointed_elsewhere=False):
            if d.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -4096
        if d.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
    with dialect(engine).background_checkpoints(engine, 0.01), engine.begin() as conn:
        conn.exec_driver_sql("CREATE TEMPORARY TABLE t_ckpt (k INTEGER)")
