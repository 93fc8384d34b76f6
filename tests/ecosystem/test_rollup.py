"""The vectorised gap finder gives the reference finder's gaps (hand-made world on both backends, random
networks), nearest distances from the k-d tree equal brute-force great-circle ones, and pages read the stored
rollup only while it matches the data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts.authz import Forbidden
from jejaring.accounts.roles import ANALIS, Actor, system_actor
from jejaring.ecosystem import arrays, gaps, network, randomnet, reports, rollup, service, stored
from jejaring.ecosystem.gaps import Gap
from jejaring.registry import edits
from jejaring.registry.models import Firm
from jejaring.registry.schemas import FirmUpdate
from tests.ecosystem.conftest import build_world, firm


def _key(g: Gap) -> tuple[Any, ...]:
    return (
        g.kind.value,
        g.place_kind.value,
        g.place,
        g.regency_code,
        g.reason("id"),
        g.reason("en"),
    )


def _same(new: list[Gap], old: list[Gap]) -> None:
    assert len(new) == len(old)
    assert sorted(map(_key, new)) == sorted(map(_key, old))
    scores = {_key(g): g.score for g in old}
    assert all(g.score == pytest.approx(scores[_key(g)], rel=1e-9) for g in new)  # distances: tree vs. haversine
    assert sorted(str(g.search) for g in new) == sorted(str(g.search) for g in old)


def test_hand_made_world_same_gaps_both_ways(session: Session) -> None:
    world = build_world(session)
    new, old = rollup.find(arrays.load(session)), gaps.find(network.load(session))
    _same(new, old)
    assert [g.score for g in new] == sorted((g.score for g in new), reverse=True)
    assert {g.place for g in new} >= {world["a"], world["b"], "33.75"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_networks_same_gaps_both_ways(seed: int) -> None:
    a, roles = randomnet.random_arrays(4000, seed=seed)
    new = rollup.find(a)
    old = gaps.find(randomnet.to_network(a, roles))
    _same(new, old)
    assert {g.kind.value for g in new} == {
        "pemasok_hilang",
        "ketergantungan_tunggal",
        "mitra_kritis",
        "akses_pasar",
    } | ({"purna_jual"} & {g.kind.value for g in old})


def test_nearest_from_the_tree_is_the_great_circle_nearest() -> None:
    rng = np.random.default_rng(4)
    lats, lons = rng.uniform(-11, 6, 300), rng.uniform(95, 141, 300)
    pts = network.Points(rng.uniform(-11, 6, 2000), rng.uniform(95, 141, 2000), list(range(2000)))
    got = rollup._nearest_per_seat([str(i) for i in range(300)], lats, lons, pts)
    assert got is not None
    brute = [pts.nearest(float(la), float(lo))[0] for la, lo in zip(lats, lons, strict=True)]
    assert got == pytest.approx(brute, rel=1e-9, abs=1e-6)
    assert rollup._nearest_per_seat(["x"], lats[:1], lons[:1], network.Points(np.zeros(0), np.zeros(0), [])) is None


def test_pages_read_the_stored_rollup_while_it_matches_the_data(session: Session) -> None:
    world = build_world(session)
    ikm = firm(session, "Konveksi Baru", "33.75", kbli_code="14111")
    partner = firm(session, "Toko Grosir Solo", "33.72", roles=("distributor",))
    computed = rollup.find(arrays.load(session))
    assert not stored.is_fresh(session, stored.state(session))
    done = stored.refresh(session, actor=system_actor("cli"))
    assert done["gaps"] == len(computed)
    assert stored.is_fresh(session, stored.state(session))  # the rollup's own audit event is not a data change
    for place in (
        reports.Place(),
        reports.Place("33"),
        reports.Place("33", "33.75"),
        reports.Place("33", "33.75", world["a"]),
    ):
        want = [g for g in computed if _in(g, place)]
        got = reports.gaps_for(session, place)
        assert [_key(g) for g in got] == [_key(g) for g in want]
        head, total = reports.gaps_head(session, place, 2)
        assert total == len(want) and [_key(g) for g in head] == [_key(g) for g in want[:2]]
    assert {g.division for g in stored.read(session, province=None, regency=None, sentra=world["a"])} == {"13"}
    # a new link changes the data: the rollup is stale, and a small registry's page rebuilds it at once
    before = next(g for g in computed if g.kind.value == "akses_pasar" and g.place == "33.75")
    assert (before.params["ikm"], before.params["without"]) == (6, 6)
    link = service.LinkIn(ikm.id, "33", "33.75", "pemasaran_perdagangan", "declared", partner_firm_id=partner.id)
    service.declare_links(session, actor=system_actor(), links=[link])
    assert not stored.is_fresh(session, stored.state(session))
    again = reports.gaps_for(session, reports.Place("33", "33.75"))
    market = next(g for g in again if g.kind.value == "akses_pasar" and g.place == "33.75")
    assert (market.params["ikm"], market.params["without"]) == (6, 5)
    assert stored.is_fresh(session, stored.state(session)) and reports.freshness(session).current
    summary = reports.summary(session, reports.Place("33", "33.75"))
    assert summary["kinds"]["pemasaran_perdagangan"]["ikm"] >= 1


def _supplier_gap(found: list[Gap]) -> bool:
    return any(g.kind.value == "pemasok_hilang" and g.regency_code == "33.75" and g.division == "13" for g in found)


def test_a_firm_edit_moves_the_mark_and_the_figures(session: Session) -> None:
    build_world(session)
    stored.refresh(session, actor=system_actor("cli"))
    assert _supplier_gap(reports.gaps_for(session, reports.Place("33")))
    kain = session.scalars(select(Firm).where(Firm.name == "Kain Medan")).one()
    # the Medan cloth supplier moves next to the batik sentra of Kota Pekalongan: its missing supplier is found
    lat, lon = arrays.seats()["33.75"]
    edits.update_firm(session, actor=system_actor(), firm=kain, data=FirmUpdate(latitude=lat, longitude=lon))
    assert not stored.is_fresh(session, stored.state(session))  # no new id: the audit mark moved
    assert not _supplier_gap(reports.gaps_for(session, reports.Place("33")))
    assert reports.freshness(session).current


def _in(g: Gap, place: reports.Place) -> bool:
    if place.sentra:
        return g.place == place.sentra
    if place.regency:
        return g.regency_code == place.regency
    return place.province is None or g.province_code == place.province


def test_only_admins_refresh_the_rollup(session: Session) -> None:
    with pytest.raises(Forbidden):
        stored.refresh(session, actor=Actor(role=ANALIS, via="session", scopes=frozenset({"read", "write"})))
