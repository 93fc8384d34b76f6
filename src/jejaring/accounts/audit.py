"""The audit log: every write records who, when, what, and the record before and after (JSON)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.accounts.authz import authorize, scope_province
from jejaring.accounts.models import AuditEvent
from jejaring.accounts.roles import ADMIN, Actor
from jejaring.core.db import utcnow


def _default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _dump(data: dict[str, Any] | None) -> str | None:
    return None if data is None else json.dumps(data, default=_default, ensure_ascii=False, sort_keys=True)


def snapshot(obj: Any, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """A JSON-ready dict of ``fields`` of ``obj``, for ``before``/``after``."""
    return {f: getattr(obj, f, None) for f in fields}


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: str | None = None,
    province_code: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event in the caller's transaction (so it commits or rolls back with the change)."""
    event = AuditEvent(
        at=utcnow(),
        actor_user_id=actor.user_id,
        actor_label=actor.label[:254],
        via=actor.via,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        province_code=province_code,
        before_json=_dump(before),
        after_json=_dump(after),
    )
    session.add(event)
    session.flush()
    return event


class _FromEntity:
    """Marker: take the province from the entity."""


FROM_ENTITY: Any = _FromEntity()


def log(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    province_code: str | None = FROM_ENTITY,
) -> AuditEvent:
    """Record ``action`` on ``entity``: its ID is its ``public_id`` (else ``id``), its province its own."""
    entity_id = getattr(entity, "public_id", None) or getattr(entity, "id", None)
    if province_code is FROM_ENTITY:
        province_code = getattr(entity, "province_code", None) or None
    return record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        province_code=province_code,
        before=before,
        after=after,
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def list_events(
    session: Session,
    *,
    actor: Actor,
    province: str | None = None,
    action: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[AuditEvent], int]:
    """Audit events the actor may see, newest first: admins all, an officer only their province's."""
    if actor.role == ADMIN:
        authorize(actor, "audit.read")
    else:
        own = scope_province(actor)
        if province and province != own:
            authorize(actor, "audit.read", province)
        province = own
        authorize(actor, "audit.read", {"province_code": own, "regency_code": actor.regency_code})
    stmt = select(AuditEvent)
    if province:
        stmt = stmt.where(AuditEvent.province_code == province)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return list(rows), total


def loads(text: str | None) -> dict[str, Any] | None:
    """The stored JSON of ``before``/``after`` as a dict."""
    return None if text is None else json.loads(text)


def entity_events(session: Session, *, entity_type: str, entity_id: str, limit: int = 200) -> list[AuditEvent]:
    """The audit events of one entity, oldest first; the calling domain decides who may see them."""
    stmt = select(AuditEvent).where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
    return list(session.scalars(stmt.order_by(AuditEvent.at, AuditEvent.id).limit(limit)))
