"""registry: firm.row_hash, the fingerprint of the uploaded row a firm's content came from

Revision ID: intake_0005
Revises: intake_0004
Create Date: 2026-12-07

A province's file uploaded again is mostly rows that did not change. The fingerprint of each row's cells as
typed is kept on the firm the row wrote, so such a row is known unchanged without validating it again
(``intake/fingerprint.py``). Firms imported before this revision have none: their rows are validated as before
until a row changes them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0005"
down_revision: str | None = "intake_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("firm", sa.Column("row_hash", sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")))
    op.create_index("ix_firm_row_hash", "firm", ["row_hash"])


def downgrade() -> None:
    op.drop_index("ix_firm_row_hash", table_name="firm")
    # not a batch (SQLite would copy the table and drop it, cascading to every table that refers to firm)
    op.execute("ALTER TABLE firm DROP COLUMN row_hash")
