"""ecosystem: stored per-place summaries and flows (eco_place_summary, eco_flow), a province's links in id order

Revision ID: ecosystem_0003_h19b
Revises: ecosystem_0002_h19
Create Date: 2026-12-07 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ecosystem_0003_h19b"
down_revision: str | None = "ecosystem_0002_h19"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eco_place_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_kind", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=40), nullable=False),
        sa.Column("ikm", sa.Integer(), nullable=False),
        sa.Column("linked", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eco_place_summary")),
    )
    op.create_index("ix_eco_place_summary_place", "eco_place_summary", ["place_kind", "place"], unique=True)
    op.create_table(
        "eco_flow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_kind", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=40), nullable=False),
        sa.Column("source_regency", sa.String(length=5), nullable=False),
        sa.Column("target_regency", sa.String(length=5), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eco_flow")),
    )
    op.create_index("ix_eco_flow_place", "eco_flow", ["place_kind", "place"], unique=False)
    op.create_index("ix_eco_link_province_id", "eco_link", ["province_code", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_eco_link_province_id", table_name="eco_link")
    op.drop_index("ix_eco_flow_place", table_name="eco_flow")
    op.drop_table("eco_flow")
    op.drop_index("ix_eco_place_summary_place", table_name="eco_place_summary")
    op.drop_table("eco_place_summary")
