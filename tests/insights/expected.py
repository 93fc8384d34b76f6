"""Expected figures computed straight from the generated rows (no insights code involved)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.insights.factory import Rows

SECTORS_CSV = Path(__file__).resolve().parents[2] / "src/jejaring/reference/data/kbli_sectors.csv"


def sector_prefixes() -> dict[str, list[str]]:
    """Sector → KBLI prefixes, read from the data file itself."""
    out: dict[str, list[str]] = defaultdict(list)
    with SECTORS_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["sector"].strip()].append(row["kbli"].strip())
    return out


def role_of(rows: Rows) -> dict[int, str]:
    """firm id → 'ikm' / 'industri_besar' (IKM wins), only for industry firms."""
    roles: dict[int, set[str]] = defaultdict(set)
    for r in rows.roles:
        roles[r["firm_id"]].add(r["role"])
    out = {}
    for fid, rs in roles.items():
        if "ikm" in rs:
            out[fid] = "ikm"
        elif "industri_besar" in rs:
            out[fid] = "industri_besar"
    return out


def industry_firms(rows: Rows, *, year: int | None = None, province: str | None = None) -> list[dict[str, Any]]:
    """Active industry firms (with their role group under key 'rg') in scope."""
    rg = role_of(rows)
    out = []
    for f in rows.firms:
        if f["status"] != "active" or f["id"] not in rg:
            continue
        if year is not None and (f["reference_year"] or 0) != year:
            continue
        if province and f["province_code"] != province:
            continue
        out.append({**f, "rg": rg[f["id"]]})
    return out


def stats(rows: Rows) -> dict[str, Any]:
    """The ``jejaring stats --json`` figures."""
    firms = industry_firms(rows)
    ikm = [f for f in firms if f["rg"] == "ikm"]
    prefixes = sector_prefixes()
    shares = {}
    for sector in ("industri_kreatif", "makanan_minuman", "kerajinan", "fesyen"):
        n = sum(1 for f in ikm if f["kbli_code"] and any(f["kbli_code"].startswith(p) for p in prefixes[sector]))
        shares[sector] = round(n / len(ikm), 6) if ikm else 0.0
    by_province: dict[str, dict[str, int]] = {}
    for f in ikm:
        cell = by_province.setdefault(f["province_code"], {"units": 0, "workers": 0})
        cell["units"] += 1
        cell["workers"] += f["workers"] or 0
    return {
        "ikm_units": len(ikm),
        "ikm_workers": sum(f["workers"] or 0 for f in ikm),
        "industry_units": len(firms),
        "industry_workers": sum(f["workers"] or 0 for f in firms),
        "sentra": len(rows.sentra),
        "sector_shares": shares,
        "by_province": dict(sorted(by_province.items())),
    }


def ikm_by(rows: Rows, key: str, **scope: Any) -> dict[str, tuple[int, int]]:
    """IKM (units, workers) grouped by a firm field (or a function of it)."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for f in industry_firms(rows, **scope):
        if f["rg"] != "ikm":
            continue
        k = (f["kbli_code"] or "")[:3] if key == "kbli_group" else f[key] or ""
        out[str(k)][0] += 1
        out[str(k)][1] += f["workers"] or 0
    return {k: (v[0], v[1]) for k, v in out.items()}


def lq(rows: Rows, region_key: str, measure: str) -> dict[tuple[str, str], float]:
    """LQ of every (region, division) for IKM, straight from the definition."""
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for f in industry_firms(rows):
        if f["rg"] != "ikm" or not f["kbli_code"]:
            continue
        value = 1 if measure == "units" else (f["workers"] or 0)
        cells[(f[region_key], f["kbli_code"][:2])] += value
    e = sum(cells.values())
    er: dict[str, int] = defaultdict(int)
    ed: dict[str, int] = defaultdict(int)
    for (r, d), v in cells.items():
        er[r] += v
        ed[d] += v
    return {(r, d): (v / er[r]) / (ed[d] / e) for (r, d), v in cells.items() if v and er[r] and ed[d]}
