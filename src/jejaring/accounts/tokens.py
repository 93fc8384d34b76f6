"""API tokens: created for oneself, shown once, stored as SHA-256, scoped (read/write), revocable."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts import audit, security
from jejaring.accounts.authz import Forbidden, authorize
from jejaring.accounts.models import ApiToken, User
from jejaring.accounts.roles import ADMIN, Actor
from jejaring.accounts.schemas import TokenCreate
from jejaring.accounts.service import actor_for
from jejaring.core.db import utcnow
from jejaring.core.errors import NotFound

TOKEN_PREFIX = "jjk_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_token(session: Session, *, actor: Actor, user: User, data: TokenCreate) -> tuple[ApiToken, str]:
    """Create a token for ``user`` (oneself, or anyone for an admin); returns the row and the secret."""
    authorize(actor, "account.self")
    if user.id != actor.user_id and actor.role != ADMIN:
        raise Forbidden("accounts.error.forbidden")
    if actor.via == "token":
        raise Forbidden("accounts.error.token_cannot_mint")
    secret = security.new_secret(TOKEN_PREFIX)
    row = ApiToken(
        user_id=user.id,
        name=data.name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=security.digest(secret),
        scopes=",".join(data.scopes),
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=data.expires_days) if data.expires_days else None,
    )
    session.add(row)
    session.flush()
    after = {"user": user.email, "name": row.name, "scopes": row.scopes, "prefix": row.prefix}
    audit.log(session, actor, "token.create", "api_token", row, after=after)
    return row, secret


def list_tokens(session: Session, *, actor: Actor, user: User) -> list[ApiToken]:
    """Tokens of ``user`` (oneself, or anyone for an admin), newest first."""
    if user.id != actor.user_id:
        authorize(actor, "user.manage")
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(session.scalars(stmt))


def revoke_token(session: Session, *, actor: Actor, token_id: int) -> ApiToken:
    """Revoke a token (its owner or an admin); idempotent."""
    authorize(actor, "account.self")
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.user_id and actor.role != ADMIN):
        raise NotFound("accounts.error.token_not_found", field="token", value=token_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        after = {"user": row.user.email, "name": row.name, "prefix": row.prefix}
        audit.log(session, actor, "token.revoke", "api_token", row, after=after)
    return row


def actor_from_token(session: Session, *, secret: str) -> Actor | None:
    """The actor behind a bearer token, or None when unknown, revoked, expired or its user is disabled."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == security.digest(secret)))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    user = row.user
    if not user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
        session.flush()
    return actor_for(session, user=user, via="token", scopes=frozenset(row.scope_list), token_id=row.id)
