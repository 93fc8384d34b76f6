"""HTML pages of insights: dashboard, cluster analytics, province pages, sector mapping, exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from jejaring.core import exports
from jejaring.core.errors import NotFound
from jejaring.core.i18n import translate
from jejaring.insights import cache, charts, export, labels, quality, rollups, service, tables
from jejaring.insights.params import InsightsQuery, insights_query
from jejaring.insights.service import Scope
from jejaring.reference import catalog
from jejaring.web import datacache
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import environment, paging, render

router = APIRouter(include_in_schema=False)
QueryDep = Annotated[InsightsQuery, Depends(insights_query)]


def _common(request: Request, session: Any, query: InsightsQuery) -> dict[str, Any]:
    entry = service.latest_refresh(session)
    return {
        "q": query,
        "years": [y for y in service.years(session) if y],
        "provinces": catalog.provinces(),
        "refresh": entry,
        "stale": service.is_stale(session, entry),
        "query_string": request.url.query,
    }


def _scope_params(query: InsightsQuery) -> dict[str, str]:
    out = {}
    if query.year is not None:
        out["year"] = str(query.year)
    if query.province:
        out["province"] = query.province
    return out


def _cards(head: tables.Table) -> dict[str, dict[str, Any]]:
    return {r["key"]: {"row": r, "link": head.links.get((i, "value"))} for i, r in enumerate(head.rows)}


@router.get("/insights")
def dashboard(request: Request, session: SessionDep, lang: LangDep, query: QueryDep) -> Response:
    """The national (or one province's) picture: headline, map, charts and breakdowns."""
    return _memo_page(request, session, lang, query, "dashboard", _dashboard_context)


def _render_body(template: str, context: dict[str, Any], lang: str) -> str:
    """A data-only partial rendered once per rollup refresh (no user, session or CSRF data in it)."""

    def t(key: str, **params: Any) -> str:
        return translate(key, lang, **params)

    return environment().get_template(template).render({**context, "t": t, "lang": lang})


def _memo_page(
    request: Request,
    session: Any,
    lang: str,
    query: InsightsQuery,
    name: str,
    context: Callable[[Request, Any, str, InsightsQuery], dict[str, Any]],
) -> Response:
    """``insights/<name>.html`` around its body ``insights/_<name>.html``, memoised per scope, language and query."""
    body = cache.memo(
        session,
        (f"{name}-html", query.params(), lang, request.url.query),
        lambda: _render_body(f"insights/_{name}.html", context(request, session, lang, query), lang),
    )
    return _page(request, session, lang, query, f"insights/{name}.html", body)


def _page(request: Request, session: Any, lang: str, query: InsightsQuery, template: str, body: str) -> Response:
    """The full page around a memoised body, or the body alone for htmx."""
    if request.headers.get("HX-Request") == "true":
        return HTMLResponse(body, headers={"Vary": "HX-Request, Cookie", "Content-Language": lang})
    context = {
        **_common(request, session, query),
        "body": body,
        "province_name": labels.province_names().get(query.province or "", ""),
    }
    if template == "insights/dashboard.html":
        key = ("realised-partnerships", query.province, date.today())  # on-time payment counts depend on the day
        context["realised"] = datacache.memo(session, key, lambda: _realised_partnerships(session, query.province))
    return render(request, template, context, lang=lang)


def _realised_partnerships(session: Any, province: str | None) -> dict[str, Any] | None:
    """Realised partnership outcomes (not potential value), for the whole country or one province."""
    from jejaring.partnerships import outcomes

    if province:
        rows = [r for r in outcomes.outcome_metrics(session, by="province") if r["group"] == province]
    else:
        rows = outcomes.outcome_metrics(session, by="total")
    return rows[0] if rows else None


def _dashboard_context(request: Request, session: Any, lang: str, query: InsightsQuery) -> dict[str, Any]:
    p = query.params()
    headline = service.headline(session, scope=p.scope)
    built = {
        name: tables.build(session, name, p, lang)
        for name in (
            "headline",
            "regency" if query.province else "province",
            "kbli_division",
            "kbli_group",
            "size_class",
            "certificate",
            "sentra",
            "timeseries",
        )
    }
    chart_data = charts.dashboard(
        lang,
        path_with=_scope_params(query),
        map_data=service.map_data(session, scope=p.scope, lang=lang),
        timeseries=built["timeseries"],
        divisions=built["kbli_division"],
        sizes=built["size_class"],
        headline=headline,
    )
    head = built.pop("headline")
    return {
        "q": query,
        "query_string": request.url.query,
        "h": headline,
        "headline_table": head,
        "cards": _cards(head),
        "tables": built,
        "chart_json": charts.to_json(chart_data),
    }


@router.get("/insights/clusters")
def clusters_page(request: Request, session: SessionDep, lang: LangDep, query: QueryDep) -> Response:
    """Location quotients, specialisation ranking and sentra strength."""
    return _memo_page(request, session, lang, query, "clusters", _clusters_context)


def _clusters_context(request: Request, session: Any, lang: str, query: InsightsQuery) -> dict[str, Any]:
    p = query.params()
    lq = tables.build(session, "lq", p, lang)
    strength = tables.build(session, "sentra_strength", p, lang)
    return {
        "q": query,
        "query_string": request.url.query,
        "lq": lq,
        "spec": tables.build(session, "specialisation", p, lang),
        "strength": strength,
        "chart_json": charts.to_json(
            charts.clusters(lang, lq=lq, level=query.level, strength=strength, measure=query.measure)
        ),
    }


@router.get("/insights/provinces")
def provinces_page(request: Request, session: SessionDep, lang: LangDep, query: QueryDep) -> Response:
    """Data completeness of every province, each linking to its province page."""
    p = query.params()
    context = {
        **_common(request, session, query),
        "completeness": tables.build(session, "completeness", tables.Params(scope=Scope(year=p.scope.year)), lang),
        "quality": tables.build(session, "quality", tables.Params(), lang),
    }
    return render(request, "insights/provinces.html", context, lang=lang)


@router.get("/insights/provinces/{code}")
def province_page(code: str, request: Request, session: SessionDep, lang: LangDep, query: QueryDep) -> Response:
    """One province for its officers: panel, completeness, quality issues, regencies, clusters."""
    if code not in labels.province_names():
        raise NotFound("insights.error.province_not_found", field="province", value=code)
    scope = Scope(year=query.year, province=code)
    p = tables.Params(scope=scope, level="regency", measure=query.measure)
    headline = service.headline(session, scope=scope)
    completeness = tables.build(session, "completeness", p, lang)
    context = {
        **_common(request, session, query),
        "code": code,
        "province_name": labels.province_names()[code],
        "h": headline,
        "headline_table": tables.build(session, "headline", p, lang),
        "completeness_row": completeness.rows[0] if completeness.rows else None,
        "quality": tables.build(session, "quality", p, lang),
        "regencies": tables.build(session, "regency", p, lang),
        "divisions": tables.build(session, "kbli_division", p, lang),
        "spec": tables.build(session, "specialisation", p, lang),
        "scope_qs": f"province={code}" + (f"&year={query.year}" if query.year is not None else ""),
    }
    return render(request, "insights/province.html", context, lang=lang)


@router.get("/insights/issues/{issue}")
def issue_page(
    issue: str,
    request: Request,
    session: SessionDep,
    lang: LangDep,
    province: Annotated[str | None, Query(pattern=r"^(\d{2})?$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The firm records behind one quality-issue count (in one province or all), to be corrected."""
    if issue not in quality.ISSUES:
        raise NotFound("insights.error.issue_not_found", field="issue", value=issue)
    size = request.app.state.settings.page_size
    firms, total = rollups.issue_firms(session, issue=issue, province=province or None, page=page, size=size)
    context = {
        "issue": issue,
        "province": province or None,
        "scope_name": labels.province_names().get(province or "", ""),
        "firms": firms,
        **paging(total, page, size),
    }
    return render(request, "insights/issue.html", context, lang=lang)


@router.get("/insights/sectors")
def sectors_page(request: Request, session: SessionDep, lang: LangDep, query: QueryDep) -> Response:
    """The documented KBLI → sector mapping behind the sector shares."""
    context = {
        **_common(request, session, query),
        "mapping": tables.build(session, "sector_mapping", query.params(), lang),
        "h": service.headline(session, scope=query.params().scope),
    }
    return render(request, "insights/sectors.html", context, lang=lang)


@router.get("/insights/export/{name}.{fmt}")
def export_table(
    name: str,
    fmt: Literal["csv", "xlsx"],
    request: Request,
    session: SessionDep,
    lang: LangDep,
    query: QueryDep,
    dialect: str | None = None,
) -> Response:
    """Any insights table as CSV (``?dialect=excel-id``: semicolons, decimal commas) or XLSX (with a header block)."""
    if name not in tables.TABLES:
        raise NotFound("insights.error.table_not_found", field="table", value=name)
    table = tables.build(session, name, query.params(), lang)
    suffix = "-".join(str(v) for v in (query.province, query.year) if v is not None)
    filename = f"jejaring-{name}{'-' + suffix if suffix else ''}"
    return exports.download(export.as_export(table, lang, year=query.year), fmt, filename, lang, dialect)
