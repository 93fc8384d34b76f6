"""FastAPI dependencies for every domain: ``current_user``, ``require_user``, ``require_role``, ``require_csrf``.

``current_user`` enforces CSRF on every unsafe request (POST, PUT, PATCH, DELETE) that a session cookie
authenticates, and refuses writes through read-only API tokens; so any endpoint that asks who the user is
is protected without further code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from jejaring.accounts import security
from jejaring.accounts.authz import Forbidden, Unauthenticated
from jejaring.accounts.roles import ANONYMOUS, Actor

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


async def _submitted_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # FastAPI reuses the parsed form for the endpoint's own fields
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def require_csrf(request: Request) -> None:
    """Refuse an unsafe request whose CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``) is wrong."""
    if request.method in SAFE_METHODS:
        return
    cookie = getattr(request.state, "csrf_cookie", None)
    submitted = await _submitted_csrf(request)
    if not security.csrf_valid(request.app.state.settings.secret_key, cookie, submitted):
        raise Forbidden("accounts.error.csrf")


async def current_user(request: Request) -> Actor:
    """Who is asking (the anonymous public when nobody signed in). Bad bearer tokens get 401."""
    error = getattr(request.state, "auth_error", None)
    if error:
        raise Unauthenticated(error)
    actor: Actor = getattr(request.state, "actor", ANONYMOUS)
    if request.method not in SAFE_METHODS:
        if actor.via == "session":
            await require_csrf(request)
        if actor.is_authenticated and not actor.can_write:
            raise Forbidden("accounts.error.token_scope")
    return actor


ActorDep = Annotated[Actor, Depends(current_user)]


def require_user(actor: ActorDep, request: Request) -> Actor:
    """A signed-in user (401 otherwise); a user who must change the one-time password may do only that."""
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    if actor.must_change_password and actor.via == "session" and request.url.path != "/account/password":
        raise Forbidden("accounts.error.change_password_first")
    return actor


UserDep = Annotated[Actor, Depends(require_user)]


def require_role(*roles: str) -> Callable[..., Awaitable[Actor]]:
    """A dependency that admits only signed-in users with one of ``roles`` (401 / 403 otherwise)."""

    async def dependency(actor: UserDep) -> Actor:
        if actor.role not in roles:
            raise Forbidden("accounts.error.forbidden")
        return actor

    dependency.__name__ = "require_role_" + "_".join(roles)
    return dependency
