"""HTML of markets: the Peluang Pasar page, the firm and sentra panels, exports and the world shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from jejaring.accounts.authz import allowed
from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.core import exports
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.i18n import translate
from jejaring.markets import service, store, worldmap
from jejaring.reference import service as reference_service
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)


def _pick(firm: str | None, sentra: str | None, province: str | None) -> tuple[str, str] | None:
    for kind, ref in (("firm", firm), ("sentra", sentra), ("province", province)):
        if ref:
            return kind, ref
    return None


def data_dir(request: Request) -> Path:
    """The data folder of the running app (its settings, not the environment's)."""
    return Path(request.app.state.settings.data_dir)


def _context(
    session: Any, d: Path, lang: str, firm: str | None, sentra: str | None, province: str | None
) -> dict[str, Any]:
    meta = service.status(d)
    ctx: dict[str, Any] = {
        "meta": meta,
        "provinces": reference_service.list_provinces(session),
        "chosen": {"firm": firm or "", "sentra": sentra or "", "province": province or ""},
        "result": None,
        "leading": [],
        "agreements": service.trade_agreements(),
    }
    if meta is None:
        return ctx
    picked = _pick(firm, sentra, province)
    lit: list[str] = []
    if picked:
        result = service.recommendations(session, kind=picked[0], ref=picked[1], lang=lang, limit=15, data_dir=d)
        ctx["result"] = result
        lit = [p["hs6"] for p in result["products"]]
        if picked[0] == "province":
            ctx["leading"] = service.leading_products(session, code=picked[1], lang=lang, data_dir=d)
    ctx["world"] = service.world_map(hs6=lit or None, data_dir=d)
    ctx["space"] = service.product_space(lit=lit, data_dir=d)
    return ctx


@router.get("/markets")
def page(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: ActorDep,
    firm: str | None = None,
    sentra: str | None = None,
    province: str | None = Query(None, pattern=r"^\d{2}$"),
    suggest: str | None = Query(None, max_length=300),
    error: str | None = Query(None, max_length=60),
) -> Response:
    """Peluang Pasar: world map of unrealised potential, product space, best markets and nearby products."""
    ctx = _context(session, data_dir(request), lang, firm or None, sentra or None, province or None)
    ctx.update(can_correct=False, suggestions=[], suggest=suggest or "", error=None)
    if firm and ctx["result"] is not None:
        from jejaring.registry import service as registry_service

        ctx["can_correct"] = allowed(actor, "markets.set_hs", registry_service.get_firm(session, public_id=firm))
        if ctx["can_correct"] and suggest:
            ctx["suggestions"] = service.suggest_hs(session, text=suggest, firm_public_id=firm)
    if error and error.startswith("markets.error."):
        ctx["error"] = error
    return render(request, "markets/page.html", ctx, lang=lang)


@router.post("/markets/firm/{public_id}/hs")
async def correct_hs(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Confirm, correct or remove an HS6 code of a firm from the page's form (authorised and audited)."""
    form = await request.form()
    try:
        service.set_firm_hs(
            session,
            actor=actor,
            public_id=public_id,
            hs6=str(form.get("hs6", "")).strip(),
            product_text=str(form.get("product_text", "")).strip() or None,
            remove=form.get("remove") == "1",
        )
    except DomainError as exc:
        if exc.status_code in (401, 403):
            raise
        session.rollback()
        return RedirectResponse(f"/markets?firm={public_id}&error={exc.key}", status_code=303)
    return RedirectResponse(f"/markets?firm={public_id}", status_code=303)


@router.get("/markets/panel/{kind}/{ref}")
def panel(request: Request, session: SessionDep, lang: LangDep, kind: str, ref: str) -> Response:
    """The short market panel shown on a firm's or a sentra's page (loaded by htmx)."""
    if kind not in ("firm", "sentra"):
        raise NotFound("markets.no_profile")
    d = data_dir(request)
    meta = service.status(d)
    result = service.recommendations(session, kind=kind, ref=ref, lang=lang, limit=5, data_dir=d) if meta else None
    return render(request, "markets/_panel.html", {"meta": meta, "result": result, "kind": kind, "ref": ref}, lang=lang)


@router.get("/markets/world.geojson")
def world_geojson() -> Response:
    """Country shapes (world-atlas, Natural Earth 1:110m) as GeoJSON."""
    return JSONResponse(worldmap.geojson(), headers={"Cache-Control": "public, max-age=86400"})


def _rows(
    session: Any, d: Path, lang: str, table: str, kind: str | None, ref: str | None
) -> tuple[list[str], list[list[Any]]]:
    if table == "leading":
        if kind != "province" or not ref:
            raise NotFound("markets.no_province")
        rows = service.leading_products(session, code=ref, lang=lang, limit=200, data_dir=d)
        header = ["hs6", "name", "firms", "home_rca", "world_cagr", "unrealised", "potential", "pci", "score"]
        return header, [[r[h] for h in header] for r in rows]
    if not kind or not ref:
        header = ["importer", "name", "unrealised", "potential", "actual", "imports", "km"]
        return header, [[r[h] for h in header] for r in service.world_map(data_dir=d)]
    result = service.recommendations(session, kind=kind, ref=ref, lang=lang, limit=100, data_dir=d)
    if table == "products":
        header = ["hs6", "product", "near_to", "density", "cog", "world_cagr", "home_rca", "score", "why"]
        return header, [
            [*(p[h] for h in header[:-1]), " | ".join(w[lang] for w in p["why"])] for p in result["nearby_products"]
        ]
    header = ["market", "market_name", "hs6", "product", "unrealised", "potential", "actual", "imports", "cagr",
              "hhi", "km", "home_share", "competitors", "missing_certificates", "why"]  # fmt: skip
    tariff_cols = ["tariff_mfn_synthetic", "tariff_indonesia_synthetic", "agreement"]
    out = []
    for m in result["markets"]:
        values = [m[h] for h in header[:-2]]
        duty = [m["tariff"]["mfn"], m["tariff"]["applied"], m["tariff"]["agreement"] or ""]
        out.append([*values, ";".join(m["missing_certificates"]), " | ".join(w[lang] for w in m["why"]), *duty])
    header = [*header, *tariff_cols]
    return header, out


@router.get("/markets/export.{fmt}")
def export(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    fmt: str,
    table: str = Query("markets", pattern="^(markets|products|leading)$"),
    firm: str | None = None,
    sentra: str | None = None,
    province: str | None = Query(None, pattern=r"^\d{2}$"),
) -> Response:
    """A markets table as CSV or XLSX (labelled synthetic in the file name when the data are)."""
    d = data_dir(request)
    if fmt not in ("csv", "xlsx") or not store.ready(d):
        raise NotFound("markets.no_data")
    picked = _pick(firm, sentra, province)
    header, rows = _rows(session, d, lang, table, *(picked or (None, None)))
    meta = service.status(d) or {}
    name = f"peluang-pasar-{table}{'-SINTETIS' if meta.get('synthetic') else ''}"
    source = str(meta.get("source") or "?").upper() + (" (SINTETIS)" if meta.get("synthetic") else "")
    data = exports.Export(
        title=name,
        header=header,
        rows=rows,
        source=translate("markets.export.source", lang, source=source),
        year=meta.get("last_year"),
    )
    return exports.download(data, fmt, name, lang, request.query_params.get("dialect"))
