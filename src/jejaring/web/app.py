"""FastAPI app factory: HTML pages, the JSON API under /api/v1, static assets, error handling."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from jejaring import __version__
from jejaring.core.config import Settings, get_settings
from jejaring.core.db import build_engine, session_factory
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate, validation_message
from jejaring.web.deps import get_language
from jejaring.web.rendering import render

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
INSIGHTS_STATIC_DIR = Path(__file__).resolve().parent.parent / "insights" / "static"
MARKETS_STATIC_DIR = Path(__file__).resolve().parent.parent / "markets" / "static"
API_PREFIX = "/api/v1"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _validation_messages(exc: RequestValidationError, lang: str) -> list[dict[str, str]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        out.append({"field": ".".join(loc) or "-", "message": validation_message(err, lang)})
    return out


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        lang = get_language(request)
        message = translate(exc.key, lang, **exc.params)
        if _wants_json(request):
            return JSONResponse(
                {"detail": [{"field": exc.field or "-", "message": message, "code": exc.key}]},
                status_code=exc.status_code,
            )
        return render(request, "error.html", {"message": message}, lang=lang, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        lang = get_language(request)
        errors = _validation_messages(exc, lang)
        if _wants_json(request):
            return JSONResponse({"detail": errors}, status_code=422)
        message = "; ".join(translate("error.field", lang, **e) for e in errors)
        return render(request, "error.html", {"message": message}, lang=lang, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        lang = get_language(request)
        message = translate("error.not_found_page", lang) if exc.status_code == 404 else str(exc.detail)
        return render(request, "error.html", {"message": message}, lang=lang, status_code=exc.status_code)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    engine = build_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.matching_warm_up and settings.environment != "test":  # model + index now, time logged
            from jejaring.matching.lifecycle import warm_up

            warm_up(settings)
        yield
        engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Jejaring API",
        version=__version__,
        description="Registry, reference data and ecosystem services for Indonesia's IKM.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = session_factory(engine)

    from jejaring.accounts import wiring as accounts_wiring
    from jejaring.capability import api as capability_api
    from jejaring.capability import views as capability_views
    from jejaring.ecosystem import api as ecosystem_api
    from jejaring.ecosystem import views as ecosystem_views
    from jejaring.events import api as events_api
    from jejaring.events import participant_views as events_participant_views
    from jejaring.events import views as events_views
    from jejaring.insights import api as insights_api
    from jejaring.insights import views as insights_views
    from jejaring.intake import api as intake_api
    from jejaring.intake import views as intake_views
    from jejaring.markets import api as markets_api
    from jejaring.markets import views as markets_views
    from jejaring.matching import api as matching_api
    from jejaring.matching import views as matching_views
    from jejaring.notifications import api as notifications_api
    from jejaring.notifications import views as notifications_views
    from jejaring.partnerships import api as partnerships_api
    from jejaring.partnerships import views as partnerships_views
    from jejaring.reference import api as reference_api
    from jejaring.registry import api as registry_api
    from jejaring.registry import edit_views as registry_edit_views
    from jejaring.registry import views as registry_views
    from jejaring.resolution import api as resolution_api
    from jejaring.resolution import views as resolution_views
    from jejaring.web import guards
    from jejaring.web import views as web_views

    pages = (  # HTML routers, in matching order: registry_edit_views before /firms/{public_id}: it owns /firms/new
        web_views,
        registry_edit_views,
        registry_views,
        resolution_views,
        insights_views,
        intake_views,
        matching_views,
        partnerships_views,
        markets_views,
        notifications_views,
        ecosystem_views,
        capability_views,
        events_views,
        events_participant_views,
    )
    for page in pages:
        app.include_router(page.router)
    apis = (
        reference_api,
        registry_api,
        resolution_api,
        insights_api,
        intake_api,
        matching_api,
        partnerships_api,
        markets_api,
        notifications_api,
        ecosystem_api,
        capability_api,
        events_api,
    )
    app.include_router(web_views.api_router, prefix=API_PREFIX)
    for api in apis:  # JSON routers: all under the prefix, which no HTML route uses
        app.include_router(api.router, prefix=API_PREFIX)
    app.mount("/static/insights", StaticFiles(directory=INSIGHTS_STATIC_DIR / "insights"), name="insights-static")
    app.mount("/static/markets", StaticFiles(directory=MARKETS_STATIC_DIR / "markets"), name="markets-static")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_error_handlers(app)
    guards.install(app)  # out-of-range integers and NUL characters: 422, not 500
    accounts_wiring.install(app, api_prefix=API_PREFIX)
    from jejaring.web import openapi

    openapi.install(app)  # error bodies declared on every API operation; OPTIONS answers with Allow
    return app
