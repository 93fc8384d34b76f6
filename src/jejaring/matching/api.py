"""JSON API of matching (/api/v1): needs, offers, partner search, proposals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from jejaring.accounts.deps import UserDep
from jejaring.matching import search, service
from jejaring.matching.models import Need, Offer
from jejaring.matching.schemas import (
    ListingOut,
    MatchOut,
    MatchQuery,
    MatchResultOut,
    NeedIn,
    OfferIn,
    OfferOut,
    ProposalIn,
    ProposalOut,
)
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(tags=["matching"])


def _listing_out(session: Session, row: Need | Offer) -> ListingOut:
    firm = service.listing_firm(session, row)
    model = OfferOut if isinstance(row, Offer) else ListingOut
    out = model.model_validate(row)
    out.firm_public_id = firm.public_id if firm else None
    return out


def _match_out(outcome: search.MatchOutcome) -> MatchOut:
    return MatchOut(
        results=[
            MatchResultOut(
                id=r.candidate.doc.public_id,
                name=r.candidate.doc.name,
                score=r.score,
                why=r.why,
                components={p.name: p.score for p in r.parts},
                distance_km=None if r.candidate.distance_km is None else round(r.candidate.distance_km, 1),
                regency_code=r.candidate.doc.regency_code,
                roles=r.candidate.doc.roles,
            )
            for r in outcome.ranked
        ],
        consortium=outcome.consortium.to_json() if outcome.consortium else None,
        understood=outcome.understood.to_json() if outcome.understood else None,
    )


@router.post("/match", response_model=MatchOut)
def match(query: MatchQuery, request: Request, session: SessionDep, lang: LangDep) -> MatchOut:
    """Ranked, explained partners for a need described in the body; a consortium when no firm suffices."""
    return _match_out(search.search(session, request.app.state.settings, query=query, lang=lang))


@router.get("/needs", response_model=list[ListingOut])
def list_needs(session: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[ListingOut]:
    """Open needs, newest first."""
    return [_listing_out(session, n) for n in service.list_needs(session, limit=limit)]


@router.post("/needs", response_model=ListingOut, status_code=201)
def create_need(data: NeedIn, session: SessionDep, actor: UserDep) -> ListingOut:
    """Post a need (for a firm the actor may act for)."""
    return _listing_out(session, service.create_need(session, actor=actor, data=data))


@router.get("/needs/{public_id}", response_model=ListingOut)
def read_need(public_id: str, session: SessionDep) -> ListingOut:
    """One need."""
    return _listing_out(session, service.get_need(session, public_id=public_id))


@router.get("/needs/{public_id}/matches", response_model=MatchOut)
def need_matches(public_id: str, request: Request, session: SessionDep, lang: LangDep) -> MatchOut:
    """Partners for a posted need."""
    need = service.get_need(session, public_id=public_id)
    return _match_out(search.match_need(session, request.app.state.settings, need=need, lang=lang))


@router.post("/needs/{public_id}/close", response_model=ListingOut)
def close_need(public_id: str, session: SessionDep, actor: UserDep) -> ListingOut:
    """Close a need (the posting firm's owner or an admin)."""
    need = service.get_need(session, public_id=public_id)
    service.close_listing(session, actor=actor, listing=need)
    return _listing_out(session, need)


@router.get("/offers", response_model=list[OfferOut])
def list_offers(session: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[ListingOut]:
    """Open offers, newest first."""
    return [_listing_out(session, o) for o in service.list_offers(session, limit=limit)]


@router.post("/offers", response_model=OfferOut, status_code=201)
def create_offer(data: OfferIn, session: SessionDep, actor: UserDep) -> ListingOut:
    """Post an offer for a firm the actor may act for."""
    return _listing_out(session, service.create_offer(session, actor=actor, data=data))


@router.get("/offers/{public_id}", response_model=OfferOut)
def read_offer(public_id: str, session: SessionDep) -> ListingOut:
    """One offer."""
    return _listing_out(session, service.get_offer(session, public_id=public_id))


@router.post("/match/proposals", response_model=ProposalOut, status_code=201)
def create_proposal(data: ProposalIn, session: SessionDep, actor: UserDep) -> ProposalOut:
    """Record interest in a matched firm (the partnerships domain takes it from here)."""
    p = service.propose(session, actor=actor, data=data)
    return _proposal_out(session, p)


def _proposal_out(session: Session, p: object) -> ProposalOut:
    from jejaring.matching.models import MatchProposal
    from jejaring.registry import service as registry_service

    assert isinstance(p, MatchProposal)
    to_firm = registry_service.firm_by_id(session, p.to_firm_id)
    need = session.get(Need, p.need_id) if p.need_id else None
    return ProposalOut(
        public_id=p.public_id,
        to_firm=to_firm.public_id if to_firm else "",
        need=need.public_id if need else None,
        role=p.role,
        status=p.status,
        created_at=p.created_at,
    )
