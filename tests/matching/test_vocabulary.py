"""The HS 2022 ↔ KBLI vocabulary and the deadline in the ranking: reading codes and product words, the KBLI
they stand for, and a firm that can deliver in time ranked (and explained) above one that cannot."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from jejaring.core.db import session_scope
from jejaring.matching import search, vocabulary
from jejaring.matching.index import Candidate, IndexDoc
from jejaring.matching.ranking import DeliveryByDeadline, MatchRequest, rank
from jejaring.matching.schemas import MatchQuery
from jejaring.matching.understand import understand
from jejaring.matching.units import to_base
from jejaring.reference import catalog
from tests.matching.conftest import Corpus

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "codes", "rest"),
    [
        ("frozen shrimp HS 0306", ["0306"], "frozen shrimp"),
        ("HS code 9403.60 teak furniture", ["940360"], "teak furniture"),
        ("kode HS 4602 anyaman pandan", ["4602"], "anyaman pandan"),
        ("cloves and nutmeg, HS 0907 / 0908, from Maluku", ["0907", "0908"], "cloves and nutmeg"),
        ("cloves, HS 0907 and 0908", ["0907", "0908"], "cloves"),
        ("pos tarif 1108.14 tapioka", ["110814"], "tapioka"),
        ("HS: 4202 leather handbags", ["4202"], "leather handbags"),
    ],
)
def test_hs_codes_are_read_and_taken_out(text: str, codes: list[str], rest: str) -> None:
    u = understand(text, today=TODAY)
    assert u.hs_codes == codes
    assert u.rest == rest
    assert "hs_codes" in u.to_json()["read_from"]


def test_a_number_after_the_code_stays_a_quantity() -> None:
    u = understand("HS 1108.14 45 tons monthly", today=TODAY)
    assert u.hs_codes == ["110814"]
    assert (u.quantity, u.unit, u.period) == (45.0, "tons", "bulan")
    u = understand("belts HS 4203, 2000 pieces", today=TODAY)
    assert u.hs_codes == ["4203"] and u.quantity == 2000.0


@pytest.mark.parametrize(
    "text",
    ["keripik singkong 20 ton per bulan", "kursi tamu 50 set", "hs-nya bagus", "ISO 9001 components 4000 pcs"],
)
def test_no_hs_code_where_none_is_written(text: str) -> None:
    assert understand(text, today=TODAY).hs_codes == []


@pytest.mark.parametrize(
    ("text", "kbli"),
    [
        ("woven rattan furniture for export", ["31002"]),  # the longer phrase wins over "furniture"
        ("teak furniture", ["31001"]),
        ("furniture", ["31001", "31002"]),
        ("cassava starch", ["10621"]),
        ("tapioka", ["10621"]),
        ("green coffee beans", ["10761"]),
        ("silver jewellery", ["32112"]),
        ("knitted sweaters", ["14301"]),
        ("leather handbags", ["15121"]),
        ("natural indigo dye for our batik workshop", ["20116"]),  # after "for": the use, not the product
        ("looking for teak furniture", ["31001"]),  # "for" before any product is not a use
        ("something entirely different", []),
    ],
)
def test_product_words_name_kbli_classes(text: str, kbli: list[str]) -> None:
    assert understand(text, today=TODAY).kbli_codes == kbli


def test_hs_codes_name_kbli_through_vocabulary_and_correspondence() -> None:
    assert vocabulary.kbli_for_hs(["4602"]) == ["16291", "16292"]
    assert vocabulary.kbli_for_hs(["940360"]) == ["31001", "31002"]
    # a heading the vocabulary does not list: the KBLI → HS correspondence of reference data links it
    outside = {h for h in vocabulary.correspondence()} - {h.hs4 for h in vocabulary.headings()}
    some = sorted(outside)[0]
    assert vocabulary.kbli_for_hs([some]) == list(vocabulary.correspondence()[some])
    assert vocabulary.kbli_for_hs(["9999"]) == []


def test_vocabulary_rows_are_well_formed() -> None:
    kbli = set(catalog.kbli_titles())
    hs = {r["code"] for r in catalog.hs_codes()}
    rows = vocabulary.headings()
    assert len(rows) >= 60
    for row in rows:
        assert row.hs4 in hs, row  # a real HS 2022 heading
        assert all(k in kbli and len(k) == 5 for k in row.kbli), row  # real KBLI 2020 classes
        assert row.terms_id and row.terms_en, row  # both languages
        assert vocabulary.description(row.hs4)


def test_expansion_names_the_heading_in_both_languages() -> None:
    words = vocabulary.expansion(["4602"])
    assert "anyaman" in words and "basketware" in words


def _doc(key: str, capacity: float | None) -> IndexDoc:
    base = to_base(capacity, "pcs") if capacity is not None else None
    return IndexDoc(
        firm_id=len(key), public_id=key, name=f"Rotan {key}", products="kursi rotan", kbli_code="31002",
        hs_codes=[], roles=["ikm"], certificates=[], province_code="33", regency_code="33.11", latitude=None,
        longitude=None, capacity=base.amount if base else None, capacity_dimension=base.dimension if base else None,
        capacity_label=f"{capacity:g} pcs" if capacity else None, workers=None, size_class=None,
    )  # fmt: skip


def _request(days: int | None, *, one_off: bool = True) -> MatchRequest:
    return MatchRequest(
        text="kursi rotan",
        quantity=to_base(300.0, "pcs"),
        quantity_label="300 pcs",
        deadline=date.today() + timedelta(days=days) if days is not None else None,
        one_off=one_off,
    )


def test_deadline_prefers_the_firm_that_makes_it_in_time() -> None:
    slow, fast = Candidate(doc=_doc("slow", 500.0), bm25=1.0), Candidate(doc=_doc("fast", 700.0), bm25=1.0)
    # without a deadline both can make 300 pcs a month: a tie, broken by name
    assert {p.name for p in rank(_request(None), [slow, fast])[0].parts} == {
        "text", "semantic", "capacity", "track_record", "interest"
    }  # fmt: skip
    ranked = rank(_request(14), [slow, fast], lang="id")
    assert [r.candidate.doc.public_id for r in ranked] == ["fast", "slow"]
    part = {r.candidate.doc.public_id: next(p for p in r.parts if p.name == "deadline") for r in ranked}
    assert part["fast"].score == 1.0 and part["slow"].score == pytest.approx(0.5 * 500 * 14 / 30 / 300, abs=1e-3)
    assert any("Sanggup menyiapkan 300 pcs sebelum" in w for w in ranked[0].why)
    assert any("hanya menutup sekitar 78%" in w for w in ranked[1].why)
    en = rank(_request(14), [slow, fast], lang="en")
    assert any(w.startswith("Can make 300 pcs by") for w in en[0].why)
    assert any("covers only about 78% of 300 pcs" in w for w in en[1].why)


def test_deadline_applies_to_one_off_orders_with_a_quantity_only() -> None:
    comp = DeliveryByDeadline()
    assert comp.applies(_request(14))
    assert not comp.applies(_request(14, one_off=False))  # a rate per month: the capacity fit says it
    assert not comp.applies(_request(None))
    unknown = Candidate(doc=_doc("unknown", None), bm25=1.0)
    score, why = comp.judge(_request(14), unknown, {}, "en")
    assert score == 0.3 and "uncertain" in why


def test_sentence_with_hs_code_and_deadline_end_to_end(engine: Engine, corpus: Corpus) -> None:
    with session_scope(engine) as s:
        out = search.search(
            s, corpus.settings, query=MatchQuery(text="kursi rotan 300 pcs, dibutuhkan dalam 2 minggu"), lang="id"
        )
        assert out.understood is not None and out.understood.deadline == date.today() + timedelta(days=14)
        assert out.request.deadline == out.understood.deadline and out.request.one_off
        ids = [r.candidate.doc.public_id for r in out.ranked]
        # Meja Kursi Rotan Sukoharjo makes 700 pcs a month (327 in two weeks), Rotan Cirebon 500 (233)
        assert ids.index(corpus.keys["n40"]) < ids.index(corpus.keys["f6"])
        assert any("Sanggup menyiapkan" in w for w in out.ranked[ids.index(corpus.keys["n40"])].why)
        out = search.search(s, corpus.settings, query=MatchQuery(text="supplier HS 4602, 1,000 pcs"), lang="en")
        assert out.understood is not None and out.understood.hs_codes == ["4602"]
        top = {r.candidate.doc.public_id for r in out.ranked[:4]}
        assert top & {corpus.keys[k] for k in ("n4", "n5", "f7", "n35")}
        assert any("HS heading 4602" in w for w in out.ranked[0].why)
        # removing the chip forgets the code (and its words)
        out = search.search(
            s, corpus.settings, query=MatchQuery(text="supplier HS 4602", ignore=["hs_codes"]), lang="en"
        )
        assert out.understood is not None and out.understood.hs_codes == [] and not out.request.hs_codes
