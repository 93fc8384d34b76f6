"""JSON API of insights (/api/v1/stats and /api/v1/insights/…)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from jejaring.accounts.deps import require_role
from jejaring.accounts.roles import ADMIN, PETUGAS
from jejaring.core.errors import NotFound
from jejaring.insights import service, tables
from jejaring.insights.params import InsightsQuery, insights_query
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(tags=["insights"])
require_writer = require_role(ADMIN, PETUGAS)
QueryDep = Annotated[InsightsQuery, Depends(insights_query)]


@router.get("/stats")
def stats(session: SessionDep, _query: QueryDep) -> dict[str, Any]:
    """Headline figures: IKM and industry units and workers, sentra, sector shares, IKM per province."""
    return service.stats(session)


@router.get("/insights/headline")
def headline(session: SessionDep, query: QueryDep) -> dict[str, Any]:
    """The headline panel for a year and/or province, with shares, completeness and sources."""
    data = service.headline(session, scope=query.params().scope)
    data["scope"] = {"year": query.year, "province": query.province}
    return data


@router.get("/insights/tables")
def table_names() -> dict[str, list[str]]:
    """Names of every insights table available under /insights/tables/{name}."""
    return {"tables": list(tables.TABLES)}


@router.get("/insights/tables/{name}")
def table(name: str, session: SessionDep, lang: LangDep, query: QueryDep) -> dict[str, Any]:
    """One insights table: columns (key, label, kind) and rows (shares as fractions)."""
    if name not in tables.TABLES:
        raise NotFound("insights.error.table_not_found", field="table", value=name)
    built = tables.build(session, name, query.params(), lang)
    return {
        "name": built.name,
        "columns": [
            {"key": c.key, "label": label, "kind": c.kind}
            for c, label in zip(built.columns, built.header(lang), strict=True)
        ],
        "rows": [{c.key: row.get(c.key) for c in built.columns} for row in built.rows],
        "scope": {"year": query.year, "province": query.province, "level": query.level, "measure": query.measure},
    }


@router.get("/insights/map")
def map_data(session: SessionDep, lang: LangDep, query: QueryDep) -> dict[str, Any]:
    """Province values for the choropleth and regency bubbles with seat coordinates."""
    return service.map_data(session, scope=query.params().scope, lang=lang)


@router.post("/insights/refresh", dependencies=[Depends(require_writer)])
def refresh(request: Request, session: SessionDep) -> dict[str, Any]:
    """Rebuild the rollups now (administrators and provincial officers; imports do this themselves)."""
    entry = service.refresh_rollups(session)
    return {"refreshed_at": entry.refreshed_at, "industry_units": entry.firms, "seconds": entry.seconds}
