"""Engine, sessions and the declarative base shared by every domain."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar, cast

from sqlalchemy import DateTime, Engine, MetaData, select
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from jejaring.core.config import get_settings
from jejaring.core.errors import NotFound

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the project-wide naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamp stored as UTC on both SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


T = TypeVar("T", bound=Base)


def find_by_public_id(session: Session, model: type[T], public_id: str) -> T | None:
    """The ``model`` row whose public ID is ``public_id`` as typed (case and outer spaces ignored), or None."""
    column = model.__table__.c["public_id"]
    return cast("T | None", session.scalar(select(model).where(column == public_id.strip().upper())))


def get_by_public_id(session: Session, model: type[T], public_id: str, *, missing: str, field: str = "public_id") -> T:
    """As :func:`find_by_public_id`, but a missing row raises ``NotFound(missing)`` naming ``field``."""
    row = find_by_public_id(session, model, public_id)
    if row is None:
        raise NotFound(missing, field=field, value=public_id)
    return row


def build_engine(url: str) -> Engine:
    """Create an engine; SQLite gets its folder created and sane pragmas (``core.dialects``)."""
    from jejaring.core.dialects import for_url

    return for_url(url).create_engine(url)


_ENGINES: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the configured database)."""
    url = url or get_settings().database_url
    if url not in _ENGINES:
        _ENGINES[url] = build_engine(url)
    return _ENGINES[url]


def dispose_engines() -> None:
    """Close every process-wide engine (tests, shutdown)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A unit of work: commit once on success, roll back on error (for the CLI and jobs)."""
    with unit_of_work(session_factory(engine or get_engine())()) as session:
        yield session


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit ``session`` once when the block succeeds, roll it back when it fails; close it either way."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
