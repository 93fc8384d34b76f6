"""JSON API of the registry (/api/v1). Public outputs never carry personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jejaring.accounts.deps import UserDep, require_role
from jejaring.accounts.roles import ADMIN, PETUGAS
from jejaring.registry import edits, service
from jejaring.registry.schemas import (
    FirmCreate,
    FirmFilter,
    FirmOut,
    FirmPrivateOut,
    FirmUpdate,
    Page,
    SentraCreate,
    SentraOut,
)
from jejaring.web import datacache
from jejaring.web.deps import SessionDep

router = APIRouter(tags=["registry"])

# Transitional gate for routes written before accounts existed: signed-in admins and provincial officers
# (CSRF for browser sessions, ``write`` scope for tokens). Services must still check the resource's province
# with ``accounts.authz.authorize``; new code should use ``accounts.deps`` directly (docs/accounts.md).
require_writer = require_role(ADMIN, PETUGAS)


@router.get("/firms", response_model=Page[FirmOut])
def list_firms(
    request: Request,
    session: SessionDep,
    filters: Annotated[FirmFilter, Query()],
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Firms matching the filters, paginated."""
    settings = request.app.state.settings
    size = min(page_size or settings.page_size, settings.max_page_size)

    def body() -> bytes:
        firms, total = service.search_firms(session, filters=filters, page=page, page_size=size)
        out = Page[FirmOut](items=[FirmOut.model_validate(f) for f in firms], total=total, page=page, page_size=size)
        return out.model_dump_json(by_alias=True).encode()

    # the same JSON for every caller (public fields only), cached per data version
    content = datacache.memo(session, ("api-firms", filters.model_dump_json(), page, size), body)
    return Response(content, media_type="application/json")


@router.get("/firms/{public_id}", response_model=FirmOut)
def read_firm(public_id: str, session: SessionDep) -> FirmOut:
    """One firm by public ID (old IDs of merged firms lead to the surviving record)."""
    return FirmOut.model_validate(service.get_firm(session, public_id=public_id))


@router.post("/firms", response_model=FirmOut, status_code=201)
def create_firm(data: FirmCreate, session: SessionDep, actor: UserDep) -> FirmOut:
    """Register a firm (admin, or the officer of the firm's province; token scope ``write``)."""
    firm = edits.create_firm_as(session, actor=actor, data=data)
    return FirmOut.model_validate(firm)


@router.patch("/firms/{public_id}", response_model=FirmOut)
def update_firm(public_id: str, data: FirmUpdate, session: SessionDep, actor: UserDep) -> FirmOut:
    """Change a firm (its owner, the officer of its province, or admin); audited."""
    firm = service.get_firm(session, public_id=public_id)
    return FirmOut.model_validate(edits.update_firm(session, actor=actor, firm=firm, data=data))


@router.get("/firms/{public_id}/private", response_model=FirmPrivateOut)
def read_firm_private(public_id: str, session: SessionDep, actor: UserDep) -> FirmPrivateOut:
    """Owner, phone, e-mail and NIB: only for the firm's owner, the officer of its province, or admin."""
    firm = service.get_firm(session, public_id=public_id)
    return edits.firm_private(session, actor=actor, firm=firm)


@router.get("/sentra", response_model=Page[SentraOut])
def list_sentra(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Page[SentraOut]:
    """Sentra matching a query and province, paginated."""
    size = request.app.state.settings.page_size
    rows, total = service.search_sentra(session, q=q, province=province, page=page, page_size=size)
    return Page[SentraOut](items=[SentraOut.model_validate(s) for s in rows], total=total, page=page, page_size=size)


@router.get("/sentra/{public_id}", response_model=SentraOut)
def read_sentra(public_id: str, session: SessionDep) -> SentraOut:
    """One sentra by public ID."""
    return SentraOut.model_validate(service.get_sentra(session, public_id=public_id))


@router.post("/sentra", response_model=SentraOut, status_code=201)
def create_sentra(data: SentraCreate, session: SessionDep, actor: UserDep) -> SentraOut:
    """Register a sentra (admin, or the officer of its province; token scope ``write``)."""
    return SentraOut.model_validate(edits.create_sentra_as(session, actor=actor, data=data))
