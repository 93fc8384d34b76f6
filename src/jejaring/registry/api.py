"""JSON API of the registry (/api/v1). Public outputs never carry personal data."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request

from jejaring.registry import service
from jejaring.registry.schemas import FirmCreate, FirmFilter, FirmOut, Page, SentraCreate, SentraOut
from jejaring.web.deps import SessionDep

router = APIRouter(tags=["registry"])


def require_writer(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Writes need ``Authorization: Bearer <JEJARING_API_WRITE_TOKEN>``; without a configured token they are off."""
    token = request.app.state.settings.api_write_token
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})
    if not token or not hmac.compare_digest(authorization.removeprefix("Bearer ").strip(), token):
        raise HTTPException(403, "not allowed")


@router.get("/firms", response_model=Page[FirmOut])
def list_firms(
    request: Request,
    session: SessionDep,
    filters: Annotated[FirmFilter, Query()],
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int | None, Query(ge=1)] = None,
) -> Page[FirmOut]:
    """Firms matching the filters, paginated."""
    settings = request.app.state.settings
    size = min(page_size or settings.page_size, settings.max_page_size)
    firms, total = service.search_firms(session, filters=filters, page=page, page_size=size)
    return Page[FirmOut](items=[FirmOut.model_validate(f) for f in firms], total=total, page=page, page_size=size)


@router.get("/firms/{public_id}", response_model=FirmOut)
def read_firm(public_id: str, session: SessionDep) -> FirmOut:
    """One firm by public ID (old IDs of merged firms lead to the surviving record)."""
    return FirmOut.model_validate(service.get_firm(session, public_id=public_id))


@router.post("/firms", response_model=FirmOut, status_code=201, dependencies=[Depends(require_writer)])
def create_firm(data: FirmCreate, session: SessionDep) -> FirmOut:
    """Register a firm."""
    firm = service.create_firm(session, data=data)
    return FirmOut.model_validate(firm)


@router.get("/sentra", response_model=Page[SentraOut])
def list_sentra(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Page[SentraOut]:
    """Sentra matching a query and province, paginated."""
    size = request.app.state.settings.page_size
    rows, total = service.search_sentra(session, q=q, province=province, page=page, page_size=size)
    return Page[SentraOut](items=[SentraOut.model_validate(s) for s in rows], total=total, page=page, page_size=size)


@router.get("/sentra/{public_id}", response_model=SentraOut)
def read_sentra(public_id: str, session: SessionDep) -> SentraOut:
    """One sentra by public ID."""
    return SentraOut.model_validate(service.get_sentra(session, public_id=public_id))


@router.post("/sentra", response_model=SentraOut, status_code=201, dependencies=[Depends(require_writer)])
def create_sentra(data: SentraCreate, session: SessionDep) -> SentraOut:
    """Register a sentra."""
    return SentraOut.model_validate(service.create_sentra(session, data=data))
