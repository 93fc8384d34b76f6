"""Plug accounts into the app: the auth middleware, the 401 handler and the routers."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from jejaring.accounts.authz import Unauthenticated
from jejaring.accounts.middleware import API_PREFIX, AuthMiddleware
from jejaring.core.i18n import translate
from jejaring.web.deps import get_language
from jejaring.web.rendering import render


async def _unauthenticated(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Unauthenticated)
    lang = get_language(request)
    message = translate(exc.key, lang, **exc.params)
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse(
            {"detail": [{"field": exc.field or "-", "message": message, "code": exc.key}]},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.method == "GET" and request.headers.get("HX-Request") != "true":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
    return render(request, "error.html", {"message": message}, lang=lang, status_code=401)


def install(app: FastAPI, *, api_prefix: str = API_PREFIX) -> None:
    """Add the middleware, the sign-in redirect for pages and the accounts routes to ``app``."""
    from jejaring.accounts import admin_views, api, claim_views, my_views, signup_views, views

    app.add_middleware(AuthMiddleware)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.include_router(views.router)
    app.include_router(admin_views.router)
    app.include_router(claim_views.router)
    app.include_router(signup_views.router)
    app.include_router(my_views.router)
    app.include_router(api.router, prefix=api_prefix)
