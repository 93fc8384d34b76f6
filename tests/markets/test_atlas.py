"""The economies of the synthetic world: every one the package (and pycountry) supports, with GDP and distances."""

from __future__ import annotations

import polars as pl

from jejaring.markets import atlas, synth


def test_every_economy_has_a_gdp_a_source_and_a_distance_to_every_other() -> None:
    c = atlas.countries()
    assert 225 <= c.height <= 235
    assert c["iso3"].n_unique() == c.height
    assert c["gdp"].min() > 0  # type: ignore[operator]
    assert set(c["gdp_source"].unique().to_list()) <= {"wdi", "imf", "imputed_per_head", "imputed_smallest"}
    assert c.filter(pl.col("gdp_source") == "wdi").height >= 200  # imputation is the exception
    assert not set(atlas.NOT_ECONOMIES) & set(c["iso3"].to_list())
    d = atlas.distances()
    assert d.height == c.height**2
    assert d["km"].min() > 0  # type: ignore[operator]
    # countries GeoDist knows under an old code, or only through a neighbour
    km = {
        (e, i): k for e, i, k in d.filter(pl.col("exporter") == "IDN").select("exporter", "importer", "km").iter_rows()
    }
    assert 8_000 < km[("IDN", "ROU")] < 12_000
    assert 1_000 < km[("IDN", "TLS")] < 3_000
    assert 7_000 < km[("IDN", "SSD")] < 11_000


def test_taiwan_uses_imf_gdp_and_small_territories_are_imputed() -> None:
    c = {r["iso3"]: r for r in atlas.countries().iter_rows(named=True)}
    assert c["TWN"]["gdp_source"] == "imf"
    assert c["PRK"]["gdp_source"] == "imputed_per_head"
    assert c["NIU"]["gdp_source"] == "imputed_smallest"
    assert c["NIU"]["gdp"] < c["IDN"]["gdp"] / 1000
    assert atlas.m49_to_iso3()[732] == "ESH"


def test_a_world_of_230_takes_every_economy() -> None:
    spec = synth.WorldSpec(countries=230, products=40, years=(2023, 2024), seed=3)
    flows = synth.generate(spec)
    every = set(atlas.countries()["iso3"].to_list())
    assert set(flows["importer"].unique().to_list()) == every  # a small economy keeps its main partners
    assert len(every - set(flows["exporter"].unique().to_list())) <= 5  # with 40 products a micro-state may sell none
