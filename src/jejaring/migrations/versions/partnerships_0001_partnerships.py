"""partnerships: kemitraan, agreements, history, orders, deliveries, invoices, payments, evaluations

Revision ID: partnerships_0001
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jejaring.core.db

revision: str = "partnerships_0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("partnerships",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partnership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("pattern_code", sa.String(length=40), nullable=False),
        sa.Column("larger_firm_id", sa.Integer(), nullable=False),
        sa.Column("smaller_firm_id", sa.Integer(), nullable=False),
        sa.Column("proposer_firm_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("origin_ref", sa.String(length=100), nullable=True),
        sa.Column("programme", sa.String(length=200), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("proposal_note", sa.Text(), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["larger_firm_id"], ["firm.id"], name=op.f("fk_partnership_larger_firm_id_firm")),
        sa.ForeignKeyConstraint(
            ["pattern_code"],
            ["ref_partnership_pattern.code"],
            name=op.f("fk_partnership_pattern_code_ref_partnership_pattern"),
        ),
        sa.ForeignKeyConstraint(["proposer_firm_id"], ["firm.id"], name=op.f("fk_partnership_proposer_firm_id_firm")),
        sa.ForeignKeyConstraint(["smaller_firm_id"], ["firm.id"], name=op.f("fk_partnership_smaller_firm_id_firm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership")),
        sa.UniqueConstraint("public_id", name=op.f("uq_partnership_public_id")),
    )
    op.create_index(op.f("ix_partnership_larger_firm_id"), "partnership", ["larger_firm_id"], unique=False)
    op.create_index(op.f("ix_partnership_province_code"), "partnership", ["province_code"], unique=False)
    op.create_index(op.f("ix_partnership_smaller_firm_id"), "partnership", ["smaller_firm_id"], unique=False)
    op.create_index(op.f("ix_partnership_status"), "partnership", ["status"], unique=False)
    op.create_table(
        "partnership_agreement",
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("identity_larger", sa.Text(), nullable=True),
        sa.Column("identity_smaller", sa.Text(), nullable=True),
        sa.Column("business_activity", sa.Text(), nullable=True),
        sa.Column("rights_obligations", sa.Text(), nullable=True),
        sa.Column("development_form", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("duration_months", sa.Integer(), nullable=True),
        sa.Column("payment_period_days", sa.Integer(), nullable=True),
        sa.Column("payment_mechanism", sa.Text(), nullable=True),
        sa.Column("dispute_settlement", sa.Text(), nullable=True),
        sa.Column("checklist", sa.Text(), nullable=False),
        sa.Column("independence_declared", sa.Boolean(), nullable=False),
        sa.Column("independence_flags", sa.Text(), nullable=False),
        sa.Column("bilingual", sa.Boolean(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("signed_larger_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_smaller_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_agreement_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partnership_id", name=op.f("pk_partnership_agreement")),
    )
    op.create_table(
        "partnership_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_firm_id", sa.Integer(), nullable=False),
        sa.Column("evaluated_firm_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=False),
        sa.Column("timeliness", sa.Integer(), nullable=False),
        sa.Column("payment", sa.Integer(), nullable=False),
        sa.Column("communication", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluated_firm_id"], ["firm.id"], name=op.f("fk_partnership_evaluation_evaluated_firm_id_firm")
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_firm_id"], ["firm.id"], name=op.f("fk_partnership_evaluation_evaluator_firm_id_firm")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_evaluation_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_evaluation")),
    )
    op.create_index(
        op.f("ix_partnership_evaluation_partnership_id"), "partnership_evaluation", ["partnership_id"], unique=False
    )
    op.create_table(
        "partnership_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message_key", sa.String(length=80), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_partnership_notification_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_notification_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_notification")),
    )
    op.create_index(op.f("ix_partnership_notification_firm_id"), "partnership_notification", ["firm_id"], unique=False)
    op.create_table(
        "partnership_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_order_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_order")),
    )
    op.create_index(op.f("ix_partnership_order_partnership_id"), "partnership_order", ["partnership_id"], unique=False)
    op.create_table(
        "partnership_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("party_firm_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_status_change_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_firm_id"], ["firm.id"], name=op.f("fk_partnership_status_change_party_firm_id_firm")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_status_change")),
    )
    op.create_index(
        op.f("ix_partnership_status_change_partnership_id"),
        "partnership_status_change",
        ["partnership_id"],
        unique=False,
    )
    op.create_table(
        "partnership_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("bast_number", sa.String(length=60), nullable=False),
        sa.Column("received_by", sa.String(length=200), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["partnership_order.id"],
            name=op.f("fk_partnership_delivery_order_id_partnership_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_delivery")),
    )
    op.create_index(op.f("ix_partnership_delivery_order_id"), "partnership_delivery", ["order_id"], unique=False)
    op.create_table(
        "partnership_invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("overdue_notified_on", sa.Date(), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["partnership_order.id"],
            name=op.f("fk_partnership_invoice_order_id_partnership_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_invoice")),
    )
    op.create_index(op.f("ix_partnership_invoice_due_on"), "partnership_invoice", ["due_on"], unique=False)
    op.create_index(op.f("ix_partnership_invoice_order_id"), "partnership_invoice", ["order_id"], unique=False)
    op.create_table(
        "partnership_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["partnership_invoice.id"],
            name=op.f("fk_partnership_payment_invoice_id_partnership_invoice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_payment")),
    )
    op.create_index(op.f("ix_partnership_payment_invoice_id"), "partnership_payment", ["invoice_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_partnership_payment_invoice_id"), table_name="partnership_payment")
    op.drop_table("partnership_payment")
    op.drop_index(op.f("ix_partnership_invoice_order_id"), table_name="partnership_invoice")
    op.drop_index(op.f("ix_partnership_invoice_due_on"), table_name="partnership_invoice")
    op.drop_table("partnership_invoice")
    op.drop_index(op.f("ix_partnership_delivery_order_id"), table_name="partnership_delivery")
    op.drop_table("partnership_delivery")
    op.drop_index(op.f("ix_partnership_status_change_partnership_id"), table_name="partnership_status_change")
    op.drop_table("partnership_status_change")
    op.drop_index(op.f("ix_partnership_order_partnership_id"), table_name="partnership_order")
    op.drop_table("partnership_order")
    op.drop_index(op.f("ix_partnership_notification_firm_id"), table_name="partnership_notification")
    op.drop_table("partnership_notification")
    op.drop_index(op.f("ix_partnership_evaluation_partnership_id"), table_name="partnership_evaluation")
    op.drop_table("partnership_evaluation")
    op.drop_table("partnership_agreement")
    op.drop_index(op.f("ix_partnership_status"), table_name="partnership")
    op.drop_index(op.f("ix_partnership_smaller_firm_id"), table_name="partnership")
    op.drop_index(op.f("ix_partnership_province_code"), table_name="partnership")
    op.drop_index(op.f("ix_partnership_larger_firm_id"), table_name="partnership")
    op.drop_table("partnership")
