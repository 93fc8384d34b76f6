"""Amounts registered with their unit are written as each language writes numbers (no raw ``1008`` on a page)."""

from __future__ import annotations

import pytest

from jejaring.core.numbers import amount_text
from jejaring.matching.index import Candidate, IndexDoc
from jejaring.matching.ranking import CapacityFit
from jejaring.matching.schemas import MatchQuery
from jejaring.matching.search import build_request


@pytest.mark.parametrize(
    ("label", "lang", "expected"),
    [
        ("1008 kg", "id", "1.008 kg"),
        ("1008 kg", "en", "1,008 kg"),
        ("2.5 ton", "id", "2,5 ton"),
        ("2.5 ton", "en", "2.5 ton"),
        ("1e+06 pcs", "id", "1.000.000 pcs"),
        ("600 lembar", "id", "600 lembar"),
        ("0.25 m3", "id", "0,25 m3"),
        ("banyak", "id", "banyak"),
        (None, "id", ""),
    ],
)
def test_amount_text(label: str | None, lang: str, expected: str) -> None:
    assert amount_text(label, lang) == expected


def test_capacity_sentence_uses_the_language_s_numbers() -> None:
    req, _ = build_request(MatchQuery(text="keripik singkong", quantity=20, unit="ton", period="bulan"))
    doc = IndexDoc(
        firm_id=1, public_id="F-1", name="UD Contoh", products="keripik singkong", kbli_code=None, hs_codes=[],
        roles=["ikm"], certificates=[], province_code="32", regency_code="32.04", latitude=None, longitude=None,
        capacity=1008.0, capacity_dimension="mass", capacity_label="1008 kg", workers=None, size_class=None,
    )  # fmt: skip
    _, sentence_id = CapacityFit().judge(req, Candidate(doc=doc), {}, "id")
    _, sentence_en = CapacityFit().judge(req, Candidate(doc=doc), {}, "en")
    assert "1.008 kg" in sentence_id and "1008" not in sentence_id
    assert "1,008 kg" in sentence_en
