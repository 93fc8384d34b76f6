"""The synthetic dataset, read back from its files like an uploader would, against calibration and truth."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jejaring.reference import catalog
from jejaring.synth import calibration, faults, service
from jejaring.synth.cli import app

from .conftest import HEADERS, SCALE, SEED, number, read_table

JAVA = {"31", "32", "33", "34", "35", "36"}


def _truth_rows(out: Path) -> dict[tuple[str, int], dict[str, str]]:
    rows = {}
    for f in (out / "ground_truth" / "rows").glob("*.csv"):
        with f.open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                rows[(r["file"], int(r["row"]))] = r
    return rows


def _data_files(out: Path) -> list[Path]:
    return sorted(p for p in (out / "provinsi").rglob("*") if p.suffix in (".csv", ".xlsx"))


def _ikm_rows(out: Path):
    """Every IKM row of every file: (relative file, sheet row number, {column: value})."""
    for path in _data_files(out):
        if path.name.startswith("sentra_"):
            continue
        header_row, header, data = read_table(path)
        cols = [HEADERS.get(h.strip().lower()) for h in header]
        rel = path.relative_to(out).as_posix()
        for i, row in enumerate(data):
            yield rel, header_row + 1 + i, {c: v for c, v in zip(cols, row, strict=False) if c}


def test_every_row_has_ground_truth_and_every_truth_line_a_row(dataset):
    out, summary = dataset
    truth = _truth_rows(out)
    seen = set()
    for path in _data_files(out):
        header_row, _, data = read_table(path)
        rel = path.relative_to(out).as_posix()
        for i in range(len(data)):
            key = (rel, header_row + 1 + i)
            assert key in truth, key
            seen.add(key)
    assert seen == set(truth)
    assert summary.rows == sum(1 for t in truth.values() if t["kind"] != "sentra")


def test_headline_figures_from_files_match_calibration(dataset):
    out, _ = dataset
    truth = _truth_rows(out)
    nat = calibration.facts()["national"]
    kbli_of: dict[str, str] = {}
    workers_of: dict[str, float] = {}
    province_of: dict[str, str] = {}
    for rel, row, values in _ikm_rows(out):
        t = truth[(rel, row)]
        if t["valid"] != "true" or str(values.get("tahun_data", "")).split(".")[0] != "2023":
            continue
        kbli_of[t["entity_id"]] = str(values["kbli"]).split(".")[0]
        workers_of[t["entity_id"]] = number(values["tenaga_kerja"])
        province_of[t["entity_id"]] = rel.split("/")[1][:2]
    units = len(kbli_of)
    target = round(nat["ikm_units_precise"] * SCALE)
    assert abs(units - target) / target < 0.02  # a few firms have only invalid rows
    share = Counter(s for k in kbli_of.values() for s in catalog.sectors_of(k))
    for sector, expected in nat["sector_shares"].items():
        assert abs(share[sector] / units - expected) < 0.01, sector
    assert abs(sum(workers_of.values()) - nat["ikm_workers"] * SCALE) / (nat["ikm_workers"] * SCALE) < 0.02
    java = sum(1 for p in province_of.values() if p in JAVA) / units
    assert abs(java - 0.6311) < 0.01
    divisions = Counter(k[:2] for k in kbli_of.values())
    assert divisions.most_common(1)[0][0] == "10"
    headline = json.loads((out / "ground_truth" / "headline.json").read_text())
    assert headline["ikm_units"] == target
    assert headline["industry_units"] == headline["ikm_units"] + headline["large_industry_units"]
    assert len(headline["by_province"]) == 38


def test_sentra_files_count_and_members(dataset):
    out, _ = dataset
    total = 0
    for path in (out / "provinsi").glob("*/sentra_*"):
        _, _, data = read_table(path)
        total += len(data)
    assert total == sum(calibration.province_sentra(calibration.national_targets(SCALE).sentra).values())
    assert total >= 38  # at least one per province


def test_invalid_rows_at_about_the_documented_rate(dataset):
    out, _ = dataset
    truth = [t for t in _truth_rows(out).values() if t["kind"] != "sentra"]
    invalid = sum(1 for t in truth if t["valid"] == "false")
    expected = sum(faults.FAULT_RATES[k] for k in faults.INVALID_KINDS)
    assert invalid > 0
    assert abs(invalid / len(truth) - expected) < 0.006
    negative_in_files = sum(1 for _, _, v in _ikm_rows(out) if number(v["tenaga_kerja"]) < 0)
    negative_in_truth = sum(1 for t in truth if "negative_workers" in (t["defects"] or ""))
    assert negative_in_files == negative_in_truth


def test_defects_are_what_the_files_show(dataset):
    out, _ = dataset
    written = {(rel, row): v for rel, row, v in _ikm_rows(out)}
    checked = 0
    with (out / "ground_truth" / "defects").joinpath("33.csv").open(encoding="utf-8") as fh:
        for d in csv.DictReader(fh):
            if d["kind"] in ("name_variant", "typo") and d["written_value"]:
                cell = str(written[(d["file"], int(d["row"]))]["nama_usaha"])
                assert cell.upper() == d["written_value"].upper() or d["kind"] == "name_variant"
                checked += 1
    assert checked > 0


def test_file_variants_are_present(dataset):
    out, _ = dataset
    files = _data_files(out)
    kinds: Counter[str] = Counter()
    headers = set()
    for p in files:
        raw = p.read_bytes()
        if p.suffix == ".xlsx":
            kinds["xlsx"] += 1
            header_row, header, _ = read_table(p)
            kinds["title_row"] += header_row > 1
        else:
            first = raw.split(b"\n", 1)[0]
            kinds["csv_semicolon" if b";" in first else "csv_comma"] += 1
            header = read_table(p)[1]
        headers.update(header)
    assert kinds["xlsx"] > kinds["csv_comma"] > 0 and kinds["csv_semicolon"] > 0 and kinds["title_row"] > 0
    assert {"Nama Perusahaan", "Jumlah TK", "nama_usaha", "Alamat Lengkap"} <= headers
    latin = [p for p in files if p.suffix == ".csv" and b";" in p.read_bytes().split(b"\n", 1)[0]]
    text = latin[0].read_bytes().decode("latin-1")
    assert any("," in line.split(";")[7] for line in text.splitlines()[1:] if line.split(";")[7])  # decimal comma


def test_latin1_files_are_not_utf8_when_they_carry_accents(tmp_path):
    out = tmp_path / "a"
    service.generate(scale=0.002, seed=3, out=out, workers=1)
    latin = [p for p in out.rglob("*.csv") if "provinsi" in p.parts and b";" in p.read_bytes()[:400]]
    accented = [p for p in latin if b"\xe9" in p.read_bytes()]
    assert accented, "expected some Latin-1 é in semicolon exports"
    with pytest.raises(UnicodeDecodeError):
        accented[0].read_bytes().decode("utf-8")


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    service.generate(scale=SCALE, seed=SEED, out=a, workers=1)
    service.generate(scale=SCALE, seed=SEED, out=b, workers=2)
    service.generate(scale=SCALE, seed=SEED + 1, out=c, workers=1)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
    assert (a / "ground_truth" / "rows" / "33.csv").read_bytes() != (
        c / "ground_truth" / "rows" / "33.csv"
    ).read_bytes()


def test_ecosystem_and_partnerships_reference_real_entities(dataset):
    out, _ = dataset
    eco = out / "ekosistem"
    ids: set[str] = set()
    for f in (out / "ground_truth" / "entities").glob("*.csv"):
        with f.open(encoding="utf-8") as fh:
            ids.update(r["entity_id"] for r in csv.DictReader(fh))
    by_role = defaultdict(set)
    for f in eco.glob("perusahaan_*.csv"):
        with f.open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                by_role[r["peran"]].add(r["entity_id"])
    assert set(by_role) == {
        "industri_besar",
        "pemasok_bahan_baku",
        "distributor",
        "layanan_purna_jual",
        "eksportir",
        "lembaga_keuangan",
    }
    with (eco / "kemitraan.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(
        r["ikm_entity_id"] in ids and r["industri_besar_entity_id"] in by_role["industri_besar"] for r in rows
    )


def test_cli_runs_and_prints_json(tmp_path):
    result = CliRunner().invoke(app, ["--scale", "0.0002", "--seed", "1", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["ikm_units"] == round(4_400_374 * 0.0002) and (tmp_path / "ground_truth" / "headline.json").exists()
