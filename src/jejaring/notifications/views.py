"""HTML: the notification list, the header badge (an htmx partial) and opening one notification."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.notifications import service
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/notifications")
def list_page(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """My notifications, unread first marked."""
    notes = [(n, service.params_of(n)) for n in service.list_for(session, actor=actor)]
    response = render(request, "notifications/list.html", {"notes": notes}, lang=lang)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/notifications/badge")
def badge(request: Request, session: SessionDep, lang: LangDep, actor: ActorDep) -> Response:
    """The unread count for the header (empty for the public and when nothing is unread)."""
    count = service.unread_count(session, actor=actor)
    response = render(request, "notifications/_badge.html", {"count": count}, lang=lang)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/notifications/{note_id}")
def open_note(note_id: int, session: SessionDep, actor: UserDep) -> Response:
    """Mark one notification as read and go to the thing it is about."""
    note = service.open_notification(session, actor=actor, note_id=note_id)
    return RedirectResponse(note.link or "/notifications", status_code=303)


@router.post("/notifications/read")
def read_all(session: SessionDep, actor: UserDep) -> Response:
    """Mark all my notifications as read (CSRF-checked through the signed-in actor)."""
    service.mark_all_read(session, actor=actor)
    return RedirectResponse("/notifications", status_code=303)
