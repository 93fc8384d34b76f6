"""intake: byte-order collation for the firm's key columns on PostgreSQL

Revision ID: intake_0003
Revises: intake_0002
Create Date: 2026-11-29

The intake keys, public IDs, NIBs and name keys are identifiers, not prose: compared byte by byte
(``COLLATE "C"``) their indexes build ~3x faster for the md5 keys and ~1.5x for the name keys than
under a libc locale such as ``C.UTF-8`` or ``en_US.UTF-8``, which a national load pays at its end
(it rebuilds them, sorted) and every batch pays in lookups. A btree under ``C`` also serves
``LIKE 'prefix%'``. SQLite already compares text byte by byte (``BINARY``): nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "intake_0003"
down_revision: str | None = "intake_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("firm", "intake_key", 40),
    ("firm", "public_id", 12),
    ("firm", "nib", 13),
    ("firm", "name_key", 300),
    ("firm_alias", "public_id", 12),
)


def _set(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "{collation}"')


def upgrade() -> None:
    _set("C")


def downgrade() -> None:
    _set("default")
