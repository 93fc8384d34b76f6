"""JSON API of markets (/api/v1/markets/…): status, recommendations, world map, product space, leading products."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from jejaring.core.errors import NotFound
from jejaring.markets import service
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(tags=["markets"])


def _ready() -> dict[str, Any]:
    meta = service.status()
    if meta is None:
        raise NotFound("markets.no_data")
    return meta


@router.get("/markets/status")
def status() -> dict[str, Any]:
    """What the indicators were computed from: source (BACI or synthetic), years, counts, timings."""
    return _ready()


@router.get("/markets/recommendations/{kind}/{ref}")
def recommendations(
    kind: str, ref: str, session: SessionDep, lang: LangDep, limit: int = Query(10, ge=1, le=100)
) -> dict[str, Any]:
    """Best markets and nearby products for a firm (public ID), sentra (public ID) or province (code)."""
    _ready()
    if kind not in ("firm", "sentra", "province"):
        raise NotFound("markets.no_profile")
    return service.recommendations(session, kind=kind, ref=ref, lang=lang, limit=limit)


@router.get("/markets/world")
def world(hs6: list[str] = Query(default=[])) -> dict[str, Any]:
    """Unrealised potential, potential, actual exports and imports per market (optionally for some HS6)."""
    meta = _ready()
    return {"synthetic": meta.get("synthetic"), "markets": service.world_map(hs6=hs6 or None)}


@router.get("/markets/product-space")
def product_space(lit: list[str] = Query(default=[])) -> dict[str, Any]:
    """Product-space nodes and edges, with ``lit`` products marked."""
    _ready()
    return service.product_space(lit=lit)


@router.get("/markets/provinces/{code}/leading-products")
def leading(code: str, session: SessionDep, lang: LangDep, limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
    """A province's leading export products (produk unggulan ekspor)."""
    meta = _ready()
    return {
        "synthetic": meta.get("synthetic"),
        "products": service.leading_products(session, code=code, lang=lang, limit=limit),
    }
