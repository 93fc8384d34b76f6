"""partnerships: consortium members with their shares and signatures; files attached to the ledger

Revision ID: partnerships_0003_h22a
Revises: partnerships_0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jejaring.core.db import UTCDateTime

revision: str = "partnerships_0003_h22a"
down_revision: str | None = "partnerships_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partnership_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("signed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("signer_title", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_partnership_member_firm_id_firm")),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_member_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_member")),
    )
    op.create_index(op.f("ix_partnership_member_firm_id"), "partnership_member", ["firm_id"], unique=False)
    op.create_index(
        op.f("ix_partnership_member_partnership_id"), "partnership_member", ["partnership_id"], unique=False
    )
    op.create_table(
        "partnership_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_path", sa.String(length=300), nullable=False),
        sa.Column("uploaded_by", sa.String(length=255), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_partnership_attachment_firm_id_firm")),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_attachment_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_attachment")),
    )
    op.create_index(
        op.f("ix_partnership_attachment_partnership_id"), "partnership_attachment", ["partnership_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_partnership_attachment_partnership_id"), table_name="partnership_attachment")
    op.drop_table("partnership_attachment")
    op.drop_index(op.f("ix_partnership_member_partnership_id"), table_name="partnership_member")
    op.drop_index(op.f("ix_partnership_member_firm_id"), table_name="partnership_member")
    op.drop_table("partnership_member")
