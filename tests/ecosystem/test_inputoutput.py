"""Location quotients, FLQ and the BPS importer against examples computed by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from jejaring.ecosystem import inputoutput as io

# A nation of 1,000 workers in three divisions and a region of 100 of them.
NATION = {"10": 500.0, "13": 300.0, "14": 200.0}
REGION = {"10": 20.0, "13": 50.0, "14": 30.0}


def test_slq_by_hand() -> None:
    # SLQ_10 = (20/100)/(500/1000) = 0.4; SLQ_13 = 0.5/0.3 = 1.6667; SLQ_14 = 0.3/0.2 = 1.5
    q = io.slq(REGION, NATION)
    assert q["10"] == pytest.approx(0.4)
    assert q["13"] == pytest.approx(5 / 3)
    assert q["14"] == pytest.approx(1.5)


def test_cilq_by_hand() -> None:
    q = io.slq(REGION, NATION)
    assert io.cilq(q, "13", "14") == pytest.approx((5 / 3) / 1.5)  # 1.1111
    assert io.cilq(q, "10", "14") == pytest.approx(0.4 / 1.5)  # 0.2667
    assert io.cilq(q, "10", "10") == pytest.approx(0.4)  # the diagonal takes SLQ


def test_flq_lambda_and_values_by_hand() -> None:
    # λ* = log2(1 + 100/1000)^0.3 = 0.137504^0.3 = 0.551520 (computed by hand: log2(1.1) = 0.1375035)
    lam = io.flegg_lambda(100, 1000, 0.3)
    assert lam == pytest.approx(0.1375035**0.3, rel=1e-6)
    assert lam == pytest.approx(0.5515, abs=1e-4)
    q = io.slq(REGION, NATION)
    assert io.flq(q, "13", "14", lam) == pytest.approx(1.1111 * 0.5515, abs=1e-3)  # 0.6128
    assert io.flq(q, "13", "13", lam) == pytest.approx(1.6667 * 0.5515, abs=1e-3)  # 0.9192


def test_regional_coefficients_by_hand() -> None:
    a = {("13", "14"): 0.20, ("10", "14"): 0.10, ("13", "13"): 0.20}
    slq = io.regionalise(a, REGION, NATION, method="slq")
    assert slq[("13", "14")] == pytest.approx(0.20)  # SLQ_13 > 1: capped at 1, no import needed
    assert slq[("10", "14")] == pytest.approx(0.04)  # 0.10 × 0.4
    cilq = io.regionalise(a, REGION, NATION, method="cilq")
    assert cilq[("10", "14")] == pytest.approx(0.10 * 0.4 / 1.5)  # 0.02667
    flq = io.regionalise(a, REGION, NATION, method="flq")
    assert flq[("13", "14")] == pytest.approx(0.20 * 1.1111 * 0.5515, abs=1e-4)  # 0.1226
    assert flq[("13", "13")] == pytest.approx(0.20 * 0.9192, abs=1e-3)  # 0.1838


def test_flq_is_smaller_for_a_smaller_region() -> None:
    assert io.flegg_lambda(10, 1000) < io.flegg_lambda(100, 1000) < io.flegg_lambda(1000, 1000) == 1.0


def test_expected_inputs_by_hand() -> None:
    a = {("13", "14"): 0.20, ("10", "14"): 0.10, ("13", "13"): 0.20}
    need = io.expected_inputs(a, {"14": 1_000.0, "13": 500.0})
    assert need == {"13": pytest.approx(0.2 * 1000 + 0.2 * 500), "10": pytest.approx(100.0)}


def test_default_structure_is_documented_and_plausible() -> None:
    cells = io.default_cells()
    assert {c.band for c in cells} <= set(io.BANDS)
    assert all(c.reason for c in cells)
    matrix = io.default_matrix()
    assert io.main_input(matrix, "14") == "13"  # garments are made of cloth
    assert io.main_input(matrix, "31") == "16"  # furniture of wood and rattan
    for j in {c.using_division for c in cells}:  # no division spends more than it makes on manufactured inputs
        assert sum(v for (_, jj), v in matrix.items() if jj == j) < 1


def test_bps_table_aggregated_to_divisions(tmp_path: Path) -> None:
    # Three IO sectors: 001 and 002 are KBLI 10, 003 is KBLI 14; 004 (farming) is not manufacturing.
    table = tmp_path / "io.csv"
    table.write_text(
        "TABEL TRANSAKSI DOMESTIK ATAS DASAR HARGA DASAR\n"
        "(juta rupiah)\n"
        "Kode,Uraian,001,002,003,004,180\n"
        "001,Beras,10,20,0,5,35\n"
        "002,Gula,5,0,30,0,35\n"
        "003,Pakaian,0,0,40,0,40\n"
        "004,Padi,50,0,0,0,50\n"
        "190,Jumlah input antara,65,20,70,5,160\n"
        "210,Jumlah input,100,100,200,50,450\n",
        encoding="utf-8",
    )
    conc = tmp_path / "konkordansi.csv"
    conc.write_text("io_code,kbli_division\n001,10\n002,10\n003,14\n", encoding="utf-8")
    matrix, totals = io.read_bps_table(table, conc)
    assert totals == {"10": 200.0, "14": 200.0}
    # Z(10→10) = 10+20+5+0 = 35 over X_10 = 200; Z(10→14) = 0+30 = 30 over 200; Z(14→14) = 40 over 200
    assert matrix[("10", "10")] == pytest.approx(0.175)
    assert matrix[("10", "14")] == pytest.approx(0.15)
    assert matrix[("14", "14")] == pytest.approx(0.2)
    assert ("14", "10") not in matrix
    assert math.isclose(sum(matrix.values()), 0.525)


def test_import_io_replaces_the_default(env_db: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from jejaring.cli import app
    from jejaring.core.db import get_engine, session_scope
    from jejaring.ecosystem import network

    with session_scope(get_engine()) as s:
        assert network.io_matrix(s)[1] == "default"
    table = tmp_path / "io_2016.csv"
    table.write_text("Kode;Uraian;001;003\n001;Beras;10;30\n003;Pakaian;0;40\n210;Jumlah input;100;200\n", "utf-8")
    conc = tmp_path / "konkordansi.csv"
    conc.write_text("io_code,kbli_division\n001,10\n003,14\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ecosystem", "import-io", str(table), str(conc)])
    assert result.exit_code == 0, result.output
    with session_scope(get_engine()) as s:
        matrix, source = network.io_matrix(s)
    assert source == "io_2016.csv"
    assert matrix == {
        ("10", "10"): pytest.approx(0.1),
        ("10", "14"): pytest.approx(0.15),
        ("14", "14"): pytest.approx(0.2),
    }
