"""Fixtures: every database test runs on real SQLite and on the real PostgreSQL server.

Each test gets a fresh database copied from a per-worker template that was migrated with Alembic
and loaded with the reference data once (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL). Under ``CI=true`` an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from jejaring.core import migrate
from jejaring.core.config import Settings, get_settings
from jejaring.core.db import build_engine, dispose_engines, session_factory, session_scope

PG_URL = os.environ.get("JEJARING_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ("sqlite", "postgresql")


def _pg_admin_dsn() -> str:
    url = make_url(PG_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def pg_available() -> bool:
    try:
        with psycopg.connect(_pg_admin_dsn(), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _pg_exec(sql: str) -> None:
    with psycopg.connect(_pg_admin_dsn(), autocommit=True) as conn:
        conn.execute(sql)


def _prepare(url: str) -> None:
    from jejaring.reference import service as reference_service

    migrate.upgrade(url)
    engine = build_engine(url)
    with session_scope(engine) as session:
        reference_service.load_reference(session)
    engine.dispose()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    templates: dict[str, str] = {}
    sqlite_file = tmp_path_factory.mktemp("template") / "template.db"
    _prepare(f"sqlite:///{sqlite_file}")
    templates["sqlite"] = str(sqlite_file)
    pg_name = None
    if pg_available():
        pg_name = f"jj_tpl_{uuid.uuid4().hex[:10]}"
        _pg_exec(f'CREATE DATABASE "{pg_name}"')
        _prepare(make_url(PG_URL).set(database=pg_name).render_as_string(hide_password=False))
        templates["postgresql"] = pg_name
    yield templates
    if pg_name:
        _pg_exec(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def require_pg() -> None:
    """Skip (or fail under CI) when PostgreSQL is unreachable."""
    if not pg_available():
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true but unreachable at {PG_URL}")
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, _templates: dict[str, str]) -> Iterator[str]:
    """URL of a fresh, migrated database with reference data, on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "jejaring.db"
        shutil.copy(_templates["sqlite"], target)
        yield f"sqlite:///{target}"
        return
    require_pg()
    name = f"jj_{uuid.uuid4().hex[:12]}"
    _pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{_templates["postgresql"]}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the fresh database."""
    eng = build_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the fresh database (tests commit or flush as they need)."""
    s = session_factory(engine)()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the fresh database."""
    return Settings(
        database_url=db_url,
        environment="test",
        load_demo=False,
        data_dir=tmp_path / "var",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app on the fresh database (test modules that need more define their own ``client``)."""
    from jejaring.web.app import create_app

    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def env_db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the environment (CLI, get_settings) at the fresh database."""
    monkeypatch.setenv("JEJARING_DATABASE_URL", db_url)
    monkeypatch.setenv("JEJARING_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    dispose_engines()
    yield db_url
    dispose_engines()
    get_settings.cache_clear()
