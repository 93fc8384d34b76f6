"""JSON API of accounts (/api/v1): who am I, my API tokens, claims to review, the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from jejaring.accounts import audit, claims, tokens
from jejaring.accounts import service as accounts_service
from jejaring.accounts.deps import UserDep, require_role
from jejaring.accounts.roles import ADMIN, PETUGAS, Actor
from jejaring.accounts.schemas import (
    AuditEventOut,
    ClaimOut,
    ClaimReview,
    MeOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
)
from jejaring.registry import service as registry_service
from jejaring.registry.schemas import Page
from jejaring.web.deps import SessionDep

router = APIRouter(tags=["accounts"])
AuditReaderDep = Annotated[Actor, Depends(require_role(ADMIN, PETUGAS))]


@router.get("/me", response_model=MeOut)
def me(session: SessionDep, actor: UserDep) -> MeOut:
    """The caller: role, region, owned firms and the scopes of the credential used."""
    firm_ids = []
    for fid in sorted(actor.firm_ids):
        firm = registry_service.firm_by_id(session, fid)
        if firm is not None:
            firm_ids.append(firm.public_id)
    return MeOut(
        role=actor.role,
        email=actor.email,
        name=actor.name,
        province_code=actor.province_code,
        regency_code=actor.regency_code,
        firm_ids=firm_ids,
        scopes=sorted(actor.scopes),
        via=actor.via,
    )


@router.get("/me/tokens", response_model=list[TokenOut])
def my_tokens(session: SessionDep, actor: UserDep) -> list[TokenOut]:
    """My API tokens (never their secrets)."""
    assert actor.user_id is not None
    user = accounts_service.get_user(session, user_id=actor.user_id)
    return [TokenOut.model_validate(t) for t in tokens.list_tokens(session, actor=actor, user=user)]


@router.post("/me/tokens", response_model=TokenCreated, status_code=201)
def create_my_token(data: TokenCreate, session: SessionDep, actor: UserDep) -> TokenCreated:
    """Create an API token (from a signed-in browser session only); the secret is in this answer only."""
    assert actor.user_id is not None
    user = accounts_service.get_user(session, user_id=actor.user_id)
    row, secret = tokens.create_token(session, actor=actor, user=user, data=data)
    return TokenCreated(**TokenOut.model_validate(row).model_dump(), token=secret)


@router.delete("/me/tokens/{token_id}", status_code=204)
def revoke_my_token(token_id: int, session: SessionDep, actor: UserDep) -> Response:
    """Revoke one of my tokens."""
    tokens.revoke_token(session, actor=actor, token_id=token_id)
    return Response(status_code=204)


@router.get("/claims", response_model=list[ClaimOut])
def list_claims(
    session: SessionDep,
    actor: UserDep,
    status: Annotated[str | None, Query(pattern="^(pending|approved|rejected)$")] = None,
) -> list[ClaimOut]:
    """Claims I may see: my own (owner), my province's (officer), all (admin)."""
    return [claims.claim_out(session, c) for c in claims.list_claims(session, actor=actor, status=status)]


@router.post("/claims/{public_id}/review", response_model=ClaimOut)
def review_claim(public_id: str, review: ClaimReview, session: SessionDep, actor: UserDep) -> ClaimOut:
    """Approve or reject a pending claim (officer of the firm's province, or admin)."""
    claim = claims.get_claim(session, actor=actor, public_id=public_id)
    return claims.claim_out(session, claims.review_claim(session, actor=actor, claim=claim, review=review))


@router.get("/audit", response_model=Page[AuditEventOut])
def audit_log(
    request: Request,
    session: SessionDep,
    actor: AuditReaderDep,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Page[AuditEventOut]:
    """Audit events, newest first: admins all, an officer their province's."""
    size = request.app.state.settings.page_size
    events, total = audit.list_events(session, actor=actor, province=province, action=action, page=page, page_size=size)
    items = [
        AuditEventOut.model_validate(e).model_copy(
            update={"before": audit.loads(e.before_json), "after": audit.loads(e.after_json)}
        )
        for e in events
    ]
    return Page[AuditEventOut](items=items, total=total, page=page, page_size=size)
