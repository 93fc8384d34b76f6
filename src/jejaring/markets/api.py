"""JSON API of markets (/api/v1/markets/…): status, recommendations, world map, product space, leading products."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from jejaring.accounts.deps import UserDep
from jejaring.core.errors import NotFound
from jejaring.markets import service
from jejaring.markets.views import data_dir
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(tags=["markets"])


def _ready(request: Request) -> dict[str, Any]:
    meta = service.status(data_dir(request))
    if meta is None:
        raise NotFound("markets.no_data")
    return meta


@router.get("/markets/status")
def status(request: Request) -> dict[str, Any]:
    """What the indicators were computed from: source (BACI or synthetic), years, counts, timings."""
    return _ready(request)


@router.get("/markets/recommendations/{kind}/{ref}")
def recommendations(
    request: Request, kind: str, ref: str, session: SessionDep, lang: LangDep, limit: int = Query(10, ge=1, le=100)
) -> dict[str, Any]:
    """Best markets and nearby products for a firm (public ID), sentra (public ID) or province (code)."""
    _ready(request)
    if kind not in ("firm", "sentra", "province"):
        raise NotFound("markets.no_profile")
    return service.recommendations(session, kind=kind, ref=ref, lang=lang, limit=limit, data_dir=data_dir(request))


@router.get("/markets/world")
def world(request: Request, hs6: list[str] = Query(default=[])) -> dict[str, Any]:
    """Unrealised potential, potential, actual exports and imports per market (optionally for some HS6)."""
    meta = _ready(request)
    return {
        "synthetic": meta.get("synthetic"),
        "markets": service.world_map(hs6=hs6 or None, data_dir=data_dir(request)),
    }


@router.get("/markets/product-space")
def product_space(request: Request, lit: list[str] = Query(default=[])) -> dict[str, Any]:
    """Product-space nodes and edges, with ``lit`` products marked."""
    _ready(request)
    return service.product_space(lit=lit, data_dir=data_dir(request))


@router.get("/markets/provinces/{code}/leading-products")
def leading(
    request: Request, code: str, session: SessionDep, lang: LangDep, limit: int = Query(20, ge=1, le=200)
) -> dict[str, Any]:
    """A province's leading export products (produk unggulan ekspor)."""
    meta = _ready(request)
    return {
        "synthetic": meta.get("synthetic"),
        "products": service.leading_products(session, code=code, lang=lang, limit=limit, data_dir=data_dir(request)),
    }


class HsIn(BaseModel):
    """An HS6 code to confirm or correct for a firm (``remove``: drop it)."""

    hs6: str = Field(pattern=r"^\d{6}$")
    product_text: str | None = Field(default=None, max_length=500)
    remove: bool = False


@router.post("/markets/firms/{public_id}/hs")
def set_firm_hs(public_id: str, data: HsIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Confirm, correct or remove an HS6 code of a firm (its owner, the officer of its province, or admin); audited."""
    return service.set_firm_hs(
        session, actor=actor, public_id=public_id, hs6=data.hs6, product_text=data.product_text, remove=data.remove
    )


@router.get("/markets/hs-suggest")
def hs_suggest(
    session: SessionDep,
    text: str = Query(..., min_length=2, max_length=300),
    firm: str | None = None,
    top: int = Query(5, ge=1, le=20),
) -> dict[str, Any]:
    """HS6 codes for a product description (Indonesian or English), with confidence; a firm narrows the chapters."""
    return {"text": text, "suggestions": service.suggest_hs(session, text=text, firm_public_id=firm, top=top)}


@router.get("/markets/tariffs/{market}/{hs6}")
def tariff(request: Request, market: str, hs6: str, year: int | None = Query(None, ge=1988, le=2100)) -> dict[str, Any]:
    """Tariff on ``hs6`` in ``market`` (ISO3) for goods of Indonesian origin: MFN, applied, agreement (rates
    synthetic)."""
    return service.tariff(market=market.upper(), hs6=hs6, year=year, data_dir=data_dir(request))


@router.get("/markets/agreements")
def trade_agreements() -> dict[str, Any]:
    """Indonesia's trade agreements in force, with partners and sources."""
    return {"agreements": service.trade_agreements()}
