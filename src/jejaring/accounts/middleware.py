"""Resolve who is asking, once per request: bearer token or session cookie; and give every browser a CSRF cookie.

The result sits on ``request.state``: ``actor`` (an ``Actor``), ``auth_error`` (an i18n key when a bearer
token or an authorization header was bad), ``csrf_token`` (for forms and ``hx-headers``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jejaring.accounts import security
from jejaring.accounts import service as accounts_service
from jejaring.accounts import tokens as tokens_service
from jejaring.accounts.roles import ANONYMOUS, Actor
from jejaring.core.config import Settings

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"
SKIP_PREFIXES = ("/static/", "/favicon.ico")
# No framing (clickjacking on the sign-in and review forms), no MIME sniffing, no full URLs in Referer.
SECURITY_HEADERS = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    # scripts only from our own static files: no inline scripts or handlers, so an escaping mistake cannot run code
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'",
    ),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")  # production only (served over HTTPS)


@dataclass(frozen=True)
class CookieNames:
    """Cookie names; production uses the ``__Host-`` prefix (Secure, Path=/, no Domain)."""

    session: str
    csrf: str


def cookie_names(settings: Settings) -> CookieNames:
    """The session and CSRF cookie names for ``settings``."""
    prefix = "__Host-" if settings.environment == "production" else ""
    return CookieNames(session=f"{prefix}jj_session", csrf=f"{prefix}jj_csrf")


def cookie_header(settings: Settings, name: str, value: str, *, max_age: int | None) -> str:
    """A ``Set-Cookie`` value: HttpOnly, SameSite=Lax, Path=/, Secure in production; max_age 0 deletes."""
    response = Response()
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.environment == "production",
        httponly=True,
        samesite="lax",
    )
    return response.headers["set-cookie"]


def _resolve(app_state: Any, authorization: str | None, session_token: str | None) -> tuple[Actor, str | None, bool]:
    """(actor, auth error key, whether the session cookie is stale)."""
    if not authorization and not session_token:
        return ANONYMOUS, None, False
    session = app_state.sessionmaker()
    try:
        if authorization:
            scheme, _, secret = authorization.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                return ANONYMOUS, "accounts.error.bad_token", False
            actor = tokens_service.actor_from_token(session, secret=secret.strip())
            session.commit()  # last_used_at
            return (actor, None, False) if actor else (ANONYMOUS, "accounts.error.bad_token", False)
        assert session_token is not None
        actor = accounts_service.actor_from_session(session, token=session_token)
        return (actor, None, False) if actor else (ANONYMOUS, None, True)
    finally:
        session.close()


class AuthMiddleware:
    """Pure ASGI middleware (no body buffering): resolves the actor and sets a CSRF cookie when missing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIP_PREFIXES):
            await self.app(scope, receive, send)
            return
        app_state = scope["app"].state
        settings: Settings = app_state.settings
        names = cookie_names(settings)
        conn = HTTPConnection(scope)
        csrf_cookie = conn.cookies.get(names.csrf)
        fresh_csrf = None
        if not csrf_cookie or len(csrf_cookie) < 32 or len(csrf_cookie) > 128:
            fresh_csrf = csrf_cookie = security.new_secret()
        actor, auth_error, stale = await anyio.to_thread.run_sync(
            _resolve, app_state, conn.headers.get("authorization"), conn.cookies.get(names.session)
        )
        state = scope.setdefault("state", {})
        state["actor"] = actor
        state["auth_error"] = auth_error
        state["csrf_cookie"] = csrf_cookie
        state["csrf_token"] = security.csrf_token(settings.secret_key, csrf_cookie)
        # A fresh CSRF cookie goes only with successful page loads: a favicon or image request answered in
        # parallel (404) must not replace the cookie the page's form token was made from.
        is_page = not scope["path"].startswith(API_PREFIX) and conn.headers.get("sec-fetch-dest") in (
            None,
            "document",
            "iframe",
            "empty",
        )
        extra: list[str] = []
        if stale:
            extra.append(cookie_header(settings, names.session, "", max_age=0))
        csrf_header = cookie_header(settings, names.csrf, fresh_csrf, max_age=None) if fresh_csrf and is_page else None

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                present = " ".join(headers.getlist("set-cookie"))
                wanted = extra + ([csrf_header] if csrf_header and message["status"] < 400 else [])
                for value in wanted:
                    if value.split("=", 1)[0] + "=" not in present:
                        headers.append("set-cookie", value)
                for name, value in SECURITY_HEADERS + ((HSTS,) if settings.environment == "production" else ()):
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_cookies)
