"""matching: needs (kebutuhan), offers (penawaran) and match proposals

Revision ID: matching_0001
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jejaring.core.db

revision: str = "matching_0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("matching",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kbli_code", sa.String(length=5), nullable=True),
        sa.Column("hs_codes", sa.String(length=200), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("certificates", sa.String(length=300), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("max_distance_km", sa.Float(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("price_min", sa.BigInteger(), nullable=True),
        sa.Column("price_max", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_match_need_firm_id_firm"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_need")),
        sa.UniqueConstraint("public_id", name=op.f("uq_match_need_public_id")),
    )
    with op.batch_alter_table("match_need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_need_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_need_status"), ["status"], unique=False)
    op.create_table(
        "match_offer",
        sa.Column("min_order", sa.Float(), nullable=True),
        sa.Column("target_regions", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kbli_code", sa.String(length=5), nullable=True),
        sa.Column("hs_codes", sa.String(length=200), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("certificates", sa.String(length=300), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("max_distance_km", sa.Float(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("price_min", sa.BigInteger(), nullable=True),
        sa.Column("price_max", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_match_offer_firm_id_firm"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_offer")),
        sa.UniqueConstraint("public_id", name=op.f("uq_match_offer_public_id")),
    )
    with op.batch_alter_table("match_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_offer_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_offer_status"), ["status"], unique=False)
    op.create_table(
        "match_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("from_firm_id", sa.Integer(), nullable=True),
        sa.Column("to_firm_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("share", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_firm_id"], ["firm.id"], name=op.f("fk_match_proposal_from_firm_id_firm"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["match_need.id"], name=op.f("fk_match_proposal_need_id_match_need"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["to_firm_id"], ["firm.id"], name=op.f("fk_match_proposal_to_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_proposal")),
        sa.UniqueConstraint("public_id", name=op.f("uq_match_proposal_public_id")),
    )
    with op.batch_alter_table("match_proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_proposal_from_firm_id"), ["from_firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_proposal_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_proposal_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_proposal_to_firm_id"), ["to_firm_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("match_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_proposal_to_firm_id"))
        batch_op.drop_index(batch_op.f("ix_match_proposal_status"))
        batch_op.drop_index(batch_op.f("ix_match_proposal_need_id"))
        batch_op.drop_index(batch_op.f("ix_match_proposal_from_firm_id"))
    op.drop_table("match_proposal")
    with op.batch_alter_table("match_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_offer_status"))
        batch_op.drop_index(batch_op.f("ix_match_offer_firm_id"))
    op.drop_table("match_offer")
    with op.batch_alter_table("match_need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_need_status"))
        batch_op.drop_index(batch_op.f("ix_match_need_firm_id"))
    op.drop_table("match_need")
