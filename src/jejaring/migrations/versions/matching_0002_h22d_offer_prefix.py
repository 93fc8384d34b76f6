"""matching: offers take the prefix "O-" (they shared "P-" with capability programmes)

The body and check character stay, so an old "P-…" link still finds the offer (``core.ids.canonical_public_id``).

Revision ID: matching_0002_h22d
Revises: matching_0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "matching_0002_h22d"
down_revision: str | None = "matching_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE match_offer SET public_id = 'O' || substr(public_id, 2) WHERE public_id LIKE 'P-%'")


def downgrade() -> None:
    op.execute("UPDATE match_offer SET public_id = 'P' || substr(public_id, 2) WHERE public_id LIKE 'O-%'")
