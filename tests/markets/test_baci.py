"""BACI import: a valid file loads; a broken file names each refused row and loads nothing unless accepted."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from jejaring.cli import app
from jejaring.markets import baci, store

HEADER = "t,i,j,k,v,q\n"
GOOD = [
    "2023,360,392,940383,1520.5,12.3",  # Indonesia → Japan, rattan furniture
    "2023,360,842,10121,80.25,NA",  # USA by BACI's own code; HS6 without its leading zero; no quantity
    "2023,156,360,610910,999.0,",  # China → Indonesia
]


def _write(tmp_path: Path, lines: list[str], name: str = "BACI_HS22_Y2023.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_valid_file_loads_every_row(tmp_path: Path) -> None:
    report = baci.load(_write(tmp_path, GOOD), data_dir=tmp_path)
    assert report["loaded"] and report["rows_read"] == 3 and report["rows_loaded"] == 3 and report["rows_refused"] == 0
    table = pl.read_parquet(store.trade_path(tmp_path)).sort("value")
    assert table["exporter"].to_list() == ["IDN", "CHN", "IDN"]
    assert table["importer"].to_list() == ["USA", "IDN", "JPN"]
    assert table["hs6"].to_list() == ["010121", "610910", "940383"]
    assert table["quantity"].to_list() == [None, None, 12.3]
    assert json.loads(store.trade_path(tmp_path).with_suffix(".json").read_text())["synthetic"] is False


def test_broken_file_names_each_refused_row_and_loads_nothing(tmp_path: Path) -> None:
    lines = [
        *GOOD,
        "2023,123,392,940383,10,1",  # line 5: unknown exporter
        "20x3,360,392,940383,-5,1",  # line 6: bad year and negative value
        "2023,360,360,9403,10,1",  # line 7: exporter = importer (k = 9403 pads to 009403: format ok)
        "2023,360,392,94038A,10,abc",  # line 8: bad HS6 and bad quantity
    ]
    report = baci.load(_write(tmp_path, lines), data_dir=tmp_path)
    assert report["loaded"] is False and report["rows_loaded"] == 0
    assert report["rows_read"] == 7 and report["rows_refused"] == 4 and report["rows_valid"] == 3
    got = {(r["line"], r["column"]) for r in report["refused"]}
    assert got == {(5, "i"), (6, "t"), (6, "v"), (7, "j"), (8, "k"), (8, "q")}
    assert not store.trade_path(tmp_path).exists()
    accepted = baci.load(_write(tmp_path, lines), accept_valid=True, data_dir=tmp_path)
    assert accepted["loaded"] and accepted["rows_loaded"] == 3
    assert pl.read_parquet(store.trade_path(tmp_path)).height == 3


def test_a_second_year_is_added_and_a_reloaded_year_replaced(tmp_path: Path) -> None:
    baci.load(_write(tmp_path, GOOD), data_dir=tmp_path)
    baci.load(_write(tmp_path, ["2022,360,392,940383,1,1"], "y2022.csv"), data_dir=tmp_path)
    baci.load(_write(tmp_path, ["2023,360,392,940383,7,1"], "y2023b.csv"), data_dir=tmp_path)
    table = pl.read_parquet(store.trade_path(tmp_path))
    assert sorted(table["year"].to_list()) == [2022, 2023]
    assert table.filter(pl.col("year") == 2023)["value"].to_list() == [7.0]


def test_missing_columns_are_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("year,exporter,importer,value\n2023,360,392,1\n", encoding="utf-8")
    with pytest.raises(baci.BaciFormatError, match="missing columns: k"):
        baci.load(path, data_dir=tmp_path)


def test_cli_load_baci_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jejaring.core.config import get_settings

    monkeypatch.setenv("JEJARING_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        bad = _write(tmp_path, [*GOOD, "2023,360,392,940383,oops,1"])
        result = CliRunner().invoke(app, ["markets", "load-baci", str(bad), "--json", "--no-refresh"])
        assert result.exit_code == 1, result.output
        report = json.loads(result.output)
        assert report["refused"] == [
            {"line": 5, "column": "v", "value": "oops", "reason": report["refused"][0]["reason"]}
        ]
        assert report["rows_loaded"] == 0
        ok = CliRunner().invoke(app, ["markets", "load-baci", str(bad), "--json", "--accept-valid", "--no-refresh"])
        assert ok.exit_code == 0, ok.output
        assert json.loads(ok.output)["rows_loaded"] == 3
    finally:
        get_settings.cache_clear()


def test_numeric_and_text_passes_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A BACI file read as numbers gives exactly what the text pass gives; a file the numeric pass cannot
    vouch for (ISO3 letters, a seven-digit product, a broken cell) goes through the text pass."""
    lines = [*GOOD, "2024,36,360,030617,2.5,0.1", "2024,826,702,851712,1e3,NA"]
    path = _write(tmp_path, lines)
    rename = baci._header(path)
    fast = baci._check_numeric(path, rename)
    assert fast is not None
    monkeypatch.setattr(baci, "_check_numeric", lambda *_: None)
    slow, refused = baci.check(path)
    assert refused.height == 0
    assert fast.equals(slow)
    monkeypatch.undo()
    odd_rows = (
        "2023,360,392,0940383,10,1",
        "2023,IDN,JPN,940383,10,1",
        "2023,360,392,940383,-1,1",
        "2023,360,392,940383,,1",
    )
    for odd in odd_rows:
        assert baci._check_numeric(_write(tmp_path, [*GOOD, odd]), rename) is None, odd
