"""JSON: my notifications and marking them read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from jejaring.accounts.deps import UserDep
from jejaring.core.i18n import translate
from jejaring.notifications import service
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(tags=["notifications"])


class NotificationOut(BaseModel):
    """One notification, its message rendered in the asked language."""

    id: int
    kind: str
    message: str
    link: str | None
    created_at: datetime
    read: bool


@router.get("/notifications", response_model=list[NotificationOut])
def list_notifications(session: SessionDep, lang: LangDep, actor: UserDep, unread: bool = False) -> list[Any]:
    """My notifications, newest first."""
    return [
        NotificationOut(
            id=n.id,
            kind=n.kind,
            message=translate(n.message_key, lang, **service.params_of(n)),
            link=n.link,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in service.list_for(session, actor=actor, unread_only=unread)
    ]


@router.post("/notifications/read")
def read_all(session: SessionDep, actor: UserDep) -> dict[str, int]:
    """Mark all my notifications as read."""
    return {"marked": service.mark_all_read(session, actor=actor)}
