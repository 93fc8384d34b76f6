"""JSON API of the reference data (/api/v1/reference)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from jejaring.reference import service, wilayah
from jejaring.reference.schemas import (
    CertificateOut,
    KbliOut,
    ParsedAddressOut,
    PatternOut,
    ProvinceOut,
    RegencyOut,
)
from jejaring.web.deps import SessionDep

router = APIRouter(prefix="/reference", tags=["reference"])

KbliLevel = Literal["kategori", "golongan_pokok", "golongan", "subgolongan", "kelompok"]


@router.get("/stats")
def stats(session: SessionDep) -> dict[str, Any]:
    """Row counts of every reference table and KBLI codes per level."""
    return service.reference_stats(session)


@router.get("/provinces", response_model=list[ProvinceOut])
def provinces(session: SessionDep) -> list[ProvinceOut]:
    """The 38 provinces."""
    return [ProvinceOut.model_validate(p) for p in service.list_provinces(session)]


@router.get("/regencies", response_model=list[RegencyOut])
def regencies(
    session: SessionDep, province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None
) -> list[RegencyOut]:
    """Regencies and cities, optionally of one province."""
    return [RegencyOut.model_validate(r) for r in service.list_regencies(session, province_code=province)]


@router.get("/kbli", response_model=list[KbliOut])
def kbli(
    session: SessionDep,
    level: KbliLevel | None = None,
    parent: Annotated[str | None, Query(pattern=r"^(C|\d{2,4})$")] = None,
) -> list[KbliOut]:
    """KBLI 2020 category C codes, by level and/or parent."""
    return [KbliOut.model_validate(k) for k in service.list_kbli(session, level=level, parent=parent)]


@router.get("/certificates", response_model=list[CertificateOut])
def certificates(session: SessionDep) -> list[CertificateOut]:
    """The certificate catalogue."""
    return [CertificateOut.model_validate(c) for c in service.list_certificates(session)]


@router.get("/partnership-patterns", response_model=list[PatternOut])
def patterns(session: SessionDep) -> list[PatternOut]:
    """The PP 7/2021 partnership patterns."""
    return [PatternOut.model_validate(p) for p in service.list_patterns(session)]


@router.get("/parse-address", response_model=ParsedAddressOut)
def parse_address(text: Annotated[str, Query(min_length=3, max_length=500)]) -> ParsedAddressOut:
    """Read wilayah codes from a free-text address."""
    return ParsedAddressOut(**asdict(wilayah.parse_address(text)))
