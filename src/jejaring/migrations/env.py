"""Alembic environment: one metadata for every domain; SQLite runs in batch mode."""

from __future__ import annotations

from alembic import context

from jejaring.core.db import build_engine
from jejaring.core.metadata import load_metadata

config = context.config
target_metadata = load_metadata()


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = build_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
