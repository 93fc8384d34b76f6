"""events: temu bisnis — events, participants, unavailable slots, meeting requests and meetings

Revision ID: events_0001
Revises: 0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jejaring.core.db

revision: str = "events_0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("events",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("day_start", sa.String(length=5), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("slots_per_day", sa.Integer(), nullable=False),
        sa.Column("breaks", sa.String(length=200), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=False),
        sa.Column("registration_opens", sa.Date(), nullable=True),
        sa.Column("registration_closes", sa.Date(), nullable=True),
        sa.Column("request_days", sa.Integer(), nullable=False),
        sa.Column("target_sectors", sa.String(length=300), nullable=False),
        sa.Column("target_regions", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_public_id")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_status"), ["status"], unique=False)

    op.create_table(
        "event_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=14), nullable=False),
        sa.Column("booth", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("seeks", sa.Text(), nullable=False),
        sa.Column("offers", sa.Text(), nullable=False),
        sa.Column("registered_by", sa.String(length=200), nullable=True),
        sa.Column("registered_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_participant_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_event_participant_firm_id_firm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_participant")),
        sa.UniqueConstraint("event_id", "firm_id", name="uq_event_participant_event_firm"),
    )
    with op.batch_alter_table("event_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_participant_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_participant_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "event_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_request_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_id"], ["event_participant.id"], name=op.f("fk_event_request_from_id_event_participant")
        ),
        sa.ForeignKeyConstraint(
            ["to_id"], ["event_participant.id"], name=op.f("fk_event_request_to_id_event_participant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_request")),
        sa.UniqueConstraint("event_id", "from_id", "to_id", name="uq_event_request_pair"),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_request_public_id")),
    )
    with op.batch_alter_table("event_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_request_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_request_from_id"), ["from_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_request_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_request_to_id"), ["to_id"], unique=False)

    op.create_table(
        "event_unavailable",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["event_participant.id"],
            name=op.f("fk_event_unavailable_participant_id_event_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participant_id", "slot", name=op.f("pk_event_unavailable")),
    )
    op.create_table(
        "event_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=12), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=14), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("created_at", jejaring.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_meeting_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["event_request.id"], name=op.f("fk_event_meeting_request_id_event_request")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_meeting")),
        sa.UniqueConstraint("public_id", name=op.f("uq_event_meeting_public_id")),
        sa.UniqueConstraint("request_id", name=op.f("uq_event_meeting_request_id")),
    )
    with op.batch_alter_table("event_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_meeting_event_id"), ["event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_meeting_event_id"))

    op.drop_table("event_meeting")
    op.drop_table("event_unavailable")
    with op.batch_alter_table("event_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_request_to_id"))
        batch_op.drop_index(batch_op.f("ix_event_request_status"))
        batch_op.drop_index(batch_op.f("ix_event_request_from_id"))
        batch_op.drop_index(batch_op.f("ix_event_request_event_id"))

    op.drop_table("event_request")
    with op.batch_alter_table("event_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_participant_firm_id"))
        batch_op.drop_index(batch_op.f("ix_event_participant_event_id"))

    op.drop_table("event_participant")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_status"))

    op.drop_table("event")
