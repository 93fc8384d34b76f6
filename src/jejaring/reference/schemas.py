"""Reference data as served by the API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ProvinceOut(BaseModel):
    """A province."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    capital: str | None
    latitude: float | None
    longitude: float | None


class RegencyOut(BaseModel):
    """A regency or city."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    province_code: str
    name: str
    kind: str
    capital: str | None
    latitude: float | None
    longitude: float | None


class KbliOut(BaseModel):
    """A KBLI 2020 code."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    level: str
    parent_code: str | None
    title_id: str
    title_en: str | None


class CertificateOut(BaseModel):
    """A certificate of the catalogue."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    issuer: str
    description_id: str
    description_en: str


class PatternOut(BaseModel):
    """A PP 7/2021 partnership pattern."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name_id: str
    name_en: str
    description_id: str
    description_en: str


class ParsedAddressOut(BaseModel):
    """Codes read from a free-text address."""

    province_code: str | None
    regency_code: str | None
    district_code: str | None
    desa_code: str | None
    desa_name: str | None
    confidence: str
