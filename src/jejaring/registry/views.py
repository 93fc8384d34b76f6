"""HTML pages of the registry: firm list and detail, sentra list and detail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from jejaring.reference import catalog, wilayah
from jejaring.reference import service as reference_service
from jejaring.registry import service
from jejaring.registry.models import FIRM_ROLES, SIZE_CLASSES
from jejaring.registry.schemas import FirmFilter
from jejaring.web import pagecache
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.forms import validated
from jejaring.web.rendering import paging, render

router = APIRouter(include_in_schema=False)


def _blank_to_none(request: Request) -> FirmFilter:
    params = {k: v for k, v in request.query_params.items() if v != "" and k in FirmFilter.model_fields}
    return validated(FirmFilter, params)


def _region_label(regency_code: str | None) -> str:
    reg = wilayah.regency(regency_code) if regency_code else None
    if reg is None:
        return "–"
    prov = wilayah.province(reg["province_code"])
    return f"{reg['name']}, {prov['name']}" if prov else reg["name"]


@router.get("/firms")
def firm_list(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    filters: Annotated[FirmFilter, Depends(_blank_to_none)],
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The business directory with search, filters and pagination."""
    size = request.app.state.settings.page_size

    def context() -> dict[str, object]:
        firms, total = service.search_firms(session, filters=filters, page=page, page_size=size)
        return {
            "firms": firms,
            **paging(total, page, size),
            "filters": filters,
            "provinces": reference_service.list_provinces(session),
            "divisions": reference_service.list_kbli(session, level="golongan_pokok"),
            "certificates": reference_service.list_certificates(session),
            "roles": FIRM_ROLES,
            "size_classes": SIZE_CLASSES,
            "region_label": _region_label,
        }

    return pagecache.render_page(
        request, session, "firms/list.html", context, lang=lang, key=(size,), partial="firms/_results.html"
    )


@router.get("/firms/{public_id}")
def firm_detail(public_id: str, request: Request, session: SessionDep, lang: LangDep) -> Response:
    """One firm's public profile."""
    firm = service.get_firm(session, public_id=public_id)
    context = {
        "firm": firm,
        "region": _region_label(firm.regency_code),
        "district": wilayah.district(firm.district_code) if firm.district_code else None,
        "sentra": service.firm_sentra(session, firm=firm),
        "sources": service.firm_sources(session, firm=firm),
        "certificate_names": {c["code"]: c["name"] for c in catalog.certificates()},
    }
    return render(request, "firms/detail.html", context, lang=lang)


@router.get("/sentra")
def sentra_list(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    province: Annotated[str | None, Query(pattern=r"^(\d{2})?$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Sentra list with search."""
    size = request.app.state.settings.page_size
    rows, total = service.search_sentra(session, q=q or None, province=province or None, page=page, page_size=size)
    context = {
        "rows": rows,
        **paging(total, page, size),
        "q": q or "",
        "province": province or "",
        "provinces": reference_service.list_provinces(session),
        "region_label": _region_label,
    }
    return render(request, "sentra/list.html", context, lang=lang, partial="sentra/_results.html")


@router.get("/sentra/{public_id}")
def sentra_detail(public_id: str, request: Request, session: SessionDep, lang: LangDep) -> Response:
    """One sentra and its registered members."""
    sentra = service.get_sentra(session, public_id=public_id)
    context = {
        "sentra": sentra,
        "region": _region_label(sentra.regency_code),
        "members": service.sentra_members(session, sentra=sentra),
    }
    return render(request, "sentra/detail.html", context, lang=lang)
