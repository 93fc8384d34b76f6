"""JSON API of entity resolution (/api/v1/resolution)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from jejaring.accounts import authz
from jejaring.accounts.deps import UserDep
from jejaring.accounts.roles import ADMIN, ANALIS
from jejaring.resolution import explain, service
from jejaring.resolution.models import MatchCandidate
from jejaring.resolution.schemas import BulkDecision, CandidateOut, Reason, RunOut
from jejaring.resolution.views import review_scope
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(prefix="/resolution", tags=["resolution"])


def _out(session: Session, cand: MatchCandidate, lang: str) -> CandidateOut:
    a, b = service.firm_pair(session, cand)
    return CandidateOut(
        id=cand.id,
        firm_a=a.public_id,
        firm_b=b.public_id,
        province_code=cand.province_code,
        match_probability=cand.match_probability,
        match_weight=cand.match_weight,
        status=cand.status,
        why=[Reason(**r) for r in explain.reasons(cand.explanation, lang)],
    )


@router.get("/queue", response_model=list[CandidateOut])
def queue(
    session: SessionDep,
    lang: LangDep,
    actor: UserDep,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> list[CandidateOut]:
    """Pending candidate pairs, most likely first (officers see their province only)."""
    rows, _ = service.review_queue(session, province=review_scope(actor, province), page=page)
    return [_out(session, c, lang) for c in rows]


@router.post("/candidates/{candidate_id}/confirm", response_model=CandidateOut)
def confirm(candidate_id: int, session: SessionDep, lang: LangDep, actor: UserDep) -> CandidateOut:
    """Confirm a pair as one firm (merges it)."""
    authz.authorize(actor, "resolution.review", service.get_candidate(session, candidate_id=candidate_id))
    service.bulk_decide(session, candidate_ids=[candidate_id], decision="confirm", actor=actor.label, audit_actor=actor)
    return _out(session, service.get_candidate(session, candidate_id=candidate_id), lang)


@router.post("/candidates/{candidate_id}/reject", response_model=CandidateOut)
def reject(candidate_id: int, session: SessionDep, lang: LangDep, actor: UserDep) -> CandidateOut:
    """Reject a pair: two different firms."""
    authz.authorize(actor, "resolution.review", service.get_candidate(session, candidate_id=candidate_id))
    service.bulk_decide(session, candidate_ids=[candidate_id], decision="reject", actor=actor.label, audit_actor=actor)
    return _out(session, service.get_candidate(session, candidate_id=candidate_id), lang)


@router.post("/candidates/bulk")
def bulk(data: BulkDecision, session: SessionDep, actor: UserDep) -> dict[str, int]:
    """Confirm or reject many pairs."""
    for cid in data.candidate_ids:
        authz.authorize(actor, "resolution.review", service.get_candidate(session, candidate_id=cid))
    decided = service.bulk_decide(
        session, candidate_ids=data.candidate_ids, decision=data.decision, actor=actor.label, audit_actor=actor
    )
    return {"decided": decided}


@router.post("/runs", response_model=RunOut)
def start_run(session: SessionDep, actor: UserDep, full: bool = False) -> RunOut:
    """Run resolution now (incremental unless ``full``); national runs are for admins and analysts."""
    if actor.role not in (ADMIN, ANALIS):
        raise authz.Forbidden("accounts.error.forbidden")
    run = service.run(session, full=full, actor=actor.label)
    return RunOut.model_validate(run, from_attributes=True)


@router.post("/firms/{public_id}/split")
def split(public_id: str, session: SessionDep, actor: UserDep) -> dict[str, str]:
    """Undo the merge of a record (admins, analysts, or the officer of the firm's province)."""
    from jejaring.registry import service as registry_service

    firm = registry_service.get_firm(session, public_id=public_id)
    authz.authorize(actor, "resolution.review", firm)
    restored = service.split_firm(session, public_id=public_id, actor=actor.label)
    from jejaring.accounts import audit

    audit.record(
        session,
        actor=actor,
        action="resolution.split",
        entity_type="firm",
        entity_id=restored.public_id,
        province_code=restored.province_code,
        before={"merged_into": firm.public_id},
        after={"status": restored.status},
    )
    return {"restored": restored.public_id}
