"""accounts: the NIB, owner name and address a claimant states, compared with the registry at review

Revision ID: accounts_0002
Revises: accounts_0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "accounts_0002"
down_revision: str | None = "accounts_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account_claim") as batch:
        batch.add_column(sa.Column("claimed_nib", sa.String(length=13), nullable=True))
        batch.add_column(sa.Column("claimed_owner", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("claimed_address", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account_claim") as batch:
        batch.drop_column("claimed_address")
        batch.drop_column("claimed_owner")
        batch.drop_column("claimed_nib")
