"""In-app notifications for the people of a firm; e-mail as well when SMTP is configured."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.partnerships.models import Notification, Partnership

log = logging.getLogger(__name__)


def notify(
    session: Session, *, firm_id: int, partnership: Partnership | None, kind: str, key: str, **params: Any
) -> Notification:
    """Leave a notification for ``firm_id`` (its owners see it on their partnership pages)."""
    params.setdefault("partnership", partnership.public_id if partnership else "")
    params.setdefault("title", partnership.title if partnership else "")
    note = Notification(
        firm_id=firm_id,
        partnership_id=partnership.id if partnership else None,
        kind=kind,
        message_key=key,
        params=json.dumps(params, default=str),
    )
    session.add(note)
    session.flush()
    from jejaring.notifications import service as notifications_service  # each owner's own list, badge and mail

    link = f"/partnerships/{partnership.public_id}" if partnership else "/partnerships"
    notifications_service.notify_firm(session, firm_id=firm_id, kind=kind, key=key, link=link, **params)
    return note


def for_firms(session: Session, *, firm_ids: frozenset[int], unread_only: bool = False) -> list[Notification]:
    """Notifications of the given firms, newest first."""
    if not firm_ids:
        return []
    stmt = select(Notification).where(Notification.firm_id.in_(list(firm_ids)))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(session.scalars(stmt.order_by(Notification.id.desc()).limit(100)))
