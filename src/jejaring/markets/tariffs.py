"""Tariffs faced by Indonesian exports (market access, in the manner of ITC's Market Access Map).

Two parts, documented in docs/markets.md:

- **Agreements** (facts): ``data/trade_agreements.csv``, Indonesia's trade agreements in force with their
  partners and year of entry into force, each row naming its source.
- **Rates** (synthetic, seeded; no tariff schedule ships in the packages this machine can reach): per
  market j a level L_j = exp(N(ln 5 %, 0.5)) (0 for the free ports Singapore, Hong Kong and Macao, whose
  MFN rates are zero for nearly all goods), per HS chapter a factor F (agriculture and food 2.0,
  textiles, clothing and footwear 1.6, other consumer goods 1.0, chemicals, metals, machinery 0.6); the
  MFN rate of a line is 0 with probability 0.25, else L_j · F · Gamma(1.5)/1.5 rounded to 0.5 pp, at most
  60 %. Under an agreement in force in the data's last year, Indonesia pays 0 % on 85 % of lines and half
  the MFN rate on the rest (sensitive lists); elsewhere the MFN rate. Every line is drawn from a generator
  seeded by (seed, market, HS6), so the same line always has the same rate without storing a table.
"""

from __future__ import annotations

import csv
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
SEED = 20
FREE_PORTS = ("SGP", "HKG", "MAC")
DUTY_FREE_SHARE = 0.25
SENSITIVE_SHARE = 0.15
MAX_RATE = 60.0


@dataclass(frozen=True)
class Agreement:
    """A trade agreement of Indonesia in force."""

    code: str
    name: str
    partners: frozenset[str]
    in_force: int
    source: str


@dataclass(frozen=True)
class Tariff:
    """The tariff of one market on one HS6 line: MFN, what Indonesia pays, under which agreement."""

    mfn: float  # percent ad valorem
    applied: float  # percent ad valorem, for goods of Indonesian origin
    agreement: str | None  # code of the agreement giving the preference, or None (MFN)
    synthetic: bool = True

    @property
    def margin(self) -> float:
        """Preference margin in percentage points (MFN − applied)."""
        return self.mfn - self.applied


@lru_cache(maxsize=1)
def agreements() -> tuple[Agreement, ...]:
    """Indonesia's trade agreements in force (facts, with sources)."""
    with (DATA / "trade_agreements.csv").open(encoding="utf-8") as f:
        return tuple(
            Agreement(r["agreement"], r["name"], frozenset(r["partners"].split(";")), int(r["in_force"]), r["source"])
            for r in csv.DictReader(f)
        )


def agreements_with(iso3: str, year: int) -> list[Agreement]:
    """Agreements covering market ``iso3`` in force in ``year``, the newest first."""
    found = [a for a in agreements() if iso3 in a.partners and a.in_force <= year]
    return sorted(found, key=lambda a: -a.in_force)


def chapter_factor(hs6: str) -> float:
    """How much above or below a market's level a chapter's tariffs lie."""
    chapter = int(hs6[:2])
    if chapter <= 24:
        return 2.0
    if 50 <= chapter <= 67:
        return 1.6
    if 28 <= chapter <= 40 or 72 <= chapter <= 85 or chapter == 90:
        return 0.6
    return 1.0


def _rng(*parts: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(":".join((str(SEED), *parts)).encode()))


@lru_cache(maxsize=512)
def market_level(iso3: str) -> float:
    """The market's synthetic tariff level L_j in percent."""
    if iso3 in FREE_PORTS:
        return 0.0
    return float(math.exp(_rng(iso3).normal(math.log(5.0), 0.5)))


def mfn_rate(iso3: str, hs6: str) -> float:
    """The synthetic MFN rate (percent) of market ``iso3`` on line ``hs6``."""
    rng = _rng(iso3, hs6)
    if rng.random() < DUTY_FREE_SHARE:
        return 0.0
    raw = market_level(iso3) * chapter_factor(hs6) * rng.gamma(1.5) / 1.5
    return min(round(raw * 2) / 2, MAX_RATE)


def tariff(iso3: str, hs6: str, year: int) -> Tariff:
    """What goods of Indonesian origin pay in ``iso3`` on ``hs6`` in ``year``, and the MFN rate."""
    mfn = mfn_rate(iso3, hs6)
    deals = agreements_with(iso3, year)
    if not deals or mfn == 0:
        return Tariff(mfn=mfn, applied=mfn, agreement=None)
    sensitive = _rng(iso3, hs6, "sensitive").random() < SENSITIVE_SHARE
    applied = round(mfn) / 2 if sensitive else 0.0  # half the MFN rate, to 0.5 pp
    return Tariff(mfn=mfn, applied=applied, agreement=deals[0].code)
