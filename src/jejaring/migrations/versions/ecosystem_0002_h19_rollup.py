"""ecosystem: stored gap rollup (eco_gap, eco_rollup) and an index on eco_link.updated_at

Revision ID: ecosystem_0002_h19
Revises: ecosystem_0001
Create Date: 2026-12-07 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jejaring.core.db

revision: str = "ecosystem_0002_h19"
down_revision: str | None = "ecosystem_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eco_gap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("place_kind", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=40), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("division", sa.String(length=2), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason_key", sa.String(length=100), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eco_gap")),
    )
    op.create_index("ix_eco_gap_province", "eco_gap", ["province_code", "id"], unique=False)
    op.create_index("ix_eco_gap_regency", "eco_gap", ["regency_code", "id"], unique=False)
    op.create_index("ix_eco_gap_place", "eco_gap", ["place", "id"], unique=False)
    op.create_index("ix_eco_link_updated_at", "eco_link", ["updated_at"], unique=False)
    op.create_table(
        "eco_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=500), nullable=False),
        sa.Column("gaps", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("computed_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eco_rollup")),
    )


def downgrade() -> None:
    op.drop_table("eco_rollup")
    op.drop_index("ix_eco_link_updated_at", table_name="eco_link")
    op.drop_index("ix_eco_gap_place", table_name="eco_gap")
    op.drop_index("ix_eco_gap_regency", table_name="eco_gap")
    op.drop_index("ix_eco_gap_province", table_name="eco_gap")
    op.drop_table("eco_gap")
