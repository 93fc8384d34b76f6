"""Jinja2 rendering: one environment over every domain's templates, htmx-aware responses."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from jejaring.core.dates import long_date
from jejaring.core.i18n import translate
from jejaring.core.numbers import amount_text, page_count
from jejaring.reference import catalog, wilayah

TEMPLATE_PACKAGES = (
    "jejaring.web",
    "jejaring.registry",
    "jejaring.insights",
    "jejaring.accounts",
    "jejaring.resolution",
    "jejaring.intake",
    "jejaring.matching",
    "jejaring.partnerships",
    "jejaring.markets",
    "jejaring.notifications",
    "jejaring.ecosystem",
    "jejaring.capability",
    "jejaring.events",
)


def _number(value: float | int | None, lang: str = "id") -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") if lang == "id" else text  # 1.250.000,5


def _rupiah(value: int | None, lang: str = "id") -> str:
    return "–" if value is None else "Rp" + _number(value, lang)


def _kbli_title(code: str | None, lang: str = "id") -> str:
    if not code:
        return "–"
    title_id, title_en = catalog.kbli_titles().get(code, (code, None))
    return (title_en or title_id) if lang == "en" else title_id


def _province_name(code: str | None) -> str:
    found = wilayah.province(code) if code else None
    return found["name"] if found else (code or "–")


def _regency_name(code: str | None) -> str:
    found = wilayah.regency(code) if code else None
    return found["name"] if found else (code or "–")


@lru_cache
def environment() -> Environment:
    """The shared Jinja2 environment."""
    env = Environment(
        loader=ChoiceLoader([PackageLoader(pkg, "templates") for pkg in TEMPLATE_PACKAGES]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = _number
    env.filters["amount"] = amount_text
    env.filters["rupiah"] = _rupiah
    env.filters["longdate"] = long_date
    env.globals["kbli_title"] = _kbli_title
    env.globals["province_name"] = _province_name
    env.globals["regency_name"] = _regency_name
    env.globals["certificate_name"] = catalog.certificate_name
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    lang: str,
    partial: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a full page, or only ``partial`` when htmx asks (the same partial the page includes)."""
    name = partial if (request.headers.get("HX-Request") == "true" and partial) else template
    html = environment().get_template(name).render(page_context(request, context, lang=lang))
    return html_response(html, lang=lang, status_code=status_code)


def page_context(request: Any, context: dict[str, Any], *, lang: str) -> dict[str, Any]:
    """What every template gets: the request, ``t``, ``lang``, ``url_with`` and the demo-data flag."""

    def t(key: str, **params: Any) -> str:
        return translate(key, lang, **params)

    def url_with(**changes: Any) -> str:
        params = dict(request.query_params)
        for k, v in changes.items():
            if v in (None, ""):
                params.pop(k, None)
            else:
                params[k] = str(v)
        return str(request.url.path) + ("?" + urlencode(params) if params else "")

    return {
        "request": request,
        "t": t,
        "lang": lang,
        "url_with": url_with,
        "synthetic_data": request.app.state.settings.load_demo,
        **context,
    }


def html_response(html: str, *, lang: str, status_code: int = 200) -> HTMLResponse:
    """An HTML response that varies by htmx and by cookie (language, sign-in)."""
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Vary"] = "HX-Request, Cookie"
    response.headers["Content-Language"] = lang
    return response


def paging(total: int, page: int, size: int) -> dict[str, int]:
    """What a paginated page's context carries: ``total``, ``page`` and ``pages`` (at least one)."""
    return {"total": total, "page": page, "pages": page_count(total, size)}
