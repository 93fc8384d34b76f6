"""Cleaning and the engine-neutral pipeline (no database)."""

from __future__ import annotations

import json
import random

import phonenumbers
import polars as pl
import pytest

from jejaring.core import text as clean
from jejaring.resolution import pipeline


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CV. Mebel Jati Makmur", "mebel jati makmur"),
        ("C.V Mebel Jati Makmur", "mebel jati makmur"),
        ("UD Batik Sekar Arum", "batik sekar arum"),
        ("Koperasi Produsen Tempe", "produsen tempe"),
        ("PT. Astra Komponen, Tbk", "astra komponen"),
        ("Toko  Roti   Kenari!", "toko roti kenari"),
    ],
)
def test_clean_name(raw: str, expected: str) -> None:
    assert clean.clean_name(raw) == expected


def test_clean_owner_address_phone() -> None:
    assert clean.clean_owner("H. Abdul Rozak, S.E.") == "abdul rozak"
    assert clean.clean_address("Jl. Hayam Wuruk Gg. 3 No. 12, RT 02/RW 05") == clean.clean_address(
        "Jalan Hayam Wuruk gang 3 nomor 12 rt 2 rw 5"
    )
    assert clean.phone_e164("0812-3456-0001") == "+6281234560001"
    assert clean.phone_e164("+62 812 3456 0001") == "+6281234560001"
    assert clean.phone_e164("12") == ""


_MESSY = [
    "CV. Mebel Jati Makmur",
    "C.V Mebel Jati Makmur",
    "P.T. U.D Sari Roti",
    "pt pt pt",
    "Kerupuk Ümmi Hj. Siti S.Pd",
    "S. Kom Budi, S.E., M.M.",
    "Jl. Hayam Wuruk Gg. 3 No. 12, RT 02/RW 05",
    "RT.003 RW.0010 kp. perum blk-5",
    "rt 0 / 0 jln\tKOMP.\nX",
    "",
    None,
]


def test_vectorised_cleaning_equals_the_scalar_functions() -> None:
    frame = pl.DataFrame({"x": _MESSY}, schema={"x": pl.String})
    out = frame.select(
        clean.name_expr(pl.col("x")).alias("name"),
        clean.owner_expr(pl.col("x")).alias("owner"),
        clean.address_expr(pl.col("x")).alias("address"),
        clean.first_token_expr(clean.name_expr(pl.col("x"))).alias("first"),
    )
    for raw, (name, owner, address, first) in zip(_MESSY, out.iter_rows(), strict=True):
        assert name == clean.clean_name(raw)
        assert owner == clean.clean_owner(raw)
        assert address == clean.clean_address(raw)
        assert first == clean.first_token(clean.clean_name(raw))


def test_vectorised_phones_equal_phonenumbers() -> None:
    rng = random.Random(5)
    raw = ["0812-3456-0001", "+62 812 3456 0001", "12", "", None, "(021) 555 1234", "+620812345678", "62812345678"]
    for length in range(3, 15):  # canonical +62 forms of every length, with every leading digit
        for lead in "0123456789":
            raw.append("+62" + lead + "".join(rng.choice("0123456789") for _ in range(length - 1)))
    got = clean.phone_series(pl.Series("phone", raw, dtype=pl.String)).to_list()
    assert got == [clean.phone_e164(r) for r in raw]
    assert phonenumbers.is_possible_number(phonenumbers.parse("+6281234560001"))


def _rec(i: int, **over: object) -> dict[str, object]:
    base = {
        "id": i,
        "name": "CV. Mebel Jati Makmur",
        "owner_name": "H. Slamet",
        "phone": "0812-1111-2222",
        "address": "Jl. Raya Tahunan No 5 RT 01/RW 02",
        "kbli_code": "31001",
        "nib": None,
        "latitude": -6.6,
        "longitude": 110.7,
        "province_code": "33",
        "regency_code": "33.20",
        "district_code": "33.20.11",
        "desa": "Tahunan",
    }
    base.update(over)
    return base


def test_exact_keys_with_conflict_guard() -> None:
    table = pipeline.prepare(
        [
            _rec(1, nib="1234567890123"),
            _rec(2, name="Mebel Jati Indah", nib="1234567890123"),
            _rec(3, name="UD Mebel Jati Makmur"),  # same cleaned name, same desa
            _rec(4, name="Mebel Jati Makmur", owner_name="Sutrisno", phone="0813-0000-0000"),  # hard negative
        ]
    )
    edges = set(pipeline.exact_edges(table).iter_rows())
    assert (1, 2, "exact_nib") in edges
    assert (1, 3, "exact_name_desa") in edges
    assert not any(4 in (a, b) for a, b, _ in edges)


def test_scores_duplicates_high_and_hard_negatives_low() -> None:
    table = pipeline.prepare(
        [
            _rec(1),
            _rec(
                2, name="UD Mebel Jati Makmor", phone=None, latitude=None, longitude=None, address="Jl Raya Tahunan 5"
            ),
            _rec(
                3,
                name="Mebel Jati Makmur Abadi",
                owner_name="Sutrisno",
                phone="0813-9999-0000",
                address="Jl. Raya Tahunan 88",
            ),
        ]
    )
    scored = pipeline.score(table, threshold=0.0)
    pairs = {(p["a"], p["b"]): p for p in scored.iter_rows(named=True)}
    assert pairs[(1, 2)]["match_probability"] > 0.99
    assert pairs[(1, 3)]["match_probability"] < 0.5
    why = {e["comparison"]: e for e in json.loads(pairs[(1, 3)]["explanation"])}
    assert why["owner"]["level"] == "resolution.lvl.different" and why["owner"]["weight"] < 0
    assert why["name"]["level"] != "resolution.lvl.different" and why["name"]["weight"] > 0
    auto, review = pipeline.decide(scored, auto_threshold=0.99, review_threshold=0.5)
    assert auto.select("a", "b").rows() == [(1, 2)] and review.height == 0


def test_incremental_scores_only_pairs_touching_new_records() -> None:
    table = pipeline.prepare([_rec(1), _rec(2, name="CV Mebel Jati Makmur"), _rec(3, name="Mebel Jati Makmur")])
    pairs = pipeline.score(table, new_ids=[3], threshold=0.0)
    assert pairs.height and all(3 in (a, b) for a, b in pairs.select("a", "b").iter_rows())


def test_connected_components() -> None:
    comp = pipeline.connected_components([1, 2, 3, 4, 5, 6], [(2, 1), (3, 2), (5, 4)])
    assert comp == {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 6}


def test_components_follow_long_chains() -> None:
    edges = pl.DataFrame({"a": [10, 9, 8, 7, 6, 21], "b": [9, 8, 7, 6, 5, 20]})
    comp = dict(pipeline.components(pl.Series([1], dtype=pl.Int64), edges).iter_rows())
    assert comp == {1: 1, 5: 5, 6: 5, 7: 5, 8: 5, 9: 5, 10: 5, 20: 20, 21: 20}


def test_scoring_by_province_parts_gives_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [_rec(1), _rec(2, name="UD Mebel Jati Makmor", phone=None), _rec(3, name="Mebel Jati Makmur Abadi")]
    records += [
        _rec(10 + i, province_code="35", regency_code="35.15", district_code="35.15.14", name=n, owner_name="Lilik")
        for i, n in enumerate(("Kerupuk Sari Laut", "CV Kerupuk Sari Laut", "Kerupuk Sari Lautan"))
    ]
    table = pipeline.prepare(records)
    whole = pipeline.score(table, threshold=0.0).sort("a", "b")
    monkeypatch.setattr(pipeline, "PARTITION_ROWS", 3)
    assert len(pipeline._partitions(table)) == 2
    assert pipeline.score(table, threshold=0.0).sort("a", "b").equals(whole)
