"""HTML pages of the ecosystem: national summary, a province's, regency's or sentra's page, gap exports, and
the panel on a firm's page."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from jejaring.accounts.deps import ActorDep
from jejaring.accounts.roles import Actor
from jejaring.core import exports
from jejaring.ecosystem import inputoutput, reports, service
from jejaring.ecosystem.enums import LinkKind
from jejaring.reference import catalog
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)
SHOWN_GAPS = 50


def _page(request: Request, session: Session, actor: Actor, lang: str, place: reports.Place, label: str) -> Response:
    fresh = reports.freshness(session)
    found, total = reports.gaps_head(session, place, SHOWN_GAPS)
    links = reports.links_for(session, actor=actor, place=place, limit=300)
    query = {k: v for k, v in (("province", place.province), ("regency", place.regency), ("sentra", place.sentra)) if v}
    context: dict[str, Any] = {
        "place": place,
        "label": label,
        "freshness": fresh,
        "summary": reports.summary(session, place),
        "gaps": found,
        "more": max(0, total - SHOWN_GAPS),
        "links": links,
        "link_total": len(links),
        "values_visible": service.can_see_values(actor, place.region),
        "kinds": [k.value for k in LinkKind],
        "graph_json": json.dumps(reports.graph_of(links), ensure_ascii=False),
        "flows_json": json.dumps(
            reports.flows_data(session, place=place) if place.province else [], ensure_ascii=False
        ),
        "export_query": urlencode(query),
        "provinces": catalog.provinces(),
        "match_url": lambda g: "/match?" + urlencode(g.search),
        "io_rows": _io_rows(place, lang) if place.kind is None else [],
    }
    return render(request, "ecosystem/page.html", context, lang=lang)


def _io_rows(place: reports.Place, lang: str) -> list[dict[str, Any]]:
    titles = catalog.kbli_titles()

    def title(code: str) -> str:
        title_id, title_en = titles.get(code, (code, None))
        return (title_en or title_id) if lang == "en" else title_id

    return [
        {
            "input": title(c.input_division),
            "using": title(c.using_division),
            "band": c.band,
            "value": c.value,
            "reason": c.reason,
        }
        for c in inputoutput.default_cells()
    ]


@router.get("/ecosystem")
def national(
    request: Request, session: SessionDep, actor: ActorDep, lang: LangDep, province: str | None = None
) -> Response:
    """The national summary: share of IKM with at least one link of each kind, and the largest gaps.

    ``?province=K`` (the place chooser without JavaScript) leads to the province's page."""
    if province:
        return RedirectResponse(f"/ecosystem/provinsi/{quote(province.strip())}", status_code=303)
    return _page(request, session, actor, lang, reports.Place(), "Indonesia")


@router.get("/ecosystem/provinsi/{code}")
def province(code: str, request: Request, session: SessionDep, actor: ActorDep, lang: LangDep) -> Response:
    """A province's ecosystem page."""
    place, label = reports.resolve_place(session, province=code)
    return _page(request, session, actor, lang, place, label)


@router.get("/ecosystem/kabupaten/{code}")
def regency(code: str, request: Request, session: SessionDep, actor: ActorDep, lang: LangDep) -> Response:
    """A regency's ecosystem page."""
    place, label = reports.resolve_place(session, regency=code)
    return _page(request, session, actor, lang, place, label)


@router.get("/ecosystem/sentra/{public_id}")
def sentra(public_id: str, request: Request, session: SessionDep, actor: ActorDep, lang: LangDep) -> Response:
    """A sentra's ecosystem page."""
    place, label = reports.resolve_place(session, sentra=public_id)
    return _page(request, session, actor, lang, place, label)


@router.get("/ecosystem/laporan.{fmt}")
def export(
    fmt: str,
    session: SessionDep,
    actor: ActorDep,
    lang: LangDep,
    province: str | None = None,
    regency: str | None = None,
    sentra: str | None = None,
    dialect: str | None = None,
) -> Response:
    """The gap report of a place for officers (their province) and the ministry, as CSV or XLSX."""
    place, _ = reports.resolve_place(session, province=province, regency=regency, sentra=sentra)
    reports.check_export(actor, place)
    rows = reports.export_rows(session, place, lang)
    name = f"kesenjangan_{place.sentra or place.regency or place.province or 'nasional'}"
    if fmt not in ("csv", "xlsx"):
        return Response(status_code=404)
    return exports.download(reports.as_export(rows, lang), fmt, name, lang, dialect)


@router.get("/firms/{public_id}/ecosystem")
def firm_panel(public_id: str, request: Request, session: SessionDep, actor: ActorDep, lang: LangDep) -> Response:
    """A firm's links and single-source risks (the firm page loads it; a full page without JavaScript)."""
    data = reports.firm_panel(session, actor=actor, public_id=public_id)
    return render(request, "ecosystem/firm.html", {"panel": data}, lang=lang, partial="ecosystem/_firm_panel.html")
