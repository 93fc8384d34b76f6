"""Input and output shapes of matching: needs, offers, partner searches, proposals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from jejaring.matching.models import LISTING_KINDS, PERIODS
from jejaring.registry.schemas import Role

Kind = Literal["bahan_baku", "produk_jadi", "subkontrak", "distribusi", "layanan_purna_jual", "lainnya"]
Period = Literal["sekali", "minggu", "bulan", "tahun"]
assert set(Kind.__args__) == set(LISTING_KINDS)  # type: ignore[attr-defined]
assert set(Period.__args__) == set(PERIODS)  # type: ignore[attr-defined]

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]


MAX_PRICE = 10**15  # Rp1 000 trillion: anything above is a typing error (and beyond the database's integers)


class ListingIn(BaseModel):
    """What a need and an offer share, as submitted."""

    model_config = ConfigDict(extra="forbid")

    firm: Annotated[str, StringConstraints(strip_whitespace=True, max_length=12)] | None = Field(
        default=None, description="public ID of the posting firm"
    )
    kind: Kind = "bahan_baku"
    title: Title
    description: Description = ""
    kbli_code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{5}$")] | None = None
    hs_codes: list[Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{2,6}$")]] = Field(
        default_factory=list, max_length=20
    )
    quantity: float | None = Field(default=None, gt=0, le=1e12)
    unit: Unit | None = None
    period: Period = "bulan"
    certificates: list[Code] = Field(default_factory=list, max_length=16, description="names or codes")
    location: Place | None = Field(default=None, description="kode wilayah (32.09) or regency name")
    max_distance_km: float | None = Field(default=None, gt=0, le=5000)
    deadline: date | None = None
    price_min: int | None = Field(default=None, ge=0, le=MAX_PRICE)
    price_max: int | None = Field(default=None, ge=0, le=MAX_PRICE)

    @model_validator(mode="after")
    def _consistent(self) -> ListingIn:
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            raise ValueError("validation.price_order")
        if self.quantity is not None and not self.unit:
            raise ValueError("validation.unit_for_quantity")
        return self


class NeedIn(ListingIn):
    """A new kebutuhan."""


class OfferIn(ListingIn):
    """A new penawaran, with its minimum order and the regions where the firm wants buyers."""

    min_order: float | None = Field(default=None, gt=0, le=1e12)
    target_regions: list[Place] = Field(default_factory=list, max_length=50)


class ListingOut(BaseModel):
    """A need or offer as shown publicly."""

    model_config = ConfigDict(from_attributes=True)

    public_id: str
    kind: str
    title: str
    description: str
    kbli_code: str | None
    hs_list: list[str]
    quantity: float | None
    unit: str | None
    period: str
    certificate_codes: list[str]
    regency_code: str | None
    max_distance_km: float | None
    deadline: date | None
    price_min: int | None
    price_max: int | None
    status: str
    created_at: datetime
    firm_public_id: str | None = None


class OfferOut(ListingOut):
    """An offer as shown publicly."""

    min_order: float | None
    target_region_codes: list[str]


class MatchQuery(BaseModel):
    """A partner search: free text plus filters (what `jejaring match` and the API take)."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]
    near: Place | None = Field(default=None, description="kode wilayah or regency name of the buyer")
    radius_km: float | None = Field(default=None, gt=0, le=5000)
    certificates: list[Code] = Field(default_factory=list, max_length=16)
    quantity: float | None = Field(default=None, gt=0, le=1e12)
    unit: Unit | None = None
    period: Period = "bulan"
    roles: list[Role] = Field(default_factory=list)
    kbli_code: Annotated[str, StringConstraints(pattern=r"^\d{5}$")] | None = None
    hs_codes: list[Annotated[str, StringConstraints(pattern=r"^\d{2,6}$")]] = Field(default_factory=list)
    province: Annotated[str, StringConstraints(pattern=r"^\d{2}$")] | None = None
    min_capacity: bool = Field(default=False, description="only firms that can supply the quantity alone")
    price_min: int | None = Field(
        default=None, ge=0, le=MAX_PRICE, description="budget: lowest price per unit (Rupiah)"
    )
    price_max: int | None = Field(
        default=None, ge=0, le=MAX_PRICE, description="budget: highest price per unit (Rupiah)"
    )
    deadline: date | None = Field(default=None, description="when the whole quantity must be ready")
    limit: int = Field(default=20, ge=1, le=100)
    understand: bool = Field(default=True, description="read quantity, place, certificates … from the text")
    ignore: list[Literal["quantity", "certificates", "place", "radius_km", "deadline", "price", "hs_codes"]] = Field(
        default_factory=list, description="what the need reader found that the user removed"
    )

    @model_validator(mode="after")
    def _unit_with_quantity(self) -> MatchQuery:
        if self.quantity is not None and not self.unit:
            raise ValueError("validation.unit_for_quantity")
        if (self.price_min is not None or self.price_max is not None) and not self.unit:
            raise ValueError("validation.unit_for_price")
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            raise ValueError("validation.price_order")
        return self


class MatchResultOut(BaseModel):
    """One ranked partner with its explanation."""

    id: str
    name: str
    score: float
    why: list[str]
    components: dict[str, float] = Field(default_factory=dict)
    distance_km: float | None = None
    regency_code: str | None = None
    roles: list[str] = Field(default_factory=list)


class MatchOut(BaseModel):
    """Ranked partners and, when no single firm suffices, a consortium proposal."""

    understood: dict[str, Any] | None = Field(
        default=None,
        description="what the need reader found in the text: quantity, unit, period, certificates, "
        "place (kode wilayah + name), radius_km, deadline, price, hs_codes and the kbli_codes they and the "
        "product words stand for",
    )
    results: list[MatchResultOut]
    consortium: dict[str, Any] | None


class ProposalIn(BaseModel):
    """Propose a partnership to a matched firm (recorded for the partnerships flow)."""

    model_config = ConfigDict(extra="forbid")

    to_firm: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=12)]
    need: Annotated[str, StringConstraints(strip_whitespace=True, max_length=12)] | None = None
    from_firm: Annotated[str, StringConstraints(strip_whitespace=True, max_length=12)] | None = None
    role: Literal["supplier", "lead", "member"] = "supplier"
    share: float | None = Field(default=None, ge=0)
    message: Description | None = None


class ProposalOut(BaseModel):
    """A recorded partnership proposal."""

    public_id: str
    to_firm: str
    need: str | None
    role: str
    status: str
    created_at: datetime
