"""JSON API of entity resolution (/api/v1/resolution)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from jejaring.accounts.deps import UserDep
from jejaring.resolution import explain, service
from jejaring.resolution.models import MatchCandidate
from jejaring.resolution.schemas import BulkDecision, CandidateOut, Reason, RunOut
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
    rows, _ = service.review_queue(session, province=service.review_scope(actor, province), page=page)
    return [_out(session, c, lang) for c in rows]


@router.post("/candidates/{candidate_id}/confirm", response_model=CandidateOut)
def confirm(candidate_id: int, session: SessionDep, lang: LangDep, actor: UserDep) -> CandidateOut:
    """Confirm a pair as one firm (merges it)."""
    return _out(session, service.confirm(session, actor=actor, candidate_id=candidate_id), lang)


@router.post("/candidates/{candidate_id}/reject", response_model=CandidateOut)
def reject(candidate_id: int, session: SessionDep, lang: LangDep, actor: UserDep) -> CandidateOut:
    """Reject a pair: two different firms."""
    return _out(session, service.reject(session, actor=actor, candidate_id=candidate_id), lang)


@router.post("/candidates/bulk")
def bulk(data: BulkDecision, session: SessionDep, actor: UserDep) -> dict[str, int]:
    """Confirm or reject many pairs."""
    decided = service.bulk_decide(session, actor=actor, candidate_ids=data.candidate_ids, decision=data.decision)
    return {"decided": decided}


@router.post("/runs", response_model=RunOut)
def start_run(session: SessionDep, actor: UserDep, full: bool = False) -> RunOut:
    """Run resolution now (incremental unless ``full``); national runs are for admins and analysts."""
    run = service.run(session, actor=actor, full=full)
    return RunOut.model_validate(run, from_attributes=True)


@router.post("/firms/{public_id}/split")
def split(public_id: str, session: SessionDep, actor: UserDep) -> dict[str, str]:
    """Undo the merge of a record (admins, analysts, or the officer of the firm's province)."""
    restored = service.split_firm(session, actor=actor, public_id=public_id)
    return {"restored": restored.public_id}
