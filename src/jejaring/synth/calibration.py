"""Public calibration figures and the national plan derived from them (targets per province).

Every number here comes from ``data/calibration.toml`` (a copy of the project's calibration file,
with sources) or from a rule documented in ``docs/synth.md``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from jejaring.reference import catalog

JAVA = ("31", "32", "33", "34", "35", "36")
MALUKU_PAPUA = ("81", "82", "91", "92", "93", "94", "95", "96")
# IMK 2020 predates the 2022 Papua split: "Papua" then covered today's 91, 93, 94, 95 and
# "Papua Barat" today's 92 and 96. Their 2020 figures are split by 2020s population.
PAPUA_2020 = {"Papua": ("91", "93", "94", "95"), "Papua Barat": ("92", "96")}
NAME_TO_CODE = {"DI Yogyakarta": "34", "DKI Jakarta": "31"}
LARGE_INDUSTRY_UNITS = 4_410_557 - 4_400_374  # industry_units_total − ikm_units_precise


@lru_cache
def facts() -> dict[str, Any]:
    """The calibration file (figures with their sources)."""
    raw = resources.files("jejaring.synth").joinpath("data/calibration.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


@lru_cache
def province_codes() -> tuple[str, ...]:
    """The 38 province codes in Kemendagri order."""
    return tuple(p["code"] for p in catalog.provinces())


def province_code(name: str) -> str:
    """Code of a province named as in the calibration sources."""
    if name in NAME_TO_CODE:
        return NAME_TO_CODE[name]
    for p in catalog.provinces():
        if p["name"].lower() == name.lower():
            return str(p["code"])
    raise KeyError(name)


@lru_cache
def province_population() -> dict[str, float]:
    """Province population (from the packaged wilayah file), used to spread unpublished figures."""
    return {r["id"]: float(r["population"] or 0) for r in catalog.read_csv("wilayah/provinces.csv.gz")}


def _spread(total: float, codes: list[str], pop: dict[str, float]) -> dict[str, float]:
    weight = sum(pop[c] for c in codes)
    return {c: total * pop[c] / weight for c in codes}


@lru_cache
def province_unit_shares() -> dict[str, float]:
    """Share of IKM units per province (sums to 1), from the IMK 2020 shape.

    Named provinces keep their IMK 2020 counts (the 2020 "Papua"/"Papua Barat" split by population);
    Java's unnamed provinces fill Java to 63.11%, Maluku to Maluku+Papua = 1.25%, and the other
    unnamed provinces share the remainder in proportion to population.
    """
    imk = facts()["imk_2020"]
    total = float(imk["units"])
    pop = province_population()
    units: dict[str, float] = {}
    for name, n in imk["units_by_province"].items():
        if name in PAPUA_2020:
            units.update(_spread(float(n), list(PAPUA_2020[name]), pop))
        else:
            units[province_code(name)] = float(n)
    java_rest = [c for c in JAVA if c not in units]
    units.update(
        _spread(imk["java_share_of_units"] * total - sum(units[c] for c in JAVA if c in units), java_rest, pop)
    )
    mp_rest = [c for c in MALUKU_PAPUA if c not in units]
    mp_named = sum(units[c] for c in MALUKU_PAPUA if c in units)
    units.update(_spread(imk["maluku_papua_share_of_units"] * total - mp_named, mp_rest, pop))
    rest = [c for c in province_codes() if c not in units]
    units.update(_spread(total - sum(units.values()), rest, pop))
    return {c: units[c] / total for c in province_codes()}


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to exactly ``total``."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    exact = w / w.sum() * total
    base = np.floor(exact).astype(np.int64)
    short = total - int(base.sum())
    if short > 0:
        order = np.argsort(-(exact - base), kind="stable")
        base[order[:short]] += 1
    return np.asarray(base)


@dataclass(frozen=True)
class NationalTargets:
    """The national figures the generator aims at, at a given scale."""

    scale: float
    ikm_units: int
    ikm_workers: int
    industry_workers: int
    large_units: int
    sentra: int

    @property
    def large_workers(self) -> int:
        """Workers of large industry: all industrial workers minus IKM workers."""
        return self.industry_workers - self.ikm_workers


def national_targets(scale: float) -> NationalTargets:
    """National targets at ``scale`` (1 = the whole nation)."""
    nat = facts()["national"]
    units = max(38, round(nat["ikm_units_precise"] * scale))
    return NationalTargets(
        scale=scale,
        ikm_units=units,
        ikm_workers=max(units, round(nat["ikm_workers"] * scale)),
        industry_workers=round(nat["industry_workers"] * scale),
        large_units=max(1, round(LARGE_INDUSTRY_UNITS * scale)),
        sentra=max(1, round(nat["sentra_ikm"] * scale)),
    )


def province_units(total: int) -> dict[str, int]:
    """IKM units per province, at least one each, adding up to ``total``."""
    codes = province_codes()
    shares = province_unit_shares()
    alloc = largest_remainder(np.array([shares[c] for c in codes]), total - len(codes)) + 1
    return dict(zip(codes, (int(x) for x in alloc), strict=True))


@lru_cache
def sentra_weights() -> dict[str, float]:
    """Provincial shape of sentra: BPS 2024 counts; missing provinces at the listed sentra-per-unit ratio."""
    listed = {province_code(n): float(v) for n, v in facts()["sentra_bps_2024"]["by_province"].items()}
    shares = province_unit_shares()
    ratio = sum(listed.values()) / sum(shares[c] for c in listed)
    return {c: listed.get(c, shares[c] * ratio) for c in province_codes()}


def province_sentra(total: int) -> dict[str, int]:
    """Sentra per province: ``total`` spread by the BPS 2024 shape, and at least one per province."""
    codes = province_codes()
    w = sentra_weights()
    alloc = largest_remainder(np.array([w[c] for c in codes]), total)
    return {c: max(1, int(a)) for c, a in zip(codes, alloc, strict=True)}


def sentra_commodity_shares() -> dict[str, float]:
    """Kemenperin 2017 commodity groups of sentra and their shares."""
    return dict(facts()["sentra_2017"]["commodity_shares"])
