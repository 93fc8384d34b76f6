"""Cleaning and the engine-neutral pipeline (no database)."""

from __future__ import annotations

import pytest

from jejaring.resolution import clean, pipeline


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


def _rec(i: int, **over) -> dict:
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
    edges = {(e.a, e.b, e.reason) for e in pipeline.exact_edges(table)}
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
    pairs = {(p["a"], p["b"]): p for p in pipeline.score(table, threshold=0.0)}
    assert pairs[(1, 2)]["match_probability"] > 0.99
    assert pairs[(1, 3)]["match_probability"] < 0.5
    why = {e["comparison"]: e for e in pairs[(1, 3)]["explanation"]}
    assert why["owner"]["level"] == "resolution.lvl.different" and why["owner"]["weight"] < 0
    auto, review = pipeline.decide(pairs.values(), auto_threshold=0.99, review_threshold=0.5)
    assert [(p["a"], p["b"]) for p in auto] == [(1, 2)] and not review


def test_incremental_scores_only_pairs_touching_new_records() -> None:
    table = pipeline.prepare([_rec(1), _rec(2, name="CV Mebel Jati Makmur"), _rec(3, name="Mebel Jati Makmur")])
    pairs = pipeline.score(table, new_ids=[3], threshold=0.0)
    assert pairs and all(3 in (p["a"], p["b"]) for p in pairs)


def test_connected_components() -> None:
    comp = pipeline.connected_components([1, 2, 3, 4, 5], [(2, 1), (3, 2), (5, 4)])
    assert comp == {1: 1, 2: 1, 3: 1, 4: 4, 5: 4}
