"""JSON API of the ecosystem: summary, gaps, links, graph, flows and a firm's links and risks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from jejaring.accounts.deps import ActorDep
from jejaring.ecosystem import reports, service
from jejaring.ecosystem.reports import Place
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(prefix="/ecosystem", tags=["ecosystem"])
PROVINCE = Query(None, description="Province code, e.g. 33")
REGENCY = Query(None, description="Regency code, e.g. 33.20")
SENTRA = Query(None, description="Sentra public ID")


def _place(
    session: SessionDep, province: str | None = PROVINCE, regency: str | None = REGENCY, sentra: str | None = SENTRA
) -> tuple[Place, str]:
    """The place the query names (the nation when none) and its label; unknown codes are 404."""
    return reports.resolve_place(session, province=province, regency=regency, sentra=sentra)


PlaceDep = Annotated[tuple[Place, str], Depends(_place)]


@router.get("/summary")
def summary(session: SessionDep, where: PlaceDep) -> dict[str, Any]:
    """Share of IKM with at least one link of each kind (the nation when no place is given)."""
    place, label = where
    return {"place": label, **reports.summary(session, place)}


@router.get("/gaps")
def gaps(
    session: SessionDep,
    lang: LangDep,
    where: PlaceDep,
    limit: int = Query(200, ge=1, le=10_000),
) -> list[dict[str, Any]]:
    """Gaps of a place by score: kind, place, score, reason, and the partner search that would close it."""
    place, _ = where
    return [g.as_dict(lang) for g in reports.gaps_for(session, place, limit=limit)]


@router.get("/links")
def links(
    session: SessionDep,
    actor: ActorDep,
    where: PlaceDep,
    limit: int = Query(500, ge=1, le=10_000),
) -> dict[str, Any]:
    """Links of a place; values only for the province's officers and the ministry (others get null)."""
    place, _ = where
    rows = reports.links_for(session, actor=actor, place=place, limit=limit)
    return {"count": len(rows), "values_visible": service.can_see_values(actor, place.region), "links": rows}


@router.get("/graph")
def graph(
    session: SessionDep,
    actor: ActorDep,
    where: PlaceDep,
) -> dict[str, Any]:
    """The linkage graph of a place (ECharts nodes and links)."""
    return reports.graph_data(session, actor=actor, place=where[0])


@router.get("/flows")
def flows(session: SessionDep, province: str | None = PROVINCE, regency: str | None = REGENCY) -> list[dict[str, Any]]:
    """Flows between places (partner's regency → IKM's regency) by kind, with counts."""
    place, _ = reports.resolve_place(session, province=province, regency=regency)
    return reports.flows_data(session, place=place)


@router.get("/firms/{public_id}")
def firm(public_id: str, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """A firm's links and its single-source risks."""
    return reports.firm_panel(session, actor=actor, public_id=public_id)
