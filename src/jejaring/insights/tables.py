"""Every insights table as one shape (columns + rows) for pages, CSV/XLSX export and the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from jejaring.core.i18n import translate
from jejaring.insights import cache, clusters, labels, quality, service
from jejaring.insights.service import Scope
from jejaring.reference import catalog


@dataclass(frozen=True)
class Column:
    """A column: row key, i18n label key and kind (text | int | share | float | rupiah)."""

    key: str
    label: str
    kind: str = "text"


@dataclass
class Table:
    """A titled table; ``links`` maps (row index, column key) → URL of the records behind a cell."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    links: dict[tuple[int, str], str] = field(default_factory=dict)
    note: str | None = None  # translated sentence shown under the title (e.g. a ranking's minimum size)

    def header(self, lang: str) -> list[str]:
        """Translated column labels."""
        return [translate(c.label, lang) for c in self.columns]

    def values(self) -> list[list[Any]]:
        """Row values in column order (raw numbers; shares as fractions)."""
        return [[row.get(c.key) for c in self.columns] for row in self.rows]


@dataclass(frozen=True)
class Params:
    """Table parameters from the query string."""

    scope: Scope = field(default_factory=Scope)
    level: str = "province"
    measure: str = "units"


def _int(value: int, lang: str) -> str:
    return f"{value:,}".replace(",", "." if lang == "id" else ",")


def firms_url(params: dict[str, str] | None) -> str | None:
    """The firm-list URL for the given filters."""
    return "/firms?" + urlencode(params) if params else None


IKM_COLUMNS = [
    Column("ikm_units", "insights.col.ikm_units", "int"),
    Column("share_of_ikm", "insights.col.share_of_ikm", "share"),
    Column("ikm_workers", "insights.col.ikm_workers", "int"),
    Column("industry_units", "insights.col.industry_units", "int"),
    Column("ikm_unit_share", "insights.col.ikm_unit_share", "share"),
    Column("ikm_output", "insights.col.ikm_output", "rupiah"),
]


def _breakdown(dim: str) -> Callable[[Session, Params, str], Table]:
    def build(session: Session, p: Params, lang: str) -> Table:
        rows = service.breakdown(session, dim=dim, scope=p.scope, lang=lang)
        if dim == "sentra":
            cols = [
                Column("code", "insights.col.code"),
                Column("label", "insights.col.province"),
                Column("sentra", "insights.col.sentra", "int"),
                Column("sentra_units", "insights.col.sentra_units", "int"),
                Column("sentra_workers", "insights.col.sentra_workers", "int"),
            ]
            links = {(i, "sentra"): "/sentra?" + urlencode(r["sentra_link"]) for i, r in enumerate(rows) if r["code"]}
            return Table(dim, f"insights.table.{dim}", cols, rows, links)
        cols = [Column("code", "insights.col.code"), Column("label", f"insights.col.{dim}"), *IKM_COLUMNS]
        if dim == "certificate":
            cols = [c for c in cols if c.key != "ikm_output"]
        if dim in ("size_class", "certificate"):  # the label says it all; keeps the half-width tables readable
            cols = [c for c in cols if c.key not in ("code", "industry_units")]
        links = {}
        for i, r in enumerate(rows):
            url = firms_url(r["firm_link"])
            if url:
                links[(i, "ikm_units")] = url
        return Table(dim, f"insights.table.{dim}", cols, rows, links)

    return build


def headline_table(session: Session, p: Params, lang: str) -> Table:
    """The headline panel as a table: figure, value, share, reference years, source."""
    h = service.headline(session, scope=p.scope)
    src = h["sources"]
    if p.scope.province:  # a province shows only the offices, files and sentra sources behind its own records
        src = (src.get("by_province") or {}).get(p.scope.province, {"offices": 0, "files": 0, "sentra_sources": []})
    years = p.scope.year or (
        f"{src.get('year_min')}–{src.get('year_max')}"
        if src.get("year_min") != src.get("year_max")
        else src.get("year_min")
    )
    registry = (
        translate("insights.source.registry", lang, offices=src["offices"], files=src.get("files", 0))
        if src.get("offices")
        else translate("insights.source.registry_plain", lang)
    )
    sentra_src = "; ".join(src.get("sentra_sources") or []) or translate("insights.source.sentra_registry", lang)
    base = p.scope.firm_params()
    rows: list[dict[str, Any]] = [
        {"key": "ikm_units", "value": h["ikm_units"], "share": h["ikm_unit_share"], "link": {**base, "role": "ikm"}},
        {
            "key": "ikm_workers",
            "value": h["ikm_workers"],
            "share": h["ikm_worker_share"],
            "link": {**base, "role": "ikm"},
        },
        {"key": "industry_units", "value": h["industry_units"], "share": None, "link": {**base}},
        {"key": "industry_workers", "value": h["industry_workers"], "share": None, "link": {**base}},
        {
            "key": "large_units",
            "value": h["large_units"],
            "share": None,
            "link": {**base, "role": "industri_besar"},
        },
        {"key": "sentra", "value": h["sentra"], "share": None, "sentra": True},
        {
            "key": "ikm_output",
            "value": h["ikm_output"],
            "share": h["ikm_output_share"],
            "link": {**base, "role": "ikm"},
        },
    ]
    for sector, s in h["sectors"].items():
        rows.append(
            {
                "key": f"sector.{sector}",
                "value": s["units"],
                "share": s["share"],
                "link": {**base, "role": "ikm", "sector": sector},
            }
        )
    links = {}
    for i, r in enumerate(rows):
        r["label"] = translate(f"insights.figure.{r['key']}", lang)
        r["reference_year"] = years if not r.get("sentra") else (p.scope.year or src.get("sentra_year_max"))
        r["source"] = sentra_src if r.get("sentra") else registry
        if r.get("sentra"):
            links[(i, "value")] = "/sentra" + (f"?province={p.scope.province}" if p.scope.province else "")
        else:
            links[(i, "value")] = firms_url(r["link"]) or "/firms"
    cols = [
        Column("label", "insights.col.figure"),
        Column("value", "insights.col.value", "int"),
        Column("share", "insights.col.share", "share"),
        Column("reference_year", "insights.col.reference_year"),
        Column("source", "insights.col.source"),
    ]
    return Table("headline", "insights.table.headline", cols, rows, links)


def timeseries_table(session: Session, p: Params, lang: str) -> Table:
    """Units, workers and output per reference year."""
    rows = service.timeseries(session, scope=p.scope)
    for r in rows:
        r["year_label"] = str(r["year"]) if r["year"] else translate("insights.unknown", lang)
    cols = [
        Column("year_label", "insights.col.reference_year"),
        Column("ikm_units", "insights.col.ikm_units", "int"),
        Column("ikm_workers", "insights.col.ikm_workers", "int"),
        Column("industry_units", "insights.col.industry_units", "int"),
        Column("industry_workers", "insights.col.industry_workers", "int"),
        Column("ikm_unit_share", "insights.col.ikm_unit_share", "share"),
        Column("ikm_output", "insights.col.ikm_output", "rupiah"),
    ]
    links = {
        (i, "ikm_units"): firms_url(
            {**Scope(province=p.scope.province).firm_params(), "role": "ikm", "year": str(r["year"])}
        )
        or ""
        for i, r in enumerate(rows)
        if r["year"]
    }
    return Table("timeseries", "insights.table.timeseries", cols, rows, links)


def lq_table(session: Session, p: Params, lang: str) -> Table:
    """Location quotients of every region × KBLI division cell."""
    rows = clusters.lq_table(session, level=p.level, measure=p.measure, scope=p.scope, lang=lang)
    cols = [
        Column("region", "insights.col.code"),
        Column("region_label", f"insights.col.{p.level}"),
        Column("division", "insights.col.division_code"),
        Column("division_label", "insights.col.kbli_division"),
        Column("value", f"insights.col.ikm_{p.measure}", "int"),
        Column("region_share", "insights.col.region_share", "share"),
        Column("national_share", "insights.col.national_share", "share"),
        Column("lq", "insights.col.lq", "float"),
    ]
    key = "province" if p.level == "province" else "regency"
    links = {
        (i, "value"): firms_url({key: r["region"], "kbli_division": r["division"], "role": "ikm"}) or ""
        for i, r in enumerate(rows)
    }
    unit = translate(f"insights.unit.{p.measure}", lang)
    floor = clusters.SIGNIFICANT[p.measure]
    note = translate("insights.lq_minimum", lang, n=_int(floor, lang), unit=unit)
    return Table("lq", "insights.table.lq", cols, rows, links, note)


def specialisation_table(session: Session, p: Params, lang: str) -> Table:
    """Regions ranked by specialisation index."""
    rows = clusters.specialisation(session, level=p.level, measure=p.measure, scope=p.scope, lang=lang)
    cols = [
        Column("rank", "insights.col.rank", "int"),
        Column("region_label", f"insights.col.{p.level}"),
        Column("region_total", f"insights.col.ikm_{p.measure}", "int"),
        Column("specialisation_index", "insights.col.specialisation_index", "float"),
        Column("top_division_label", "insights.col.top_division"),
        Column("top_lq", "insights.col.lq", "float"),
        Column("specialised_divisions", "insights.col.specialised_divisions", "int"),
    ]
    unit = translate(f"insights.unit.{p.measure}", lang)
    lq = f"{clusters.SPECIALISED_LQ:.2f}".replace(".", "," if lang == "id" else ".")
    note = translate(
        "insights.specialisation_minimum", lang, n=_int(clusters.SPECIALISATION_MIN[p.measure], lang), unit=unit, lq=lq
    )
    return Table("specialisation", "insights.table.specialisation", cols, rows, note=note)


def sentra_strength_table(session: Session, p: Params, lang: str) -> Table:
    """Sentra ranked by strength."""
    rows = clusters.sentra_strength(session, scope=p.scope, lang=lang)
    cols = [
        Column("name", "insights.col.sentra_name"),
        Column("regency_label", "insights.col.regency"),
        Column("province_label", "insights.col.province"),
        Column("commodity", "insights.col.commodity"),
        Column("division_label", "insights.col.kbli_division"),
        Column("units", "insights.col.sentra_units", "int"),
        Column("workers", "insights.col.sentra_workers", "int"),
        Column("members", "insights.col.members", "int"),
        Column("lq", "insights.col.lq", "float"),
        Column("focus", "insights.col.focus", "share"),
        Column("strength", "insights.col.strength", "float"),
    ]
    links = {(i, "name"): f"/sentra/{r['public_id']}" for i, r in enumerate(rows)}
    return Table("sentra_strength", "insights.table.sentra_strength", cols, rows, links)


def completeness_table(session: Session, p: Params, lang: str) -> Table:
    """Data completeness per province."""
    rows = quality.completeness(session, scope=p.scope, lang=lang)
    cols = [
        Column("code", "insights.col.code"),
        Column("label", "insights.col.province"),
        Column("units", "insights.col.industry_units", "int"),
        Column("nib_share", "insights.col.nib_share", "share"),
        Column("coordinates_share", "insights.col.coordinates_share", "share"),
        Column("certificate_share", "insights.col.certificate_share", "share"),
        Column("output_share", "insights.col.output_share", "share"),
        Column("workers_share", "insights.col.workers_share", "share"),
    ]
    links = {(i, "label"): f"/insights/provinces/{r['code']}" for i, r in enumerate(rows)}
    return Table("completeness", "insights.table.completeness", cols, rows, links)


def quality_table(session: Session, p: Params, lang: str) -> Table:
    """Counts of quality issues."""
    rows = quality.issues(session, province=p.scope.province, lang=lang)
    cols = [Column("label", "insights.col.issue"), Column("units", "insights.col.records", "int")]
    where = {"province": p.scope.province} if p.scope.province else {}
    links = {
        (i, "units"): f"/insights/issues/{r['issue']}" + ("?" + urlencode(where) if where else "")
        for i, r in enumerate(rows)
        if r["units"]
    }
    return Table("quality", "insights.table.quality", cols, rows, links)


def sector_mapping_table(session: Session, p: Params, lang: str) -> Table:
    """The documented KBLI → sector mapping (a code covers all its descendants)."""
    rows = [
        {
            "sector": r["sector"],
            "sector_label": labels.label("sector", r["sector"], lang),
            "kbli_code": r["kbli_code"],
            "kbli_title": labels.kbli(r["kbli_code"], lang),
        }
        for r in catalog.kbli_sector_rows()
    ]
    creative = [
        {**r, "sector": "industri_kreatif", "sector_label": labels.label("sector", "industri_kreatif", lang)}
        for r in rows
        if r["sector"] in ("makanan_minuman", "kerajinan", "fesyen")
        and not any(x["sector"] == "industri_kreatif" and x["kbli_code"] == r["kbli_code"] for x in rows)
    ]
    cols = [
        Column("sector_label", "insights.col.sector"),
        Column("kbli_code", "insights.col.kbli_prefix"),
        Column("kbli_title", "insights.col.kbli_title"),
    ]
    all_rows = sorted(rows + creative, key=lambda r: (r["sector"], r["kbli_code"]))
    links = {(i, "kbli_code"): firms_url({"kbli": r["kbli_code"]}) or "" for i, r in enumerate(all_rows)}
    return Table("sector_mapping", "insights.table.sector_mapping", cols, all_rows, links)


TABLES: dict[str, Callable[[Session, Params, str], Table]] = {
    "headline": headline_table,
    **{dim: _breakdown(dim) for dim in service.BREAKDOWNS},
    "timeseries": timeseries_table,
    "lq": lq_table,
    "specialisation": specialisation_table,
    "sentra_strength": sentra_strength_table,
    "completeness": completeness_table,
    "quality": quality_table,
    "sector_mapping": sector_mapping_table,
}


def build(session: Session, name: str, params: Params, lang: str) -> Table:
    """Build table ``name`` (KeyError when unknown); answers are memoised per rollup refresh."""
    builder = TABLES[name]
    return cache.memo(session, ("table", name, params, lang), lambda: builder(session, params, lang))
