"""A registry drawn to the published shape reproduces the calibration figures on the headline panel.

The expected values come from the project's calibration file (``synth/data/calibration.toml``, each
figure with its source); the registry here is a 20,000-firm sample drawn with those proportions
(99.7 % IKM, sector mix, worker and output ratios), so the panel must land within sampling tolerance.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from jejaring.insights import service
from jejaring.insights.service import Scope
from jejaring.synth import calibration
from tests.insights.factory import fix_sequences, insert_rows, make_rows


def test_headline_reproduces_calibration_shares(session: Session) -> None:
    facts = calibration.facts()["national"]
    rows = make_rows(20_000, seed=2022, n_sentra=50)
    insert_rows(session, rows)
    fix_sequences(session)
    session.commit()
    service.refresh_rollups(session)
    session.commit()
    h = service.headline(session, scope=Scope())
    assert h["ikm_unit_share"] == pytest.approx(facts["ikm_share_of_industry_units"], abs=0.002)
    assert h["ikm_worker_share"] == pytest.approx(facts["ikm_share_of_industry_workers"], abs=0.04)
    assert h["ikm_output_share"] == pytest.approx(facts["ikm_share_of_industry_output"], abs=0.05)
    for sector, share in facts["sector_shares"].items():
        assert h["sectors"][sector]["share"] == pytest.approx(share, abs=0.02), sector
    assert h["sentra"] == 50
