"""Site-wide pages: home, language switch, health."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import text
from sqlalchemy.orm import Session

from jejaring.core.i18n import LANGUAGES
from jejaring.registry import service as registry_service
from jejaring.registry.schemas import FirmFilter
from jejaring.web import pagecache
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["system"])
FAVICON = Path(__file__).resolve().parent / "static" / "favicon.ico"


@router.api_route("/", methods=["GET", "HEAD"])  # HEAD: uptime checks
def home(request: Request, session: SessionDep, lang: LangDep) -> Response:
    """The home page: what Jejaring is, a search box and the registry at a glance."""
    return pagecache.render_page(request, session, "home.html", lambda: _home_data(session), lang=lang)


def _home_data(session: Session) -> dict[str, object]:
    """The registry at a glance and the newest firms."""
    recent, _ = registry_service.search_firms(session, filters=FirmFilter(), page=1, page_size=6, newest_first=True)
    return {"overview": registry_service.overview(session), "recent": recent}


@router.get("/favicon.ico")
def favicon() -> Response:
    """The site icon (browsers ask for it at this path whatever the page says)."""
    return FileResponse(FAVICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=604800"})


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> Response:
    """Remember the chosen language in a cookie and go back to the page."""
    target = next if next.startswith("/") and not urlparse(next).netloc else "/"
    response = RedirectResponse(target, status_code=303)
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


@api_router.get("/health")
def health(session: SessionDep) -> dict[str, str]:
    """Liveness and database reachability."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "database": session.get_bind().dialect.name}
