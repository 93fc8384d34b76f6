"""intake: the natural key of a firm without NIB includes its desa

Revision ID: intake_0002
Revises: intake_0001
Create Date: 2026-11-29

Two businesses in one regency can share name and owner name (national data showed ~23,000 such pairs
of distinct firms); with the village in the key they stay apart. Existing keys are recomputed so that
re-uploading an old file still finds its firms.
"""

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0002"
down_revision: str | None = "intake_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NON_WORD = re.compile(r"[^a-z0-9]+")
BATCH = 50_000


def _name_key(text: str | None) -> str:
    """The intake's name normalisation (accents and punctuation dropped, lower case)."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", folded.lower()).strip()


def _rekey(with_desa: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT f.id, f.name_key, f.regency_code, p.owner_name, f.desa, f.intake_key FROM firm f"
            " LEFT JOIN firm_private p ON p.firm_id = f.id"
            " WHERE f.intake_key IS NOT NULL AND f.nib IS NULL AND f.desa IS NOT NULL ORDER BY f.id"
        )
    ).all()
    taken = {k for (k,) in conn.execute(sa.text("SELECT intake_key FROM firm WHERE intake_key IS NOT NULL"))}
    changes = []
    for firm_id, name_key, regency, owner, desa, old in rows:
        source = f"nk|{name_key or ''}|{regency or ''}|{_name_key(owner)}"
        if with_desa and _name_key(desa):
            source += f"|{_name_key(desa)}"
        new = hashlib.md5(source.encode("utf-8")).hexdigest()
        if new != old and new not in taken:  # a clash (names edited since) keeps the old key
            taken.add(new)
            changes.append({"id": firm_id, "k": new})
    stmt = sa.text("UPDATE firm SET intake_key = :k WHERE id = :id")
    for start in range(0, len(changes), BATCH):
        conn.execute(stmt, changes[start : start + BATCH])


def upgrade() -> None:
    _rekey(with_desa=True)


def downgrade() -> None:
    _rekey(with_desa=False)
