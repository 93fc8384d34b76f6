"""HTML pages for admins and officers: users (admins) and the audit log (admins, officers of the province)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from jejaring.accounts import audit, resets, security
from jejaring.accounts import service as accounts_service
from jejaring.accounts.deps import require_role
from jejaring.accounts.roles import ADMIN, PETUGAS, ROLES, Actor
from jejaring.accounts.schemas import UserCreate
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate, validation_messages
from jejaring.reference import service as reference_service
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import paging, render

router = APIRouter(include_in_schema=False)
AdminDep = Annotated[Actor, Depends(require_role(ADMIN))]
AuditReaderDep = Annotated[Actor, Depends(require_role(ADMIN, PETUGAS))]
Opt = Annotated[str, Form(max_length=200)]


def _users_page(
    request: Request,
    session: SessionDep,
    lang: str,
    actor: Actor,
    *,
    error: str | None = None,
    created: tuple[str, str] | None = None,
    reset_link: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "users": accounts_service.list_users(session, actor=actor),
        "roles": ROLES,
        "provinces": reference_service.list_provinces(session),
        "error": error,
        "created": created,
        "reset_link": reset_link,
    }
    response = render(request, "accounts/users.html", context, lang=lang, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, lang: LangDep, actor: AdminDep) -> Response:
    """Every user, and a form to add one."""
    return _users_page(request, session, lang, actor)


@router.post("/admin/users")
def create_user(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: AdminDep,
    email: Opt,
    name: Opt,
    role: Opt,
    province_code: Opt = "",
    regency_code: Opt = "",
) -> Response:
    """Add a user with a one-time password, shown once; they must change it at first sign-in."""
    password = security.new_password()
    try:
        data = UserCreate.model_validate(
            {
                "email": email,
                "name": name,
                "role": role,
                "province_code": province_code or None,
                "regency_code": regency_code or None,
            }
        )
        user = accounts_service.create_user(session, actor=actor, data=data, password=password)
    except ValidationError as exc:
        session.rollback()
        msg = "; ".join(validation_messages(exc.errors(), lang))
        return _users_page(request, session, lang, actor, error=msg, status_code=422)
    except DomainError as exc:
        session.rollback()
        return _users_page(request, session, lang, actor, error=translate(exc.key, lang, **exc.params), status_code=422)
    return _users_page(request, session, lang, actor, created=(user.email, password), status_code=201)


@router.post("/admin/users/{user_id}/disable")
def disable_user(user_id: int, session: SessionDep, actor: AdminDep) -> Response:
    """Disable a user; their sessions end and their tokens stop working."""
    user = accounts_service.get_user(session, user_id=user_id)
    accounts_service.set_active(session, actor=actor, user=user, active=False)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/enable")
def enable_user(user_id: int, session: SessionDep, actor: AdminDep) -> Response:
    """Enable a disabled user again."""
    user = accounts_service.get_user(session, user_id=user_id)
    accounts_service.set_active(session, actor=actor, user=user, active=True)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/reset-link")
def user_reset_link(request: Request, user_id: int, session: SessionDep, lang: LangDep, actor: AdminDep) -> Response:
    """Make a one-time password-reset link for a user, shown once to the admin to pass on."""
    user = accounts_service.get_user(session, user_id=user_id)
    link = resets.create_reset_link(session, actor=actor, user=user, settings=request.app.state.settings)
    return _users_page(request, session, lang, actor, reset_link=(user.email, link))


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: AuditReaderDep,
    province: Annotated[str | None, Query(pattern=r"^(\d{2})?$")] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The audit log: every write, newest first; an officer sees their province only."""
    size = 50
    events, total = audit.list_events(
        session, actor=actor, province=province or None, action=action or None, page=page, page_size=size
    )
    context = {
        "events": events,
        **paging(total, page, size),
        "province": province or "",
        "action": action or "",
        "provinces": reference_service.list_provinces(session) if actor.role == ADMIN else [],
        "loads": audit.loads,
    }
    return render(request, "accounts/audit.html", context, lang=lang, partial="accounts/_audit_rows.html")
