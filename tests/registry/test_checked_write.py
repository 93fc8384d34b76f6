"""Set-based foreign-key checks of bulk writes: a bad reference is refused, the constraints stay in force."""

from __future__ import annotations

import uuid

import polars as pl
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from jejaring.core import tables
from jejaring.core.db import build_engine
from jejaring.core.dialects import dialect


def _firm(regency: str, key: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "public_id": [f"F-{key}"],
            "name": ["UD Contoh"],
            "name_key": ["ud contoh"],
            "province_code": [regency[:2]],
            "regency_code": [regency],
            "kbli_code": ["10710"],
            "status": ["active"],
            "intake_key": [key],
            "created_at": ["2024-01-01 00:00:00.000000"],
            "updated_at": ["2024-01-01 00:00:00.000000"],
        }
    )


def test_checked_write_inserts_valid_rows_and_refuses_unknown_references(session: Session) -> None:
    conn = session.connection()
    tables.write_checked(conn, "firm", _firm("32.09", "k1"))
    firm_id = conn.exec_driver_sql("SELECT id FROM firm WHERE intake_key = 'k1'").scalar_one()
    tables.write_checked(conn, "certification", pl.DataFrame({"firm_id": [firm_id], "certificate_code": ["HALAL"]}))
    assert conn.exec_driver_sql("SELECT count(*) FROM certification").scalar_one() == 1
    if dialect(conn).checks_keys_per_row:  # triggers are back on after the write
        assert conn.exec_driver_sql("SELECT current_setting('session_replication_role')").scalar_one() == "origin"
    with pytest.raises(Exception, match=r"(?i)foreign key|not in ref_regency"):
        tables.write_checked(conn, "firm", _firm("32.99", "k2"))  # no such regency


def test_checked_write_refuses_missing_parent(session: Session) -> None:
    row = pl.DataFrame({"firm_id": [987654], "role": ["ikm"]})
    conn = session.connection()
    with pytest.raises(Exception, match=r"(?i)foreign key|not in firm"):
        tables.write_checked(conn, "firm_role", row)
    session.rollback()
    conn = session.connection()
    with pytest.raises(Exception, match=r"(?i)foreign key"):  # a plain write is checked by the database
        tables.write(conn, "firm_role", row)


def test_checked_write_without_the_privilege_falls_back_to_per_row_checks(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite always checks per row")
    role = f"jj_plain_{uuid.uuid4().hex[:8]}"
    admin = build_engine(db_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        conn.exec_driver_sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        conn.exec_driver_sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
    plain = build_engine(make_url(db_url).set(username=role).render_as_string(hide_password=False))
    try:
        with plain.begin() as conn:  # the refused SET leaves the transaction usable
            assert not conn.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar_one()
            tables.write_checked(conn, "firm", _firm("32.09", "k1"))
            assert conn.exec_driver_sql("SELECT count(*) FROM firm WHERE intake_key = 'k1'").scalar_one() == 1
            with pytest.raises(Exception, match=r"(?i)foreign key|not in firm"):
                tables.write_checked(conn, "firm_role", pl.DataFrame({"firm_id": [987654], "role": ["ikm"]}))
    finally:
        plain.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()


def test_checked_write_reports_the_databases_own_error(session: Session) -> None:
    conn = session.connection()
    tables.write_checked(conn, "firm", _firm("32.09", "k1"))
    with pytest.raises(Exception, match=r"(?i)unique|duplicate key"):  # not "transaction aborted"
        tables.write_checked(conn, "firm", _firm("32.09", "k1"))
