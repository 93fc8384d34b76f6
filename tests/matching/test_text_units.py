"""Indonesian analysis, synonyms and units: the pieces both sides of the index share."""

from __future__ import annotations

import pytest

from jejaring.matching.text import analyze, matched_terms, stem, synonym_groups
from jejaring.matching.units import per_month, to_base


def test_stemming_reduces_affixes() -> None:
    assert stem("penggilingan") == "giling"
    assert stem("pengolahan") == "olah"
    assert "olah" in analyze("Pengolahan ikan")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ubi kayu", "singkong"),
        ("cassava", "ketela pohon"),
        ("mebel", "furnitur"),
        ("teak", "kayu jati"),
        ("gula aren", "palm sugar"),
    ],
)
def test_synonyms_meet_on_one_concept(a: str, b: str) -> None:
    assert set(analyze(a)) & set(analyze(b)), (analyze(a), analyze(b))


def test_multiword_synonym_does_not_leak_its_words() -> None:
    # "ubi kayu" is cassava: it must not look like wood ("kayu")
    assert not set(analyze("ubi kayu")) & set(analyze("kayu"))


def test_matched_terms_names_the_users_words() -> None:
    assert matched_terms("Butuh ubi kayu segar", "keripik singkong balado") == ["ubi kayu"]
    assert matched_terms("teak furniture", "mebel jati ukir") == ["teak", "furniture"]
    assert matched_terms("batik", "kopi bubuk") == []


def test_synonym_file_is_well_formed() -> None:
    groups = synonym_groups()
    assert len(groups) > 50
    tokens = [g.token for g in groups]
    assert len(tokens) == len(set(tokens))


def test_units_and_periods() -> None:
    q = to_base(2, "ton")
    assert q is not None and q.dimension == "mass" and q.amount == 2000
    assert to_base(3, "Kuintal").amount == 300
    assert to_base(2, "lusin").amount == 24
    assert to_base(5, "gulung").dimension == "unit:gulung"
    assert per_month(12, "tahun") == 1
    assert per_month(1, "minggu") == pytest.approx(52 / 12)
