"""notifications: one message to one user, read/unread, with a link

Revision ID: notifications_0001
Revises: 0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jejaring.core.db

revision: str = "notifications_0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("notifications",)
depends_on: str | Sequence[str] | None = ("accounts_0001",)


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message_key", sa.String(length=80), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["account_user.id"], name=op.f("fk_notification_user_id_account_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    op.create_index("ix_notification_user_read", "notification", ["user_id", "read_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notification_user_read", table_name="notification")
    op.drop_table("notification")
