"""markets: HS codes of firms' products confirmed or corrected by owners and officers

Revision ID: markets_0001
Revises: 0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jejaring.core.db

revision: str = "markets_0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("markets",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "market_firm_hs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("hs6", sa.String(length=6), nullable=False),
        sa.Column("product_text", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=True),
        sa.Column("set_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_market_firm_hs_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_firm_hs")),
        sa.UniqueConstraint("firm_id", "hs6", name=op.f("uq_market_firm_hs_firm_id")),
    )
    op.create_index(op.f("ix_market_firm_hs_firm_id"), "market_firm_hs", ["firm_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_market_firm_hs_firm_id"), table_name="market_firm_hs")
    op.drop_table("market_firm_hs")
