"""Leave, list and read notifications. Creating one is a side effect of a write that its caller has
already authorised and audited; reading and marking as read are the user's own (authorised, audited)."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jejaring.accounts import audit, mail
from jejaring.accounts import service as accounts_service
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import Actor
from jejaring.core.db import utcnow
from jejaring.core.errors import NotFound
from jejaring.core.i18n import translate
from jejaring.notifications.models import Notification

log = logging.getLogger(__name__)


def _safe_link(link: str | None) -> str | None:
    if not link or not link.startswith("/") or link.startswith("//") or "\\" in link:
        return None
    return link[:300]


def notify_user(
    session: Session, *, user_id: int, kind: str, key: str, link: str | None = None, **params: Any
) -> Notification:
    """Leave a notification for one user and mail it when SMTP is configured."""
    note = Notification(
        user_id=user_id,
        kind=kind[:40],
        message_key=key[:80],
        params=json.dumps(params, default=str, ensure_ascii=False),
        link=_safe_link(link),
        created_at=utcnow(),
    )
    session.add(note)
    session.flush()
    _mail(session, note, params)
    return note


def notify_firm(
    session: Session, *, firm_id: int, kind: str, key: str, link: str | None = None, **params: Any
) -> list[Notification]:
    """Notify every owner of ``firm_id`` (none when the firm has no owner yet)."""
    return [
        notify_user(session, user_id=uid, kind=kind, key=key, link=link, **params)
        for uid in accounts_service.owner_user_ids(session, firm_id=firm_id)
    ]


def _mail(session: Session, note: Notification, params: dict[str, Any]) -> None:
    from jejaring.core.config import get_settings

    settings = get_settings()
    if not mail.mail_enabled(settings):
        return
    user = accounts_service.get_user(session, user_id=note.user_id)
    link = settings.base_url.rstrip("/") + note.link if note.link else ""
    body = "\n\n".join(
        part
        for part in (translate(note.message_key, "id", **params), translate(note.message_key, "en", **params), link)
        if part
    )
    subject = translate("notifications.mail_subject", "id", message=translate(note.message_key, "id", **params))
    mail.send_mail(settings, to=user.email, subject=subject[:200], body=body)


def params_of(note: Notification) -> dict[str, Any]:
    """The message parameters of a notification."""
    data: dict[str, Any] = json.loads(note.params or "{}")
    return data


def list_for(session: Session, *, actor: Actor, unread_only: bool = False, limit: int = 100) -> list[Notification]:
    """The actor's own notifications, newest first."""
    authorize(actor, "notification.read")
    stmt = select(Notification).where(Notification.user_id == actor.user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(session.scalars(stmt.order_by(Notification.id.desc()).limit(limit)))


def unread_count(session: Session, *, actor: Actor) -> int:
    """How many of the actor's notifications are unread (0 for the anonymous public)."""
    if not actor.is_authenticated or actor.user_id is None:
        return 0
    stmt = select(func.count()).where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
    return session.scalar(stmt) or 0


def open_notification(session: Session, *, actor: Actor, note_id: int) -> Notification:
    """Mark one of the actor's notifications as read and return it (others' are not found)."""
    note = session.get(Notification, note_id)
    if note is None or note.user_id != actor.user_id:
        authorize(actor, "notification.read")
        raise NotFound("notifications.not_found", field="notification", value=note_id)
    authorize(actor, "notification.mark", note)
    if note.read_at is None:
        note.read_at = utcnow()
        session.flush()
        audit.record(
            session, actor=actor, action="notification.read", entity_type="notification", entity_id=str(note.id)
        )
    return note


def mark_all_read(session: Session, *, actor: Actor) -> int:
    """Mark every unread notification of the actor as read; returns how many."""
    authorize(actor, "notification.mark")
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        audit.record(session, actor=actor, action="notification.read_all", entity_type="user",
                     entity_id=str(actor.user_id), after={"count": count})  # fmt: skip
    session.flush()
    return count
