"""Pages whose content is the same for every visitor, rendered once per data version and served many times.

A page template's own blocks (its title and content; never base.html's navigation, which shows who is signed in)
are rendered once with a stand-in request that offers only the path, the query and a placeholder CSRF token, and
kept in :mod:`jejaring.web.datacache` under the page, its query, the language and the caller's key. Each visit
renders base.html around them and puts the visitor's own CSRF token in place of the placeholder. A block that
reads anything else of the request (the signed-in user, cookies) raises :class:`NotCacheable` instead of being
cached for everyone.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Template
from markupsafe import Markup
from sqlalchemy.orm import Session

from jejaring.web import datacache
from jejaring.web.rendering import environment, html_response, page_context

PLACEHOLDER = "csrf-" + secrets.token_hex(16)  # random per process: no visitor can type it into a page


class NotCacheable(RuntimeError):
    """A cached block read something of the request that differs between visitors."""


class _PublicState:
    csrf_token = PLACEHOLDER

    def __getattr__(self, name: str) -> Any:
        raise NotCacheable(f"request.state.{name} read by a cached block")


class _PublicRequest:
    """The parts of a request a cached block may read: the same for every visitor of the URL."""

    def __init__(self, request: Request) -> None:
        self.app, self.url, self.query_params = request.app, request.url, request.query_params
        self.state = _PublicState()

    def __getattr__(self, name: str) -> Any:
        raise NotCacheable(f"request.{name} read by a cached block")


@lru_cache
def _shell(blocks: tuple[str, ...]) -> Template:
    """base.html with the given blocks filled from ``cached_blocks``."""
    body = "".join(f"{{% block {b} %}}{{{{ cached_blocks[{b!r}] }}}}{{% endblock %}}" for b in blocks)
    return environment().from_string('{% extends "base.html" %}' + body)


def _render_blocks(name: str, context: dict[str, Any], whole: bool) -> dict[str, str]:
    template = environment().get_template(name)
    if whole:  # an htmx partial: the template itself
        return {"": template.render(context)}
    ctx = template.new_context(context)
    return {block: "".join(render(ctx)) for block, render in template.blocks.items()}


def render_page(
    request: Request,
    session: Session,
    template: str,
    build: Callable[[], dict[str, Any]],
    *,
    lang: str,
    key: tuple[Hashable, ...] = (),
    partial: str | None = None,
) -> HTMLResponse:
    """Render ``template`` (or ``partial`` for htmx) with ``build()``'s context, its blocks cached per data version
    and ``key``; the context is built only on a miss."""
    whole = bool(partial) and request.headers.get("HX-Request") == "true"
    name = partial if whole and partial else template
    memo_key = ("page", name, lang, request.url.path, request.url.query, *key)
    public = _PublicRequest(request)
    blocks = datacache.memo(
        session, memo_key, lambda: _render_blocks(name, page_context(public, build(), lang=lang), whole)
    )
    if whole:
        html = blocks[""]
    else:
        filled = {"cached_blocks": {b: Markup(v) for b, v in blocks.items()}}
        html = _shell(tuple(blocks)).render(page_context(request, filled, lang=lang))
    token = getattr(request.state, "csrf_token", "") or ""
    return html_response(html.replace(PLACEHOLDER, token), lang=lang)
