"""Data handed to the ECharts front end (``static/insights/insights.js``), labels already translated."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from jejaring.core.i18n import translate
from jejaring.insights.tables import Table


def to_json(data: Any) -> str:
    """JSON safe to embed in a ``<script type="application/json">`` element."""
    return json.dumps(data, ensure_ascii=False, default=str).replace("</", "<\\/")


def _series(table: Table, label: str, value: str, limit: int | None = None) -> dict[str, list[Any]]:
    rows = table.rows[:limit] if limit else table.rows
    return {"labels": [r[label] for r in rows], "values": [r.get(value) or 0 for r in rows]}


def _year_axis(timeseries: Table) -> list[tuple[int, dict[str, Any] | None]]:
    """Every year from the first to the last with records, None for a year without any (the chart leaves a gap
    there instead of drawing a line through it); records without a year stay in the table only."""
    by_year = {r["year"]: r for r in timeseries.rows if r["year"]}
    if not by_year:
        return []
    return [(y, by_year.get(y)) for y in range(min(by_year), max(by_year) + 1)]


def dashboard(
    lang: str,
    *,
    path_with: dict[str, str],
    map_data: dict[str, Any],
    timeseries: Table,
    divisions: Table,
    sizes: Table,
    headline: dict[str, Any],
) -> dict[str, Any]:
    """Everything the dashboard charts need."""

    def t(key: str, **kw: Any) -> str:
        return translate(key, lang, **kw)

    known_years = _year_axis(timeseries)
    return {
        "lang": lang,
        "geojson": "/static/insights/provinces.geojson",
        "province_url": "/insights?" + urlencode({k: v for k, v in path_with.items() if k != "province"}),
        "labels": {
            "units": t("insights.col.ikm_units"),
            "workers": t("insights.col.ikm_workers"),
            "industry_units": t("insights.col.industry_units"),
            "map_title": t("insights.map.title"),
            "indicative": t("insights.map.indicative"),
            "regencies": t("insights.map.regencies"),
            "provinces": t("insights.map.provinces"),
            "timeseries": t("insights.chart.timeseries"),
            "divisions": t("insights.chart.divisions"),
            "sizes": t("insights.chart.sizes"),
            "sectors": t("insights.chart.sectors"),
            "share": t("insights.col.share"),
        },
        "map": map_data,
        "timeseries": {
            "years": [str(year) for year, _ in known_years],
            **{k: [(r[k] or None) if r else None for _, r in known_years] for k in ("ikm_units", "ikm_workers")},
            "industry_units": [(r["industry_units"] or None) if r else None for _, r in known_years],
        },
        "divisions": {
            **_series(divisions, "label", "ikm_units", 12),
            "codes": [r["code"] for r in divisions.rows[:12]],
        },
        "sizes": _series(sizes, "label", "ikm_units"),
        "sectors": {
            "labels": [t(f"insights.sector.{k}") for k in headline["sectors"]],
            "values": [round(100 * (v["share"] or 0), 2) for v in headline["sectors"].values()],
        },
    }


def clusters(lang: str, *, lq: Table, level: str, strength: Table, measure: str = "units") -> dict[str, Any]:
    """LQ heat map (regions × divisions) and sentra strength scatter."""
    regions: list[str] = []
    divisions: list[str] = []
    for r in lq.rows:
        if r["region_label"] not in regions:
            regions.append(r["region_label"])
        if r["division"] not in divisions:
            divisions.append(r["division"])
    regions = sorted(regions)[:60]
    divisions.sort()
    cells = [
        [divisions.index(r["division"]), regions.index(r["region_label"]), round(r["lq"] or 0, 2), r["value"]]
        for r in lq.rows
        if r["region_label"] in regions
    ]
    division_names = {r["division"]: r["division_label"] for r in lq.rows}
    return {
        "lang": lang,
        "labels": {
            "lq": translate("insights.col.lq", lang),
            "heatmap": translate("insights.chart.lq_heatmap", lang, level=translate(f"insights.col.{level}", lang)),
            "strength": translate("insights.chart.sentra_strength", lang),
            "units": translate("insights.col.sentra_units", lang),
            "value": translate(f"insights.col.ikm_{measure}", lang),
            "strength_short": translate("insights.col.strength", lang),
        },
        "heatmap": {"regions": regions, "divisions": divisions, "cells": cells, "division_names": division_names},
        "strength": [
            {"name": r["name"], "value": [r["units"], round(r["lq"] or 0, 2), r["strength"]]}
            for r in strength.rows[:200]
        ],
    }
