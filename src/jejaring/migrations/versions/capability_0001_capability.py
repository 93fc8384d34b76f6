"""capability: assessments, programmes, enrolments

Revision ID: capability_0001
Revises: 0001
Create Date: 2026-12-07 02:13:04.074695
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jejaring.core.db

revision: str = "capability_0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("capability",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "capability_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.Column("cohort_size", sa.Integer(), nullable=False),
        sa.Column("interventions", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_code"], ["ref_province.code"], name=op.f("fk_capability_programme_province_code_ref_province")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_programme")),
        sa.UniqueConstraint("public_id", name=op.f("uq_capability_programme_public_id")),
    )
    with op.batch_alter_table("capability_programme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capability_programme_province_code"), ["province_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_capability_programme_year"), ["year"], unique=False)

    op.create_table(
        "capability_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("size_class", sa.String(length=10), nullable=True),
        sa.Column("product_group", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("assessor_kind", sa.String(length=10), nullable=False),
        sa.Column("assessor", sa.String(length=255), nullable=False),
        sa.Column("catalogue_version", sa.String(length=20), nullable=False),
        sa.Column("vector", sa.String(length=64), nullable=False),
        sa.Column("prefilled", sa.String(length=500), nullable=False),
        sa.Column("scores", sa.Text(), nullable=False),
        sa.Column("overall", sa.Float(), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_capability_assessment_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_assessment")),
    )
    with op.batch_alter_table("capability_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capability_assessment_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(
            "ix_capability_assessment_rank",
            ["province_code", "is_latest", "size_class", "product_group", "firm_id", "vector"],
            unique=False,
        )

    op.create_table(
        "capability_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("expected_gain", sa.Float(), nullable=False),
        sa.Column("cost_gov", sa.BigInteger(), nullable=False),
        sa.Column("before_id", sa.Integer(), nullable=True),
        sa.Column("after_id", sa.Integer(), nullable=True),
        sa.Column("certificates_before", sa.String(length=300), nullable=False),
        sa.Column("enrolled_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["after_id"],
            ["capability_assessment.id"],
            name=op.f("fk_capability_enrolment_after_id_capability_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["before_id"],
            ["capability_assessment.id"],
            name=op.f("fk_capability_enrolment_before_id_capability_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_capability_enrolment_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["capability_programme.id"],
            name=op.f("fk_capability_enrolment_programme_id_capability_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_enrolment")),
        sa.UniqueConstraint("programme_id", "firm_id", name=op.f("uq_capability_enrolment_programme_id")),
    )
    with op.batch_alter_table("capability_enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capability_enrolment_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_capability_enrolment_programme_id"), ["programme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("capability_enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capability_enrolment_programme_id"))
        batch_op.drop_index(batch_op.f("ix_capability_enrolment_firm_id"))

    op.drop_table("capability_enrolment")
    with op.batch_alter_table("capability_assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_capability_assessment_rank")
        batch_op.drop_index(batch_op.f("ix_capability_assessment_firm_id"))

    op.drop_table("capability_assessment")
    with op.batch_alter_table("capability_programme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capability_programme_year"))
        batch_op.drop_index(batch_op.f("ix_capability_programme_province_code"))

    op.drop_table("capability_programme")
