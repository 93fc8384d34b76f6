"""In-app notifications for the people of a firm; e-mail as well when SMTP is configured."""

from __future__ import annotations

import json
import logging
import smtplib
from email.message import EmailMessage
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
    _mail_owners(session, note)
    return note


def _mail_owners(session: Session, note: Notification) -> None:
    """E-mail the notification to the firm's owners when SMTP is configured (failures are logged)."""
    from jejaring.core.config import get_settings

    settings = get_settings()
    if not settings.smtp_host:
        return
    from jejaring.accounts import service as accounts_service
    from jejaring.core.i18n import translate

    emails = accounts_service.owner_emails(session, firm_id=note.firm_id)
    if not emails:
        return
    params = json.loads(note.params)
    message = EmailMessage()
    message["Subject"] = translate("partnerships.mail.subject", "id", **params)
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(emails)
    message.set_content(
        translate(note.message_key, "id", **params) + "\n\n" + translate(note.message_key, "en", **params)
    )
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not e-mail the partnership notification %s", note.id)


def for_firms(session: Session, *, firm_ids: frozenset[int], unread_only: bool = False) -> list[Notification]:
    """Notifications of the given firms, newest first."""
    if not firm_ids:
        return []
    stmt = select(Notification).where(Notification.firm_id.in_(list(firm_ids)))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(session.scalars(stmt.order_by(Notification.id.desc()).limit(100)))
