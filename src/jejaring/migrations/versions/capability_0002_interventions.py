"""capability: interventions added by offices

Revision ID: capability_0002
Revises: capability_0001
Create Date: 2026-12-07 02:44:20.321409
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jejaring.core.db

revision: str = "capability_0002"
down_revision: str | None = "capability_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "capability_intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("provider", sa.String(length=300), nullable=False),
        sa.Column("name_id", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("cost_firm", sa.BigInteger(), nullable=False),
        sa.Column("cost_gov", sa.BigInteger(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("requires", sa.Text(), nullable=False),
        sa.Column("lifts", sa.Text(), nullable=False),
        sa.Column("eligible_sizes", sa.String(length=100), nullable=False),
        sa.Column("eligible_groups", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_intervention")),
        sa.UniqueConstraint("code", name=op.f("uq_capability_intervention_code")),
    )


def downgrade() -> None:
    op.drop_table("capability_intervention")
