"""partnerships: who signed for each party, and as what (printed on the agreement)

Revision ID: partnerships_0002
Revises: partnerships_0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "partnerships_0002"
down_revision: str | None = "partnerships_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("signer_larger_name", "signer_larger_title", "signer_smaller_name", "signer_smaller_title")


def upgrade() -> None:
    with op.batch_alter_table("partnership_agreement") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("partnership_agreement") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
