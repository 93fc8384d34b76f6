"""resolution: runs, candidate pairs (review queue), merges and snapshots

Revision ID: resolution_0001
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jejaring.core.db

revision: str = "resolution_0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("resolution",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resolution_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("engine", sa.String(length=12), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("pairs_scored", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("started_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution_run")),
    )
    op.create_table(
        "resolution_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_a_id", sa.Integer(), nullable=False),
        sa.Column("firm_b_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_a_id"], ["firm.id"], name=op.f("fk_resolution_candidate_firm_a_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["firm_b_id"], ["firm.id"], name=op.f("fk_resolution_candidate_firm_b_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["resolution_run.id"],
            name=op.f("fk_resolution_candidate_run_id_resolution_run"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution_candidate")),
        sa.UniqueConstraint("firm_a_id", "firm_b_id", name="uq_resolution_candidate_pair"),
    )
    op.create_index(op.f("ix_resolution_candidate_firm_b_id"), "resolution_candidate", ["firm_b_id"], unique=False)
    op.create_index(
        op.f("ix_resolution_candidate_province_code"), "resolution_candidate", ["province_code"], unique=False
    )
    op.create_index(
        "ix_resolution_candidate_status_prob", "resolution_candidate", ["status", "match_probability"], unique=False
    )
    op.create_table(
        "resolution_snapshot",
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.Text(), nullable=False),
        sa.Column("verified", sa.Integer(), nullable=False),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_resolution_snapshot_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("firm_id", name=op.f("pk_resolution_snapshot")),
    )
    op.create_table(
        "resolution_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["resolution_candidate.id"],
            name=op.f("fk_resolution_merge_candidate_id_resolution_candidate"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["firm.id"], name=op.f("fk_resolution_merge_merged_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["resolution_run.id"],
            name=op.f("fk_resolution_merge_run_id_resolution_run"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["firm.id"], name=op.f("fk_resolution_merge_survivor_id_firm"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution_merge")),
    )
    op.create_index(op.f("ix_resolution_merge_merged_id"), "resolution_merge", ["merged_id"], unique=False)
    op.create_index(op.f("ix_resolution_merge_survivor_id"), "resolution_merge", ["survivor_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_resolution_merge_survivor_id"), table_name="resolution_merge")
    op.drop_index(op.f("ix_resolution_merge_merged_id"), table_name="resolution_merge")
    op.drop_table("resolution_merge")
    op.drop_table("resolution_snapshot")
    op.drop_index("ix_resolution_candidate_status_prob", table_name="resolution_candidate")
    op.drop_index(op.f("ix_resolution_candidate_province_code"), table_name="resolution_candidate")
    op.drop_index(op.f("ix_resolution_candidate_firm_b_id"), table_name="resolution_candidate")
    op.drop_table("resolution_candidate")
    op.drop_table("resolution_run")
