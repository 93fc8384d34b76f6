"""The consortium MILP on hand-made candidates: capacity, shares, lead, certificates, distance, sentra."""

from __future__ import annotations

from jejaring.matching.consortium import eligible, needs_consortium, propose
from jejaring.matching.index import Candidate, IndexDoc
from jejaring.matching.ranking import MatchRequest, Ranked
from jejaring.matching.units import to_base


def _ranked(key: str, capacity: float, score: float, *, certs=(), sentra=None, km=10.0) -> Ranked:
    doc = IndexDoc(
        firm_id=hash(key) % 10_000,
        public_id=f"F-{key}",
        name=f"Usaha {key}",
        products="tapioka",
        kbli_code="10621",
        hs_codes=[],
        roles=["ikm"],
        certificates=list(certs),
        province_code="33",
        regency_code="33.18",
        latitude=-6.7,
        longitude=111.0,
        capacity=capacity * 1000,
        capacity_dimension="mass",
        capacity_label=f"{capacity} ton",
        workers=10,
        size_class="kecil",
        sentra=[(f"S-{sentra}", f"Sentra {sentra}")] if sentra else [],
    )
    return Ranked(Candidate(doc=doc, distance_km=km), score=score, parts=[])


def _request(tonnes: float, certs: list[str] | None = None, max_km: float | None = None) -> MatchRequest:
    return MatchRequest(
        text="tapioka", quantity=to_base(tonnes, "ton"), certificates=certs or [], max_distance_km=max_km
    )


def test_no_consortium_when_one_firm_suffices() -> None:
    ranked = [_ranked("a", 120, 0.9), _ranked("b", 50, 0.8)]
    assert not needs_consortium(_request(100), ranked)
    assert propose(_request(100), ranked) is None


def test_consortium_meets_quantity_within_capacities_with_one_lead() -> None:
    ranked = [_ranked("a", 40, 0.9), _ranked("b", 30, 0.85), _ranked("c", 50, 0.6), _ranked("d", 5, 0.95)]
    c = propose(_request(100), ranked)
    assert c is not None and c.status == "proposed"
    total = sum(float(m["share"]) for m in c.members)
    assert abs(total - 100_000) < 1e-3
    caps = {r.candidate.doc.public_id: r.candidate.doc.capacity or 0.0 for r in ranked}
    assert all(m["share"] <= caps[m["id"]] + 1e-6 for m in c.members)
    assert [m["role"] for m in c.members].count("lead") == 1
    assert c.members[0]["role"] == "lead" and c.members[0]["share_pct"] >= 20
    assert "HiGHS" in c.explanation


def test_members_must_hold_certificates_and_be_within_distance() -> None:
    ranked = [
        _ranked("a", 60, 0.9, certs=["HALAL"]),
        _ranked("b", 60, 0.9),  # no Halal
        _ranked("c", 60, 0.8, certs=["HALAL"], km=900),  # too far
        _ranked("d", 50, 0.7, certs=["HALAL"], km=50),
    ]
    c = propose(_request(100, ["HALAL"], max_km=300), ranked)
    assert c is not None and c.status == "proposed"
    assert {m["id"] for m in c.members} == {"F-a", "F-d"}
    assert {r.candidate.doc.public_id for r in eligible(_request(100, ["HALAL"], 300), ranked)} == {"F-a", "F-d"}


def test_one_sentra_is_preferred_when_it_can_supply() -> None:
    ranked = [
        _ranked("x", 45, 0.80),
        _ranked("y", 45, 0.80),
        _ranked("s1", 40, 0.78, sentra="Margoyoso"),
        _ranked("s2", 35, 0.78, sentra="Margoyoso"),
        _ranked("s3", 30, 0.77, sentra="Margoyoso"),
    ]
    c = propose(_request(100), ranked)
    assert c is not None and c.sentra == "Sentra Margoyoso"
    assert {m["id"] for m in c.members} == {"F-s1", "F-s2", "F-s3"}


def test_insufficient_capacity_is_reported_with_coverage() -> None:
    c = propose(_request(100), [_ranked("a", 30, 0.9), _ranked("b", 20, 0.9)])
    assert c is not None and c.status == "insufficient"
    assert c.coverage == 0.5 and c.members == []
