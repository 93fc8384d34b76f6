"""Needs (kebutuhan), offers (penawaran) and match proposals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from jejaring.core.db import Base, UTCDateTime, utcnow
from jejaring.matching.enums import ListingStatus, ProposalStatus

LISTING_KINDS = (
    "bahan_baku",
    "produk_jadi",
    "subkontrak",
    "distribusi",
    "layanan_purna_jual",
    "lainnya",
)
PERIODS = ("sekali", "minggu", "bulan", "tahun")


class _Listing:
    """Columns shared by needs and offers."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kbli_code: Mapped[str | None] = mapped_column(String(5))
    hs_codes: Mapped[str | None] = mapped_column(String(200))  # ';'-separated
    quantity: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10), default="bulan")
    certificates: Mapped[str] = mapped_column(String(300), default="")  # ';'-separated certificate codes
    regency_code: Mapped[str | None] = mapped_column(String(5))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    max_distance_km: Mapped[float | None] = mapped_column(Float)
    deadline: Mapped[date | None] = mapped_column(Date)
    price_min: Mapped[int | None] = mapped_column(BigInteger)  # Rupiah per unit
    price_max: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default=ListingStatus.OPEN, index=True)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr
    def firm_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)

    @property
    def certificate_codes(self) -> list[str]:
        """Required (need) or held (offer) certificate codes."""
        return [c for c in (self.certificates or "").split(";") if c]

    @property
    def hs_list(self) -> list[str]:
        """HS codes as a list."""
        return [c for c in (self.hs_codes or "").split(";") if c]


class Need(_Listing, Base):
    """A kebutuhan: what a firm wants to buy or source (raw material, products, subcontracting, service…)."""

    __tablename__ = "match_need"


class Offer(_Listing, Base):
    """A penawaran: what a firm supplies, its minimum order and the regions it wants buyers in."""

    __tablename__ = "match_offer"

    min_order: Mapped[float | None] = mapped_column(Float)
    target_regions: Mapped[str] = mapped_column(String(500), default="")  # ';'-separated province/regency codes

    @property
    def target_region_codes(self) -> list[str]:
        """Province or regency codes where the firm wants buyers."""
        return [c for c in (self.target_regions or "").split(";") if c]


class MatchProposal(Base):
    """Interest recorded from a match: a buyer proposes a partnership to a firm (or a consortium).

    The partnerships domain takes these over as the first step of the PP 7/2021 lifecycle.
    """

    __tablename__ = "match_proposal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("match_need.id", ondelete="SET NULL"), index=True)
    from_firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id", ondelete="SET NULL"), index=True)
    to_firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="supplier")  # supplier | lead | member
    share: Mapped[float | None] = mapped_column(Float)  # quantity allotted in a consortium
    score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="")  # the "why" lines at proposal time
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=ProposalStatus.PROPOSED, index=True)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
