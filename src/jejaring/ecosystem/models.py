"""Ecosystem tables: links between firms (or a firm and a named partner) and an imported I–O structure."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jejaring.core.db import Base, UTCDateTime, utcnow


class Link(Base):
    """One linkage (keterkaitan) of a firm: who supplies, buys, services, finances or exports for it.

    ``firm_id`` is the IKM (or the firm seen as the centre); the partner is a registered firm or a name and
    regency. ``link_key`` identifies the link within its source, so collecting or importing again updates it.
    """

    __tablename__ = "eco_link"
    __table_args__ = (
        Index("ix_eco_link_province_kind", "province_code", "kind"),
        Index("ix_eco_link_regency", "regency_code"),
        Index("ix_eco_link_updated_at", "updated_at"),  # h19: the stored rollup's cheap freshness mark
        Index("ix_eco_link_province_id", "province_code", "id"),  # a province's links in id order (pages)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_key: Mapped[str] = mapped_column(String(64), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    partner_firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    partner_name: Mapped[str | None] = mapped_column(String(300))
    partner_regency_code: Mapped[str | None] = mapped_column(ForeignKey("ref_regency.code"))
    kind: Mapped[str] = mapped_column(String(30))  # LinkKind
    product: Mapped[str | None] = mapped_column(String(300))
    value_per_year: Mapped[int | None] = mapped_column(BigInteger)  # Rupiah per year
    since: Mapped[int | None] = mapped_column(Integer)  # year the link began
    source: Mapped[str] = mapped_column(String(20), index=True)  # LinkSource
    source_ref: Mapped[str | None] = mapped_column(String(100))  # partnership / proposal / sentra public ID
    province_code: Mapped[str] = mapped_column(String(2))  # of the firm, for scoping
    regency_code: Mapped[str] = mapped_column(String(5))  # of the firm
    # provenance of a declared link: the office, file and row it came from
    office: Mapped[str | None] = mapped_column(String(20))
    file_name: Mapped[str | None] = mapped_column(String(300))
    row_number: Mapped[int | None] = mapped_column(Integer)
    import_job_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class IoCoefficient(Base):
    """A technical coefficient a_ij imported from a BPS input–output table (KBLI divisions); empty = default."""

    __tablename__ = "eco_io_coefficient"

    input_division: Mapped[str] = mapped_column(String(2), primary_key=True)
    using_division: Mapped[str] = mapped_column(String(2), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)  # file name and table year
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredGap(Base):
    """One gap of the stored rollup (``jejaring ecosystem rollup``): pages read these instead of recomputing.

    Rows are written in the finder's order (score, highest first), so ``id`` order is score order.
    """

    __tablename__ = "eco_gap"
    __table_args__ = (
        Index("ix_eco_gap_province", "province_code", "id"),
        Index("ix_eco_gap_regency", "regency_code", "id"),
        Index("ix_eco_gap_place", "place", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # GapKind
    place_kind: Mapped[str] = mapped_column(String(20))  # PlaceKind
    place: Mapped[str] = mapped_column(String(40))  # regency code or sentra public ID
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    division: Mapped[str] = mapped_column(String(2), default="")  # the sector: input or sentra KBLI division
    score: Mapped[float] = mapped_column(Float)
    reason_key: Mapped[str] = mapped_column(String(100))
    params: Mapped[str] = mapped_column(Text)  # JSON: the reason's numbers
    search: Mapped[str] = mapped_column(Text)  # JSON: the /match query that closes it


class Rollup(Base):
    """The state of the data the stored gaps were computed from (one row), and how long it took."""

    __tablename__ = "eco_rollup"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(500))
    gaps: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlaceSummary(Base):
    """Per place of the stored rollup: IKM, IKM with any link, and IKM with a link of each kind (``LinkKind``)."""

    __tablename__ = "eco_place_summary"
    __table_args__ = (Index("ix_eco_place_summary_place", "place_kind", "place", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_kind: Mapped[str] = mapped_column(String(20))  # PlaceKind, or "nasional"
    place: Mapped[str] = mapped_column(String(40))  # province or regency code, sentra public ID, "" = the nation
    ikm: Mapped[int] = mapped_column(Integer)
    linked: Mapped[int] = mapped_column(Integer)
    kinds: Mapped[str] = mapped_column(Text)  # JSON: link kind → IKM with such a link


class StoredFlow(Base):
    """A flow of the stored rollup: links from the partner's regency to the IKM's, by kind, for one place (the
    largest 500 of a province, regency or sentra)."""

    __tablename__ = "eco_flow"
    __table_args__ = (Index("ix_eco_flow_place", "place_kind", "place"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_kind: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(40))
    source_regency: Mapped[str] = mapped_column(String(5))
    target_regency: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(30))
    links: Mapped[int] = mapped_column(Integer)
