"""Every gap kind on a hand-made ecosystem whose gaps were worked out before running the finder (both backends)."""

from __future__ import annotations

import math

import pytest
from sqlalchemy.orm import Session

from jejaring.ecosystem import gaps, network
from jejaring.ecosystem.enums import GapKind
from jejaring.reference import wilayah
from tests.ecosystem.conftest import MEDAN, build_world, firm


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture
def world(session: Session) -> dict[str, str]:
    return build_world(session)


def test_each_gap_kind_is_found_where_planted_and_nowhere_else(session: Session, world: dict[str, str]) -> None:
    found = gaps.find(network.load(session))
    got = {(g.kind.value, g.place, g.params.get("input", "")) for g in found}
    textile = "Industri Tekstil"
    expected = {
        (GapKind.MISSING_SUPPLIER.value, world["a"], textile),  # the sentra's main input: cloth, > 200 km away
        (GapKind.MISSING_SUPPLIER.value, "33.75", textile),
        (GapKind.MISSING_SUPPLIER.value, "33.75", "Industri Bahan Kimia dan Barang dari Bahan Kimia"),  # dyes: none
        (GapKind.MISSING_SUPPLIER.value, "32.73", "Industri Pengolahan Lainnya"),  # buttons and zips: none
        (GapKind.AFTER_SALES.value, "33.75", ""),
        (GapKind.AFTER_SALES.value, world["a"], ""),
        (GapKind.SINGLE_SOURCE.value, world["b"], ""),  # three members, one cloth supplier
        (GapKind.MARKET_ACCESS.value, world["b"], ""),  # output leaves through one distributor
        (GapKind.MARKET_ACCESS.value, "33.75", ""),  # 5 IKM, none with a trade or export link
        (GapKind.CRITICAL_PARTNER.value, "33.74", ""),  # the cooperative holds two IKM alone
    }
    assert got == expected
    assert [g.score for g in found] == sorted((g.score for g in found), reverse=True)


def test_scores_and_reasons(session: Session, world: dict[str, str]) -> None:
    found = gaps.find(network.load(session))
    seat, bandung = wilayah.regency("33.75"), wilayah.regency("32.73")
    assert seat is not None and bandung is not None
    # the nearest cloth supplier and repair service are Bandung's (at its seat), just beyond 200 and 100 km
    km = _km((seat["latitude"], seat["longitude"]), (bandung["latitude"], bandung["longitude"]))
    assert 200 < km < _km((seat["latitude"], seat["longitude"]), MEDAN)
    supplier = next(g for g in found if g.kind is GapKind.MISSING_SUPPLIER and g.place == world["a"])
    assert supplier.score == pytest.approx(0.20 * 3e9 / 1e6 * km, rel=1e-6)  # need (Rp juta) × km
    assert "Sentra Batik Kauman" in supplier.reason("id") and "Industri Tekstil" in supplier.reason("id")
    assert supplier.search["roles"] == "pemasok_bahan_baku" and supplier.search["near"] == "33.75"
    single = next(g for g in found if g.kind is GapKind.SINGLE_SOURCE)
    assert single.params["hhi"] == pytest.approx(1.0) and single.score == pytest.approx(3.0)
    assert "HHI 1,00" in single.reason("id") and "HHI 1.00" in single.reason("en")
    after = next(g for g in found if g.kind is GapKind.AFTER_SALES and g.place == "33.75")
    assert after.params["ikm"] == 3 and after.params["km"] == pytest.approx(km, rel=1e-6)
    critical = next(g for g in found if g.kind is GapKind.CRITICAL_PARTNER)
    assert critical.params["partner"] == "Koperasi Semarang" and critical.params["firms"] == 2
    assert {g.action for g in found} == {"pemasok", "pembeli", "purna_jual"}


def test_a_nearby_supplier_closes_the_gap(session: Session, world: dict[str, str]) -> None:
    firm(session, "Benang Pekalongan", "33.75", roles=("industri_besar",), kbli_code="13112")
    found = gaps.find(network.load(session))
    assert not [g for g in found if g.kind is GapKind.MISSING_SUPPLIER and g.place == world["a"]]


def test_firm_risks(session: Session, world: dict[str, str]) -> None:
    net = network.load(session)
    konveksi = next(f for f in net.firms.values() if f["name"] == "Konveksi 0")
    risks = gaps.firm_risks(net, konveksi["id"])
    assert risks == [
        {"kind": "bahan_baku", "partner": "Kain Bandung"},
        {"kind": "pemasaran_perdagangan", "partner": "Distributor Bandung"},
    ]
