"""Input the database cannot hold answers 422 with a clear message, never 500.

Integers beyond the database's range (``?page=99999999999999999999``, ids ≥ 2^31 on PostgreSQL) surface as
``OverflowError`` (SQLite) or ``DataError`` (PostgreSQL); NUL characters, which PostgreSQL text cannot hold,
are refused before any route runs (on both databases, so the two behave alike).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.exc import DataError, StatementError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jejaring.core.i18n import translate
from jejaring.web.deps import get_language

API_PREFIX = "/api/v1"
_NUL_MARKERS = (b"\x00", b"\\u0000", b"%00")
_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")


def _answer(path: str, key: str, lang: str) -> Response:
    message = translate(key, lang)
    if path.startswith(API_PREFIX):
        return JSONResponse({"detail": [{"field": "-", "message": message, "code": key}]}, status_code=422)
    return PlainTextResponse(message, status_code=422)


def install(app: FastAPI) -> None:
    """Register the handlers and the NUL guard on ``app``."""

    async def out_of_range(request: Request, exc: Exception) -> Response:
        return _answer(request.url.path, "error.value_out_of_range", get_language(request))

    async def statement_error(request: Request, exc: Exception) -> Response:
        if isinstance(getattr(exc, "orig", None), OverflowError):
            return await out_of_range(request, exc)
        raise exc

    app.add_exception_handler(OverflowError, out_of_range)
    app.add_exception_handler(DataError, out_of_range)
    app.add_exception_handler(StatementError, statement_error)
    app.add_middleware(NulGuard)


class NulGuard:
    """Refuse (422) a query string or a JSON/form body carrying a NUL character; file uploads pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = "en" if b"lang=en" in scope.get("query_string", b"") else "id"
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope["path"]:
            await _answer(scope["path"], "error.nul_character", lang)(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        kind = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        if kind not in _TEXT_BODIES:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if any(marker in body for marker in _NUL_MARKERS):
            await _answer(scope["path"], "error.nul_character", lang)(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
