"""A seeded synthetic world-trade table in the BACI layout, calibrated on atlas-common-data.

Method (also in docs/markets.md): each country has a latent capability vector and each HS6 product a
latent requirement vector (products of one HS section share a centre, so a product space emerges);
supply S_cp = GDP_c^0.9 · exp(0.9·u_c·w_p/√K + 0.6·ε) and demand D_jp = GDP_j^0.8 · exp(0.5·ε) ·
(1 + g_jp)^(year − first year). The world total of a product is the package's real HS4 world export
value split over its HS6 children (Dirichlet) and grown with demand. Flows follow a doubly-constrained
gravity model X_ijp = a_ip · b_jp · km_ij^−1 · (1 + contig_ij), balanced by iterative proportional
fitting to the margins T_p·S_ip/ΣS and T_p·D_jp/ΣD; flows under 0.01 % of the product's world total are
dropped (BACI is sparse too) unless they are a quarter of their exporter's or importer's trade in the
product. Planted structure, for tests and demonstration:
``PLANTED_GROWTH`` (one product whose demand grows 35 % a year in one market) and ``HIDDEN_ADVANTAGE``
(one small country whose capability in one HS chapter is 25 times what its latent vector says).
Everything this module writes is synthetic and is labelled so on every page that shows it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import polars as pl

from jejaring.markets import atlas, store

PLANTED_GROWTH = ("940383", "JPN", 0.35)  # rattan furniture, Japan, +35 % a year
HIDDEN_ADVANTAGE = ("SEN", "44", 25.0)  # Senegal, wood and articles of wood, ×25 capability
# Indonesia's known strengths (BPS export structure), so the demo recommends plausible things.
INDONESIA_STRENGTHS = ("09", "15", "18", "21", "40", "44", "46", "61", "62", "64", "94")
ALWAYS_PRODUCTS = ("940383", "940161", "090121", "180690", "210390", "440711", "610910", "640399")
LATENT_DIMS = 8
MAIN_PARTNER = 0.25  # a flow this share of its exporter's or importer's trade in the product is kept


@dataclass(frozen=True)
class WorldSpec:
    """Size and seed of a synthetic world."""

    countries: int = 80
    products: int = 400
    years: tuple[int, ...] = (2020, 2021, 2022, 2023, 2024)
    seed: int = 20
    extra_products: tuple[str, ...] = ()


def _pick_products(spec: WorldSpec, rng: np.random.Generator) -> pl.DataFrame:
    allp = atlas.hs6_products()
    must = set(ALWAYS_PRODUCTS) | set(spec.extra_products)
    if spec.products >= allp.height:
        return allp
    chosen = allp.filter(pl.col("hs6").is_in(list(must)))
    rest = allp.filter(~pl.col("hs6").is_in(list(must)))
    take = max(spec.products - chosen.height, 0)
    idx = np.sort(rng.choice(rest.height, size=min(take, rest.height), replace=False))
    return cast(pl.DataFrame, pl.concat([chosen, rest[idx.tolist()]]).sort("hs6"))


def _pick_countries(spec: WorldSpec) -> pl.DataFrame:
    c = atlas.countries()  # every economy, with a distance to every other (atlas.distances)
    must = {"IDN", PLANTED_GROWTH[1], HIDDEN_ADVANTAGE[0]}
    top = c.head(spec.countries)
    extra = c.filter(pl.col("iso3").is_in(list(must)) & ~pl.col("iso3").is_in(top["iso3"].to_list()))
    return pl.concat([top, extra]).sort("gdp", descending=True)


def _world_totals(products: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Each product's world export total (USD): the package's HS4 total split over its HS6 children."""
    hs4 = atlas.hs4_space().select("hs4", "world_exports")
    all6 = atlas.hs6_products().with_columns(pl.col("hs6").str.slice(0, 4).alias("hs4"))
    children = all6.group_by("hs4").len()
    median = float(np.median(hs4["world_exports"].to_numpy())) if hs4.height else 1e9
    p = (
        products.with_columns(pl.col("hs6").str.slice(0, 4).alias("hs4"))
        .join(hs4, on="hs4", how="left")
        .join(children, on="hs4", how="left")
        .with_columns(pl.col("world_exports").fill_null(median), pl.col("len").fill_null(1))
    )
    share = rng.gamma(2.0, 1.0, size=p.height)
    share = share / (share.mean() * 1.0)
    return cast(np.ndarray, (p["world_exports"].to_numpy() / p["len"].to_numpy()) * share)


def _ipf(row: np.ndarray, col: np.ndarray, deter: np.ndarray, iterations: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Balancing factors a (P×C), b (P×C) with Σ_j a_pi F_ij b_pj = row_pi and Σ_i a_pi F_ij b_pj = col_pj."""
    b = np.ones_like(col)
    a = np.ones_like(row)
    for _ in range(iterations):
        a = row / np.maximum(b @ deter.T, 1e-300)
        b = col / np.maximum(a @ deter, 1e-300)
    return a, b


def generate(spec: WorldSpec) -> pl.DataFrame:
    """The synthetic trade table: year, exporter, importer, hs6 (str), value (thousand USD), quantity (tonnes)."""
    rng = np.random.default_rng(spec.seed)
    products = _pick_products(spec, rng)
    countries = _pick_countries(spec)
    iso = countries["iso3"].to_list()
    hs6 = products["hs6"].to_list()
    n_c, n_p = len(iso), len(hs6)
    gdp = countries["gdp"].to_numpy()
    dist = atlas.distances().filter(pl.col("exporter").is_in(iso) & pl.col("importer").is_in(iso))
    pos = {c: i for i, c in enumerate(iso)}
    km = np.full((n_c, n_c), 10000.0)
    contig = np.zeros((n_c, n_c))
    ei = np.array([pos[c] for c in dist["exporter"].to_list()])
    ii = np.array([pos[c] for c in dist["importer"].to_list()])
    km[ei, ii] = np.maximum(dist["km"].to_numpy(), 50.0)
    contig[ei, ii] = dist["contig"].to_numpy()
    deter = (1.0 + contig) / km
    np.fill_diagonal(deter, 0.0)

    sections = np.array([int(h[:2]) // 5 for h in hs6])  # coarse families of chapters
    centres = rng.normal(size=(sections.max() + 1, LATENT_DIMS))
    w = centres[sections] + 0.5 * rng.normal(size=(n_p, LATENT_DIMS))
    u = rng.normal(size=(n_c, LATENT_DIMS))
    cap = np.exp(0.9 * (u @ w.T) / math.sqrt(LATENT_DIMS) + 0.6 * rng.normal(size=(n_c, n_p)))
    chapters = np.array([h[:2] for h in hs6])
    hidden_c, hidden_ch, hidden_x = HIDDEN_ADVANTAGE
    cap[pos[hidden_c], chapters == hidden_ch] *= hidden_x
    cap[pos["IDN"], np.isin(chapters, INDONESIA_STRENGTHS)] *= 4.0
    taste = np.exp(0.5 * rng.normal(size=(n_c, n_p)))
    growth = np.clip(0.03 + 0.03 * rng.normal(size=(n_c, n_p)), -0.08, 0.12)
    g_prod, g_market, g_rate = PLANTED_GROWTH
    if g_prod in hs6:
        growth[pos[g_market], hs6.index(g_prod)] = g_rate
    totals0 = _world_totals(products, rng) / 1000.0  # thousand USD, as BACI
    price = np.exp(rng.normal(1.0, 1.0, size=n_p))  # thousand USD per tonne
    demand0 = (gdp**0.8)[:, None] * taste
    frames = []
    for k, year in enumerate(spec.years):
        supply = (gdp**0.9)[:, None] * cap * np.exp(0.05 * rng.normal(size=(n_c, n_p)))
        demand = demand0 * (1.0 + growth) ** k
        totals = totals0 * demand.sum(axis=0) / demand0.sum(axis=0)
        row = (supply / supply.sum(axis=0)).T * totals[:, None]  # P × C
        col = (demand / demand.sum(axis=0)).T * totals[:, None]
        a, b = _ipf(row, col, deter)
        for start in range(0, n_p, 100):
            sl = slice(start, min(start + 100, n_p))
            x = a[sl][:, :, None] * deter[None, :, :] * b[sl][:, None, :]  # p × exporter × importer
            big = x >= np.maximum(1e-4 * totals[sl], 1.0)[:, None, None]
            # a small economy's main suppliers and customers stay, so every economy trades
            main = (x >= MAIN_PARTNER * row[sl][:, :, None]) | (x >= MAIN_PARTNER * col[sl][:, None, :])
            keep = big | (main & (x >= 1.0))
            p_i, e_i, m_i = np.nonzero(keep)
            vals = x[p_i, e_i, m_i]
            frames.append(
                pl.DataFrame(
                    {
                        "year": np.full(len(vals), year, dtype=np.int32),
                        "exporter_idx": e_i.astype(np.int32),
                        "importer_idx": m_i.astype(np.int32),
                        "hs6_idx": (p_i + start).astype(np.int32),
                        "value": np.round(vals, 3),
                        "quantity": np.round(vals / price[p_i + start], 3),
                    }
                )
            )
    flows = pl.concat(frames)
    iso_s = pl.Series(iso)
    hs_s = pl.Series(hs6)
    return pl.DataFrame(
        {
            "year": flows["year"],
            "exporter": iso_s.gather(flows["exporter_idx"]),
            "importer": iso_s.gather(flows["importer_idx"]),
            "hs6": hs_s.gather(flows["hs6_idx"]),
            "value": flows["value"],
            "quantity": flows["quantity"],
        }
    )


def write(spec: WorldSpec, path: Path) -> int:
    """Generate the world and write it as parquet at ``path``; returns the number of flows."""
    flows = generate(spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    flows.write_parquet(tmp, compression=store.TRADE_COMPRESSION)
    tmp.replace(path)
    return flows.height
