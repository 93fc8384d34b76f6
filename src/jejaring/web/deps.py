"""Request-scoped dependencies shared by the HTML views and the JSON API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jejaring.core.db import unit_of_work
from jejaring.core.i18n import pick_language


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; the request commits once at the end."""
    with unit_of_work(request.app.state.sessionmaker()) as session:
        yield session


def get_language(request: Request) -> str:
    """The UI language: ``?lang=`` first, then the ``lang`` cookie, then the configured default."""
    default = request.app.state.settings.default_language
    return pick_language(request.query_params.get("lang") or request.cookies.get("lang"), default)


# scope="function": commit before the response is sent, so a client following a redirect sees the write and a
# failed commit is an error response, never a success already sent (FastAPI's default for yield is "request").
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
LangDep = Annotated[str, Depends(get_language)]
