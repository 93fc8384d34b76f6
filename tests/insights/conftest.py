"""Fixtures: a registry filled with generated firms and rollups refreshed from it."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from jejaring.insights import service
from tests.insights.factory import Rows, fix_sequences, insert_rows, make_rows


@pytest.fixture
def seeded(session: Session) -> Rows:
    """1,500 generated firms (plus roles, certificates, 20 sentra), committed, rollups refreshed."""
    rows = make_rows(1500, seed=11)
    insert_rows(session, rows)
    fix_sequences(session)
    session.commit()
    service.refresh_rollups(session)
    session.commit()
    return rows
