"""Cluster analytics: location quotients, specialisation ranking and sentra strength.

Location quotient of region r in KBLI division d (measure E = IKM units or IKM workers):
``LQ = (E_rd / E_r) / (E_d / E)``, always against the national base of the same reference year.
LQ > 1 means the division is more concentrated in r than in the country.
Specialisation index (Krugman dissimilarity): ``K_r = ½ Σ_d |E_rd/E_r − E_d/E|`` in [0, 1).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.insights import labels
from jejaring.insights.models import ProvinceRollup, RegencyRollup, SentraRollup
from jejaring.insights.service import Scope
from jejaring.registry.models import Sentra

LEVELS = ("province", "regency")
MEASURES = ("units", "workers")
SPECIALISED_LQ = 1.25  # a common threshold for "specialised" in cluster mapping
SIGNIFICANT = {"units": 10, "workers": 100}  # cells below this are listed after the others
SPECIALISATION_MIN = {"units": 10, "workers": 10}  # smallest cell that may be a region's top or specialised division


def location_quotient(e_rd: float, e_r: float, e_d: float, e: float) -> float | None:
    """(e_rd / e_r) / (e_d / e); None when a denominator is zero."""
    if not e_r or not e or not e_d:
        return None
    return (e_rd / e_r) / (e_d / e)


def _matrix(session: Session, *, level: str, measure: str, year: int | None) -> dict[tuple[str, str], int]:
    """(region, division) → IKM units or workers, for every region of the country."""
    m: Any = ProvinceRollup if level == "province" else RegencyRollup
    region = m.province_code if level == "province" else m.regency_code
    stmt = select(region, m.kbli_division, func.sum(getattr(m, measure))).where(m.role == "ikm", m.kbli_division != "")
    if year is not None:
        stmt = stmt.where(m.reference_year == year)
    stmt = stmt.group_by(region, m.kbli_division)
    return {(r, d): int(v or 0) for r, d, v in session.execute(stmt)}


def _totals(matrix: dict[tuple[str, str], int]) -> tuple[dict[str, int], dict[str, int], int]:
    """Row totals per region, column totals per division and the grand total of a (region, division) matrix."""
    region_tot: dict[str, int] = defaultdict(int)
    division_tot: dict[str, int] = defaultdict(int)
    for (r, d), v in matrix.items():
        region_tot[r] += v
        division_tot[d] += v
    return region_tot, division_tot, sum(region_tot.values())


def lq_table(
    session: Session, *, level: str, measure: str, scope: Scope, lang: str, min_value: int = 1
) -> list[dict[str, Any]]:
    """Every (region, division) cell with its LQ, the region's share and the national share."""
    if level not in LEVELS or measure not in MEASURES:
        raise ValueError(f"{level}/{measure}")
    matrix = _matrix(session, level=level, measure=measure, year=scope.year)
    region_tot, division_tot, total = _totals(matrix)
    rows: list[dict[str, Any]] = []
    for (r, d), v in matrix.items():
        province = r if level == "province" else r[:2]
        if scope.province and province != scope.province:
            continue
        if v < min_value:
            continue
        rows.append(
            {
                "region": r,
                "region_label": labels.label(level, r, lang),
                "province": province,
                "division": d,
                "division_label": labels.kbli(d, lang),
                "value": v,
                "region_total": region_tot[r],
                "region_share": v / region_tot[r] if region_tot[r] else None,
                "national_share": division_tot[d] / total if total else None,
                "lq": location_quotient(v, region_tot[r], division_tot[d], total),
            }
        )
    floor = SIGNIFICANT[measure]  # small cells (a handful of units) sort after the substantial ones
    return sorted(rows, key=lambda x: (x["value"] < floor, -(x["lq"] or 0), -x["value"], x["region"], x["division"]))


def specialisation(
    session: Session, *, level: str, measure: str, scope: Scope, lang: str, min_value: int | None = None
) -> list[dict[str, Any]]:
    """Regions ranked by their specialisation index, with their most over-represented division."""
    min_value = SPECIALISATION_MIN.get(measure, 10) if min_value is None else min_value
    cells = lq_table(session, level=level, measure=measure, scope=Scope(year=scope.year), lang=lang)
    matrix = _matrix(session, level=level, measure=measure, year=scope.year)
    division_tot: dict[str, int] = defaultdict(int)
    for (_r, d), v in matrix.items():
        division_tot[d] += v
    total = sum(division_tot.values())
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in cells:
        by_region[c["region"]].append(c)
    rows: list[dict[str, Any]] = []
    for region, region_cells in by_region.items():
        province = region_cells[0]["province"]
        if scope.province and province != scope.province:
            continue
        region_total = region_cells[0]["region_total"]
        own = {c["division"]: c["value"] for c in region_cells}
        index = 0.5 * sum(abs(own.get(d, 0) / region_total - division_tot[d] / total) for d in division_tot)
        top = [c for c in region_cells if c["value"] >= min_value] or region_cells
        best = max(top, key=lambda c: (c["lq"] or 0, c["value"]))
        rows.append(
            {
                "region": region,
                "region_label": region_cells[0]["region_label"],
                "province": province,
                "region_total": region_total,
                "specialisation_index": index,
                "top_division": best["division"],
                "top_division_label": best["division_label"],
                "top_lq": best["lq"],
                "top_value": best["value"],
                "specialised_divisions": sum(
                    1 for c in region_cells if (c["lq"] or 0) >= SPECIALISED_LQ and c["value"] >= min_value
                ),
            }
        )
    rows.sort(key=lambda r: (-r["specialisation_index"], r["region"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def sentra_strength(session: Session, *, scope: Scope, lang: str, limit: int = 500) -> list[dict[str, Any]]:
    """Sentra ranked by strength: size (units, workers), specialisation (LQ) and focus of members.

    ``strength`` = 100 × (0.4 × size percentile + 0.3 × min(LQ, 3)/3 + 0.3 × focus), where size is the
    declared unit count (or registered members), LQ is the units-LQ of the sentra's KBLI division in
    its regency and focus is the share of registered members in that division (1 when none are
    registered yet, so a sentra is not penalised for missing member records).
    """
    stmt = select(
        Sentra.public_id,
        Sentra.name,
        Sentra.province_code,
        Sentra.regency_code,
        Sentra.commodity,
        Sentra.kbli_code,
        Sentra.unit_count,
        Sentra.workers,
        SentraRollup.member_units,
        SentraRollup.member_workers,
        SentraRollup.focus_units,
    ).outerjoin(SentraRollup, SentraRollup.sentra_id == Sentra.id)
    if scope.province:
        stmt = stmt.where(Sentra.province_code == scope.province)
    if scope.year is not None:
        stmt = stmt.where(Sentra.reference_year == scope.year)
    pairs = session.execute(stmt).all()
    matrix = _matrix(session, level="regency", measure="units", year=None)
    region_tot, division_tot, total = _totals(matrix)
    rows: list[dict[str, Any]] = []
    for sentra in pairs:
        division = (sentra.kbli_code or "")[:2]
        members = sentra.member_units or 0
        size = sentra.unit_count or members
        lq = (
            location_quotient(
                matrix.get((sentra.regency_code, division), 0),
                region_tot[sentra.regency_code],
                division_tot[division],
                total,
            )
            if division
            else None
        )
        rows.append(
            {
                "public_id": sentra.public_id,
                "name": sentra.name,
                "province": sentra.province_code,
                "province_label": labels.label("province", sentra.province_code, lang),
                "regency": sentra.regency_code,
                "regency_label": labels.label("regency", sentra.regency_code, lang),
                "commodity": sentra.commodity or "",
                "division": division,
                "division_label": labels.kbli(division, lang) if division else "",
                "units": size,
                "workers": sentra.workers or (sentra.member_workers or 0),
                "members": members,
                "lq": lq,
                "focus": (sentra.focus_units or 0) / members if members else None,
            }
        )
    sizes = sorted(row["units"] for row in rows)
    n = len(sizes)
    for row in rows:
        below, upto = bisect_left(sizes, row["units"]), bisect_right(sizes, row["units"])
        pct = (below + 0.5 * (upto - below)) / n if n else 0.0
        focus = 1.0 if row["focus"] is None else row["focus"]
        row["strength"] = round(100 * (0.4 * pct + 0.3 * min(row["lq"] or 0, 3) / 3 + 0.3 * focus), 1)
    rows.sort(key=lambda row: (-row["strength"], -row["units"], row["name"]))
    return rows[:limit]
