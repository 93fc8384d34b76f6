"""Insights read from the rollups: headline figures, breakdowns, time series, map data, ``stats``.

Every function reads the rollup tables only (never the firm table), so pages stay fast at the
national scale. ``refresh_rollups`` (re-exported here) rebuilds them; call it after imports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.insights import cache, labels
from jejaring.insights.freshness import ensure_fresh, is_stale, latest_refresh
from jejaring.insights.models import CertificateRollup, ProvinceRollup, RefreshLog, RegencyRollup
from jejaring.insights.rollups import refresh_rollups
from jejaring.registry.models import Sentra

__all__ = [
    "BREAKDOWNS",
    "Scope",
    "breakdown",
    "ensure_fresh",
    "headline",
    "is_stale",
    "latest_refresh",
    "map_data",
    "refresh_rollups",
    "stats",
    "timeseries",
    "years",
]

BREAKDOWNS = ("province", "regency", "kbli_division", "kbli_group", "size_class", "certificate", "sentra")
SECTOR_PREFIX = {"industri_kreatif": "creative", "makanan_minuman": "food", "kerajinan": "craft", "fesyen": "fashion"}


@dataclass(frozen=True)
class Scope:
    """What the figures cover: one reference year (None = every year) and one province (None = all)."""

    year: int | None = None
    province: str | None = None

    def where(self, model: Any) -> list[Any]:
        """WHERE clauses for a rollup model."""
        clauses = []
        if self.year is not None:
            clauses.append(model.reference_year == self.year)
        if self.province:
            clauses.append(model.province_code == self.province)
        return clauses

    def firm_params(self) -> dict[str, str]:
        """Query parameters of the firm list showing the records behind a figure."""
        params = {}
        if self.province:
            params["province"] = self.province
        if self.year is not None:
            params["year"] = str(self.year)
        return params


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when whole is zero."""
    return part / whole if whole else None


def years(session: Session) -> list[int]:
    """Reference years present in the rollups (0 = records without a year), newest first."""
    return cache.memo(
        session,
        ("years",),
        lambda: sorted(session.scalars(select(ProvinceRollup.reference_year).distinct()), reverse=True),
    )


def _role_totals(session: Session, scope: Scope) -> dict[str, dict[str, int]]:
    cols = [
        "units",
        "workers",
        "output_value",
        "output_units",
        "nib_units",
        "geo_units",
        "cert_units",
        *(f"{p}_{m}" for p in SECTOR_PREFIX.values() for m in ("units", "workers")),
    ]
    stmt = (
        select(ProvinceRollup.role, *(func.sum(getattr(ProvinceRollup, c)) for c in cols))
        .where(*scope.where(ProvinceRollup))
        .group_by(ProvinceRollup.role)
    )
    out: dict[str, dict[str, int]] = {r: dict.fromkeys(cols, 0) for r in ("ikm", "industri_besar")}
    for role, *values in session.execute(stmt):
        out[role] = {c: int(v or 0) for c, v in zip(cols, values, strict=True)}
    return out


def sentra_count(session: Session, scope: Scope) -> int:
    """Number of sentra in scope (sentra table: small, read directly)."""
    stmt = select(func.count()).select_from(Sentra)
    if scope.province:
        stmt = stmt.where(Sentra.province_code == scope.province)
    if scope.year is not None:
        stmt = stmt.where(Sentra.reference_year == scope.year)
    return session.scalar(stmt) or 0


def _sources(entry: RefreshLog | None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(entry.sources) if entry else {}
    data.pop("figures_mark", None)  # the rollups' own staleness mark, not a source
    data["refreshed_at"] = entry.refreshed_at if entry else None
    return data


def headline(session: Session, *, scope: Scope) -> dict[str, Any]:
    """The headline panel: IKM units and workers and their shares, sentra, sector and output shares."""
    return cache.memo(session, ("headline", scope), lambda: _headline(session, scope))


def _headline(session: Session, scope: Scope) -> dict[str, Any]:
    roles = _role_totals(session, scope)
    ikm, big = roles["ikm"], roles["industri_besar"]
    ind_units, ind_workers = ikm["units"] + big["units"], ikm["workers"] + big["workers"]
    ind_output = ikm["output_value"] + big["output_value"]
    sectors = {
        name: {
            "units": ikm[f"{p}_units"],
            "workers": ikm[f"{p}_workers"],
            "share": share(ikm[f"{p}_units"], ikm["units"]),
            "worker_share": share(ikm[f"{p}_workers"], ikm["workers"]),
        }
        for name, p in SECTOR_PREFIX.items()
    }
    return {
        "scope": scope,
        "ikm_units": ikm["units"],
        "ikm_workers": ikm["workers"],
        "large_units": big["units"],
        "large_workers": big["workers"],
        "industry_units": ind_units,
        "industry_workers": ind_workers,
        "ikm_unit_share": share(ikm["units"], ind_units),
        "ikm_worker_share": share(ikm["workers"], ind_workers),
        "ikm_output": ikm["output_value"],
        "industry_output": ind_output,
        "ikm_output_share": share(ikm["output_value"], ind_output),
        "output_coverage": share(ikm["output_units"] + big["output_units"], ind_units),
        "sentra": sentra_count(session, scope),
        "sectors": sectors,
        "completeness": {
            "nib": share(ikm["nib_units"] + big["nib_units"], ind_units),
            "coordinates": share(ikm["geo_units"] + big["geo_units"], ind_units),
            "certificates": share(ikm["cert_units"] + big["cert_units"], ind_units),
            "output": share(ikm["output_units"] + big["output_units"], ind_units),
        },
        "sources": _sources(latest_refresh(session)),
    }


def stats(session: Session) -> dict[str, Any]:
    """The headline figures in the ``jejaring stats --json`` shape (all years, whole country)."""
    return cache.memo(session, ("stats",), lambda: _stats(session))


def _stats(session: Session) -> dict[str, Any]:
    h = headline(session, scope=Scope())
    by_province = {
        r["code"]: {"units": r["ikm_units"], "workers": r["ikm_workers"]}
        for r in breakdown(session, dim="province", scope=Scope(), lang="id")
    }
    return {
        "ikm_units": h["ikm_units"],
        "ikm_workers": h["ikm_workers"],
        "industry_units": h["industry_units"],
        "industry_workers": h["industry_workers"],
        "sentra": h["sentra"],
        "sector_shares": {k: round(v["share"] or 0.0, 6) for k, v in h["sectors"].items()},
        "by_province": dict(sorted(by_province.items())),
    }


def _role_rows(rows: Any) -> dict[str, dict[str, int]]:
    """(key, role, units, workers, output) rows → key → ikm_/large_ measures."""
    out: dict[str, dict[str, int]] = {}
    for key, role, units, workers, output in rows:
        cell = out.setdefault(
            key or "",
            {"ikm_units": 0, "ikm_workers": 0, "ikm_output": 0, "large_units": 0, "large_workers": 0},
        )
        prefix = "ikm" if role == "ikm" else "large"
        cell[f"{prefix}_units"] += int(units or 0)
        cell[f"{prefix}_workers"] += int(workers or 0)
        if prefix == "ikm":
            cell["ikm_output"] += int(output or 0)
    return out


def _dimension_rows(session: Session, dim: str, scope: Scope) -> dict[str, dict[str, int]]:
    if dim == "regency":
        m: Any = RegencyRollup
        col = m.regency_code
        out_col = func.sum(m.output_value)
    elif dim == "certificate":
        m = CertificateRollup
        col = m.certificate_code
        out_col = func.sum(0)
    else:
        m = ProvinceRollup
        col = {
            "province": m.province_code,
            "kbli_division": m.kbli_division,
            "kbli_group": m.kbli_group,
            "size_class": m.size_class,
        }[dim]
        out_col = func.sum(m.output_value)
    stmt = (
        select(col, m.role, func.sum(m.units), func.sum(m.workers), out_col)
        .where(*scope.where(m))
        .group_by(col, m.role)
    )
    return _role_rows(session.execute(stmt))


def _sentra_rows(session: Session, scope: Scope) -> dict[str, dict[str, int]]:
    stmt = select(Sentra.province_code, func.count(), func.sum(Sentra.unit_count), func.sum(Sentra.workers)).group_by(
        Sentra.province_code
    )
    if scope.province:
        stmt = stmt.where(Sentra.province_code == scope.province)
    if scope.year is not None:
        stmt = stmt.where(Sentra.reference_year == scope.year)
    return {
        p: {"sentra": int(n), "sentra_units": int(u or 0), "sentra_workers": int(w or 0)}
        for p, n, u, w in session.execute(stmt)
    }


FIRM_FILTER = {
    "province": "province",
    "regency": "regency",
    "kbli_division": "kbli_division",
    "kbli_group": "kbli",
    "size_class": "size_class",
    "certificate": "certificate",
}


def breakdown(session: Session, *, dim: str, scope: Scope, lang: str) -> list[dict[str, Any]]:
    """One breakdown table (see ``BREAKDOWNS``), largest first, with the firm-list link of each row."""
    if dim not in BREAKDOWNS:
        raise ValueError(dim)
    return cache.memo(session, ("breakdown", dim, scope, lang), lambda: _breakdown(session, dim, scope, lang))


def _breakdown(session: Session, dim: str, scope: Scope, lang: str) -> list[dict[str, Any]]:
    if dim == "sentra":
        sentra = _sentra_rows(session, scope)
        sentra_rows = [
            {"code": code, "label": labels.label("province", code, lang), **v, "sentra_link": {"province": code}}
            for code, v in sentra.items()
        ]
        return sorted(sentra_rows, key=lambda r: (-r["sentra"], r["code"]))
    cells = _dimension_rows(session, dim, scope)
    total_ikm = sum(c["ikm_units"] for c in cells.values())
    rows: list[dict[str, Any]] = []
    for code, c in cells.items():
        industry_units = c["ikm_units"] + c["large_units"]
        link = {**scope.firm_params(), "role": "ikm"}
        if code:
            link[FIRM_FILTER[dim]] = code
        rows.append(
            {
                "code": code,
                "label": labels.label(dim, code, lang),
                **c,
                "industry_units": industry_units,
                "industry_workers": c["ikm_workers"] + c["large_workers"],
                "ikm_unit_share": share(c["ikm_units"], industry_units),
                "share_of_ikm": share(c["ikm_units"], total_ikm),
                "firm_link": link if code else None,
            }
        )
    if dim == "size_class":
        order = {"kecil": 0, "menengah": 1, "besar": 2, "": 3}
        return sorted(rows, key=lambda r: order.get(r["code"], 4))
    return sorted(rows, key=lambda r: (-r["ikm_units"], -r["industry_units"], r["code"]))


def timeseries(session: Session, *, scope: Scope) -> list[dict[str, Any]]:
    """Units, workers and output by reference year (the year of each firm's latest record)."""
    by_year = Scope(province=scope.province)
    stmt = (
        select(
            ProvinceRollup.reference_year,
            ProvinceRollup.role,
            func.sum(ProvinceRollup.units),
            func.sum(ProvinceRollup.workers),
            func.sum(ProvinceRollup.output_value),
        )
        .where(*by_year.where(ProvinceRollup))
        .group_by(ProvinceRollup.reference_year, ProvinceRollup.role)
    )
    cells = _role_rows(session.execute(stmt))
    rows: list[dict[str, Any]] = []
    for year, c in sorted(cells.items(), key=lambda kv: int(kv[0] or 0)):
        units = c["ikm_units"] + c["large_units"]
        rows.append(
            {
                "year": int(year or 0),
                **c,
                "industry_units": units,
                "industry_workers": c["ikm_workers"] + c["large_workers"],
                "ikm_unit_share": share(c["ikm_units"], units),
            }
        )
    return rows


def map_data(session: Session, *, scope: Scope, lang: str) -> dict[str, Any]:
    """Province values for the choropleth and regency bubbles (IKM units and workers)."""
    return cache.memo(session, ("map", scope, lang), lambda: _map_data(session, scope, lang))


def _map_data(session: Session, scope: Scope, lang: str) -> dict[str, Any]:
    provinces = [
        {"code": r["code"], "name": r["label"], "units": r["ikm_units"], "workers": r["ikm_workers"]}
        for r in breakdown(session, dim="province", scope=Scope(year=scope.year), lang=lang)
        if r["code"]
    ]
    regencies = []
    for r in breakdown(session, dim="regency", scope=scope, lang=lang):
        ref = labels.regency_index().get(r["code"])
        if not ref or ref["latitude"] is None or not r["ikm_units"]:
            continue
        regencies.append(
            {
                "code": r["code"],
                "name": r["label"],
                "province": ref["province_code"],
                "lon": ref["longitude"],
                "lat": ref["latitude"],
                "units": r["ikm_units"],
                "workers": r["ikm_workers"],
            }
        )
    return {"provinces": provinces, "regencies": regencies, "selected": scope.province}
