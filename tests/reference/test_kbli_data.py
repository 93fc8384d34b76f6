"""Integrity tests for the curated KBLI 2020 category C reference data.

Only the standard library and pytest are used; the data files are read via paths relative to
this test file so the tests work from any working directory.
"""

import csv
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "src/jejaring/reference/data"
KBLI_CSV = DATA_DIR / "kbli2020_c.csv"
SECTORS_CSV = DATA_DIR / "kbli_sectors.csv"

LEVEL_BY_LENGTH = {
    1: "kategori",
    2: "golongan_pokok",
    3: "golongan",
    4: "subgolongan",
    5: "kelompok",
}
# Counts documented in SOURCES_kbli.md (KBLI 2020, Peraturan BPS No. 2/2020, category C).
EXPECTED_COUNTS = {
    "kategori": 1,
    "golongan_pokok": 24,
    "golongan": 71,
    "subgolongan": 177,
    "kelompok": 476,
}
SECTORS = {"makanan_minuman", "fesyen", "kerajinan", "industri_kreatif"}


def _read(path):
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


@pytest.fixture(scope="module")
def kbli():
    fields, rows = _read(KBLI_CSV)
    assert fields == ["code", "level", "parent", "title_id", "title_en"]
    return rows


@pytest.fixture(scope="module")
def by_code(kbli):
    return {row["code"]: row for row in kbli}


@pytest.fixture(scope="module")
def sectors():
    fields, rows = _read(SECTORS_CSV)
    assert fields == ["kbli", "sector"]
    return rows


def _covered(codes, prefixes):
    """Codes equal to, or descending from, one of the listed prefixes."""
    prefixes = tuple(prefixes)
    return {c for c in codes if prefixes and c.startswith(prefixes)}


def _sector_prefixes(sectors, name):
    return [row["kbli"] for row in sectors if row["sector"] == name]


def test_codes_are_unique(kbli):
    codes = [row["code"] for row in kbli]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    assert not duplicates, duplicates


def test_single_root_category_c(kbli):
    roots = [row for row in kbli if row["parent"] == ""]
    assert [r["code"] for r in roots] == ["C"]
    assert roots[0]["level"] == "kategori"


def test_codes_are_digit_strings(kbli):
    bad = [row["code"] for row in kbli if row["code"] != "C" and not row["code"].isdigit()]
    assert not bad, bad


def test_level_matches_code_length(kbli):
    bad = [(row["code"], row["level"]) for row in kbli if LEVEL_BY_LENGTH.get(len(row["code"])) != row["level"]]
    assert not bad, bad


def test_parent_exists_one_level_up_with_prefix(kbli, by_code):
    problems = []
    for row in kbli:
        code, parent = row["code"], row["parent"]
        if code == "C":
            continue
        if parent not in by_code:
            problems.append((code, parent, "missing parent"))
            continue
        if len(code) == 2:
            if parent != "C":
                problems.append((code, parent, "division must hang under C"))
        elif parent != code[:-1]:
            problems.append((code, parent, "parent is not the code minus its last digit"))
        expected_parent_len = 1 if len(code) == 2 else len(code) - 1
        if len(parent) != expected_parent_len:
            problems.append((code, parent, "parent not exactly one level up"))
    assert not problems, problems


def test_every_non_leaf_has_children(kbli, by_code):
    with_children = {row["parent"] for row in kbli}
    childless = [row["code"] for row in kbli if row["level"] != "kelompok" and row["code"] not in with_children]
    assert not childless, childless


def test_all_24_divisions_present(by_code):
    divisions = {code for code in by_code if len(code) == 2}
    assert divisions == {str(n) for n in range(10, 34)}


def test_counts_per_level(kbli):
    counts: dict[str, int] = {}
    for row in kbli:
        counts[row["level"]] = counts.get(row["level"], 0) + 1
    assert counts == EXPECTED_COUNTS


def test_titles_present_and_clean(kbli):
    problems = []
    for row in kbli:
        title = row["title_id"]
        if not title or title != title.strip() or "  " in title:
            problems.append(row["code"])
        if title.isupper():  # stored in proper case, not the all-caps of the BPS listing
            problems.append(row["code"])
    assert not problems, problems


def test_every_kelompok_has_title(kbli):
    empty = [row["code"] for row in kbli if row["level"] == "kelompok" and not row["title_id"].strip()]
    assert not empty, empty


def test_divisions_have_english_titles(kbli):
    missing = [row["code"] for row in kbli if row["level"] == "golongan_pokok" and not row["title_en"]]
    assert not missing, missing


def test_known_kbli_2020_codes(by_code):
    # Subclasses that exist in KBLI 2020 (and whose codes/titles differ in KBLI 2025).
    assert by_code["10110"]["title_id"] == "Kegiatan Rumah Potong dan Pengepakan Daging Bukan Unggas"
    assert by_code["18113"]["title_id"] == "Industri Pencetakan 3D Printing"
    assert by_code["27203"]["title_id"] == "Industri Baterai untuk Kendaraan Bermotor Listrik"
    assert "10111" not in by_code  # KBLI 2025 split of 10110


def test_sector_rows_reference_existing_codes_and_valid_sectors(sectors, by_code):
    bad = [
        (row["kbli"], row["sector"]) for row in sectors if row["kbli"] not in by_code or row["sector"] not in SECTORS
    ]
    assert not bad, bad
    pairs = [(row["kbli"], row["sector"]) for row in sectors]
    assert len(pairs) == len(set(pairs)), "duplicate sector rows"


def test_every_sector_is_used(sectors):
    assert {row["sector"] for row in sectors} == SECTORS


def test_food_and_beverage_is_divisions_10_and_11(sectors, by_code):
    food = _covered(by_code, _sector_prefixes(sectors, "makanan_minuman"))
    expected = {code for code in by_code if code[:2] in ("10", "11")}
    assert food == expected


def test_creative_is_superset_of_food_fashion_and_craft(sectors, by_code):
    creative = _covered(by_code, _sector_prefixes(sectors, "industri_kreatif"))
    for name in ("makanan_minuman", "fesyen", "kerajinan"):
        covered = _covered(by_code, _sector_prefixes(sectors, name))
        assert covered, f"{name} covers no code"
        missing = sorted(covered - creative)
        assert not missing, (name, missing)


def test_creative_is_exactly_the_union_of_three_disjoint_sectors(sectors, by_code):
    # The published shares add up: 38.23 + 14.96 + 14.02 = 67.21 (see SOURCES_kbli.md).
    covered = {
        name: _covered(by_code, _sector_prefixes(sectors, name))
        for name in ("makanan_minuman", "fesyen", "kerajinan", "industri_kreatif")
    }
    three = ("makanan_minuman", "fesyen", "kerajinan")
    for i, a in enumerate(three):
        for b in three[i + 1 :]:
            assert not covered[a] & covered[b], (a, b, sorted(covered[a] & covered[b]))
    union = covered["makanan_minuman"] | covered["fesyen"] | covered["kerajinan"]
    assert covered["industri_kreatif"] == union
