"""events: the venue's time zone (WIB, WITA or WIT) for agendas and calendar files

Revision ID: events_0002
Revises: events_0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "events_0002"
down_revision: str | None = "events_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=32), nullable=False, server_default="Asia/Jakarta"))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("timezone")
