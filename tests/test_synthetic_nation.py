"""A small synthetic nation through the real path — synth files → intake → resolution → insights —
and the headline figures against the calibration (../shared/data/calibration.toml, copied with
sources into src/jejaring/synth/data/calibration.toml).

Tolerances (stated): the IKM share of industry units and of workers within 1 percentage point; each
sector share within 2 points; units and workers within 2 % of what the generator wrote (rows with
injected errors are quarantined, duplicates are merged); every province present. Expected figures
are computed independently from the written files' ground truth, not from the registry.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import Engine

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.insights import service as insights_service
from jejaring.synth import flows

pytestmark = pytest.mark.slow
SCALE = 0.001  # ≈ 4,400 IKM, 5,500 rows


def _calibration() -> dict:  # type: ignore[type-arg]
    text = resources.files("jejaring.synth").joinpath("data/calibration.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_headline_matches_calibration(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    totals = flows.load_synthetic_demo(engine, settings, scale=SCALE, seed=7)
    assert totals["rows_read"] == totals["accepted"] + totals["quarantined"]
    assert totals["quarantined"] > 0 and totals["merged"] > 0
    truth = json.loads((Path(settings.data_dir) / "demo-synth" / "ground_truth" / "headline.json").read_text())
    with session_scope(engine) as session:
        stats = insights_service.stats(session)
    cal = _calibration()["national"]

    # against what the generator wrote (after quarantine and merging)
    assert stats["ikm_units"] == pytest.approx(truth["ikm_units_with_valid_row"], rel=0.02)
    assert stats["ikm_workers"] == pytest.approx(truth["ikm_workers"], rel=0.02)
    assert stats["sentra"] == truth["sentra"]
    assert len(stats["by_province"]) == 38

    # against the calibration (national shares)
    assert stats["ikm_units"] / stats["industry_units"] == pytest.approx(cal["ikm_share_of_industry_units"], abs=0.01)
    assert stats["ikm_workers"] / stats["industry_workers"] == pytest.approx(
        cal["ikm_share_of_industry_workers"], abs=0.01
    )
    with session_scope(engine) as session:
        head = insights_service.headline(session, scope=insights_service.Scope())
    assert head["ikm_output"] / head["industry_output"] == pytest.approx(cal["ikm_share_of_industry_output"], abs=0.02)
    assert set(cal["sector_shares"]) == set(stats["sector_shares"])
    for sector, share in cal["sector_shares"].items():
        assert stats["sector_shares"][sector] == pytest.approx(share, abs=0.02), sector
