"""Registry input and output shapes. Public outputs never carry personal data."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator

from jejaring.core.numbers import page_count
from jejaring.registry.models import FIRM_ROLES as FIRM_ROLES
from jejaring.registry.models import SENTRA_DEFINITIONS
from jejaring.registry.models import Role as Role

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
KodeWilayah = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{2}\.\d{2}$")]
KbliCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{5}$")]
Nib = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{13}$")]


class CertificationIn(BaseModel):
    """A certificate held, as submitted."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(max_length=30)]
    number: Annotated[str, StringConstraints(max_length=100)] | None = None
    issuer: Annotated[str, StringConstraints(max_length=200)] | None = None
    valid_until: date | None = None


MAX_WORKERS = 100_000  # the largest plausible workforce of one business unit (as in intake)
# a firm's fields, as both a new firm and a change to one take them
Workers = Annotated[int, Field(ge=1, le=MAX_WORKERS)]
Investment = Annotated[int, Field(ge=0, le=10**16)]  # Rupiah
Capacity = Annotated[float, Field(ge=0)]
Unit = Annotated[str, StringConstraints(max_length=40)]
ProductionValue = Annotated[int, Field(ge=0, le=10**17)]  # Rupiah a year
Brand = Annotated[str, StringConstraints(max_length=200)]
FoundedYear = Annotated[int, Field(ge=1800, le=2100)]
Desa = Annotated[str, StringConstraints(max_length=100)]
Latitude = Annotated[float, Field(ge=-11.5, le=6.5)]  # Indonesia with its outlying islands
Longitude = Annotated[float, Field(ge=94.5, le=141.5)]


def _past_year(v: int | None) -> int | None:
    if v is not None and v > date.today().year:
        raise ValueError("year is in the future")
    return v


class FirmCreate(BaseModel):
    """A new firm. Codes are checked against the reference tables by the service."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText
    roles: list[Role] = Field(default_factory=lambda: list[Role](["ikm"]), min_length=1, max_length=7)
    nib: Nib | None = None
    address: LongText | None = None
    regency_code: KodeWilayah
    district_code: Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}$")] | None = None
    desa: Desa | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    kbli_code: KbliCode | None = None
    products: LongText | None = None
    workers: Workers | None = None
    investment: Investment | None = None
    capacity: Capacity | None = None
    capacity_unit: Unit | None = None
    production_value: ProductionValue | None = None
    brand: Brand | None = None
    founded_year: FoundedYear | None = None
    reference_year: int | None = Field(default=None, ge=1990, le=2100)
    certifications: list[CertificationIn] = Field(default_factory=list, max_length=50)
    owner_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    email: EmailStr | None = None

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, v: list[str]) -> list[str]:
        if "ikm" in v and "industri_besar" in v:  # Permenperin 64/2016: a firm is small/medium or large
            raise ValueError("a firm cannot be both IKM and industri besar")
        return sorted(set(v))

    @field_validator("founded_year", "reference_year")
    @classmethod
    def _not_in_future(cls, v: int | None) -> int | None:
        return _past_year(v)


class CertificationOut(BaseModel):
    """A certificate as shown publicly."""

    model_config = ConfigDict(from_attributes=True)

    certificate_code: str
    number: str | None
    issuer: str | None
    valid_until: date | None


class FirmOut(BaseModel):
    """A firm as shown publicly: no owner, phone or e-mail."""

    model_config = ConfigDict(from_attributes=True)

    public_id: str
    name: str
    role_codes: list[str] = Field(serialization_alias="roles")
    nib_present: bool = False
    address: str | None
    province_code: str
    regency_code: str
    district_code: str | None
    desa: str | None
    latitude: float | None
    longitude: float | None
    kbli_code: str | None
    products: str | None
    workers: int | None
    investment: int | None
    capacity: float | None
    capacity_unit: str | None
    production_value: int | None
    brand: str | None
    founded_year: int | None
    reference_year: int | None
    size_class: str | None
    certifications: list[CertificationOut]


class SentraCreate(BaseModel):
    """A new sentra (Direktori Sentra template)."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText
    regency_code: KodeWilayah
    district_code: Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}$")] | None = None
    desa: Desa | None = None
    commodity: Annotated[str, StringConstraints(max_length=300)] | None = None
    kbli_code: KbliCode | None = None
    unit_count: int | None = Field(default=None, ge=0, le=1_000_000)
    workers: int | None = Field(default=None, ge=0, le=10_000_000)
    definition: Literal["kemenperin_pp29_2018", "bps"] = "kemenperin_pp29_2018"
    source: Annotated[str, StringConstraints(max_length=300)] | None = None
    reference_year: int | None = Field(default=None, ge=1990, le=2100)


assert set(SentraCreate.model_fields["definition"].annotation.__args__) == set(SENTRA_DEFINITIONS)  # type: ignore[union-attr]


class SentraOut(BaseModel):
    """A sentra as shown publicly."""

    model_config = ConfigDict(from_attributes=True)

    public_id: str
    name: str
    province_code: str
    regency_code: str
    district_code: str | None
    desa: str | None
    commodity: str | None
    kbli_code: str | None
    unit_count: int | None
    workers: int | None
    definition: str
    source: str | None
    reference_year: int | None


class FirmFilter(BaseModel):
    """Filters of the firm list."""

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    province: Annotated[str, StringConstraints(pattern=r"^\d{2}$")] | None = None
    regency: KodeWilayah | None = None
    kbli_division: Annotated[str, StringConstraints(pattern=r"^\d{2}$")] | None = None
    size_class: Literal["kecil", "menengah", "besar"] | None = None
    certificate: Annotated[str, StringConstraints(max_length=30)] | None = None
    role: Role | None = None
    kbli: Annotated[str, StringConstraints(pattern=r"^\d{2,5}$")] | None = None  # code prefix
    sector: Literal["industri_kreatif", "makanan_minuman", "kerajinan", "fesyen"] | None = None
    year: int | None = Field(default=None, ge=0, le=2100)  # reference year; 0 = records without one


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of results."""

    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """Number of pages."""
        return page_count(self.total, self.page_size)


class FirmUpdate(BaseModel):
    """Changes to a firm by its owner, its province's officer or an admin; only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    address: LongText | None = None
    kbli_code: KbliCode | None = None
    products: LongText | None = None
    workers: Workers | None = None
    investment: Investment | None = None
    capacity: Capacity | None = None
    capacity_unit: Unit | None = None
    production_value: ProductionValue | None = None
    brand: Brand | None = None
    founded_year: FoundedYear | None = None
    desa: Desa | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    certificates: list[Annotated[str, StringConstraints(max_length=30)]] | None = Field(default=None, max_length=50)
    owner_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    email: EmailStr | None = None

    @field_validator("founded_year")
    @classmethod
    def _not_in_future(cls, v: int | None) -> int | None:
        return _past_year(v)


class FirmPrivateOut(BaseModel):
    """Personal and contact data of a firm, for those entitled to it only."""

    public_id: str
    nib: str | None
    owner_name: str | None
    phone: str | None
    email: str | None
