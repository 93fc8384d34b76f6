"""The same comparison definitions on Spark give the same scores as on DuckDB (a small sample)."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from jejaring.resolution import pipeline
from tests.conftest import IN_CI
from tests.resolution.test_clean_and_pipeline import _rec

pytestmark = pytest.mark.slow


def test_spark_matches_duckdb() -> None:
    if importlib.util.find_spec("pyspark") is None or shutil.which("java") is None:
        if IN_CI:
            pytest.fail("pyspark and Java are required for the Spark engine test under CI=true")
        pytest.skip("NOTICE: pyspark or Java missing; Spark engine test skipped")
    table = pipeline.prepare(
        [
            _rec(1),
            _rec(2, name="UD Mebel Jati Makmor", phone=None, latitude=None, address="Jl Raya Tahunan 5"),
            _rec(3, name="Mebel Jati Makmur Abadi", owner_name="Sutrisno", phone="0813-9999", address="Jl. Raya 88"),
            _rec(4, name="Batik Sekar Arum", regency_code="33.75", district_code=None, desa=None, kbli_code="13134"),
        ]
    )
    duck = {(p["a"], p["b"]): p for p in pipeline.score(table, engine="duckdb", threshold=0.0).iter_rows(named=True)}
    spark = {(p["a"], p["b"]): p for p in pipeline.score(table, engine="spark", threshold=0.0).iter_rows(named=True)}
    assert duck.keys() == spark.keys() and duck
    for key, d in duck.items():
        assert spark[key]["match_weight"] == pytest.approx(d["match_weight"], abs=1e-6)
        assert spark[key]["explanation"] == d["explanation"]
