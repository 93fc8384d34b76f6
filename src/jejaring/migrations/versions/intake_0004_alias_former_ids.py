"""registry: firm_alias holds a firm's former public IDs only

Revision ID: intake_0004
Revises: intake_0003
Create Date: 2026-11-29

A firm's current public ID is ``firm.public_id`` (unique); ``firm_alias`` now keeps only the IDs it
had before, which lookups try second. A row per firm that repeated ``firm.public_id`` was one more
row and one more random-key index entry for every firm a national load writes. The uniqueness of
public IDs across both tables is kept by whoever gives one out (``registry.service``,
``registry.bulk``).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "intake_0004"
down_revision: str | None = "intake_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM firm_alias WHERE EXISTS "
        "(SELECT 1 FROM firm WHERE firm.id = firm_alias.firm_id AND firm.public_id = firm_alias.public_id)"
    )


def downgrade() -> None:
    op.execute(
        "INSERT INTO firm_alias (public_id, firm_id, created_at) SELECT public_id, id, created_at FROM firm "
        "WHERE NOT EXISTS (SELECT 1 FROM firm_alias a WHERE a.public_id = firm.public_id)"
    )
