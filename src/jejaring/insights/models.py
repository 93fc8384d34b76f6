"""Rollup tables: the registry pre-aggregated so dashboards never scan the firm table.

All rollups are rebuilt together by ``service.refresh_rollups``. Unknown key values are stored as
``""`` (text keys) or ``0`` (reference year) because key columns cannot be NULL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jejaring.core.db import Base, UTCDateTime, utcnow

ROLE_GROUPS = ("ikm", "industri_besar")  # industry units = IKM + large industry


class ProvinceRollup(Base):
    """Units, workers, output and data-quality counts per year × province × KBLI group × size × role."""

    __tablename__ = "insights_rollup"
    __table_args__ = (Index("ix_insights_rollup_province", "province_code", "reference_year"),)

    reference_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    kbli_group: Mapped[str] = mapped_column(String(3), primary_key=True)
    size_class: Mapped[str] = mapped_column(String(10), primary_key=True)
    role: Mapped[str] = mapped_column(String(15), primary_key=True)
    kbli_division: Mapped[str] = mapped_column(String(2))
    units: Mapped[int] = mapped_column(Integer, default=0)
    workers: Mapped[int] = mapped_column(BigInteger, default=0)
    output_value: Mapped[int] = mapped_column(BigInteger, default=0)  # Rupiah per year, where reported
    output_units: Mapped[int] = mapped_column(Integer, default=0)  # units reporting an output value
    nib_units: Mapped[int] = mapped_column(Integer, default=0)
    geo_units: Mapped[int] = mapped_column(Integer, default=0)
    cert_units: Mapped[int] = mapped_column(Integer, default=0)
    no_workers_units: Mapped[int] = mapped_column(Integer, default=0)
    creative_units: Mapped[int] = mapped_column(Integer, default=0)
    creative_workers: Mapped[int] = mapped_column(BigInteger, default=0)
    food_units: Mapped[int] = mapped_column(Integer, default=0)
    food_workers: Mapped[int] = mapped_column(BigInteger, default=0)
    craft_units: Mapped[int] = mapped_column(Integer, default=0)
    craft_workers: Mapped[int] = mapped_column(BigInteger, default=0)
    fashion_units: Mapped[int] = mapped_column(Integer, default=0)
    fashion_workers: Mapped[int] = mapped_column(BigInteger, default=0)


class RegencyRollup(Base):
    """Units, workers and output per year × regency × KBLI division × role."""

    __tablename__ = "insights_regency_rollup"
    __table_args__ = (Index("ix_insights_regency_rollup_province", "province_code", "reference_year"),)

    reference_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    kbli_division: Mapped[str] = mapped_column(String(2), primary_key=True)
    role: Mapped[str] = mapped_column(String(15), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    units: Mapped[int] = mapped_column(Integer, default=0)
    workers: Mapped[int] = mapped_column(BigInteger, default=0)
    output_value: Mapped[int] = mapped_column(BigInteger, default=0)


class CertificateRollup(Base):
    """Units and workers holding each certificate, per year × province × role."""

    __tablename__ = "insights_certificate_rollup"

    reference_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    certificate_code: Mapped[str] = mapped_column(String(30), primary_key=True)
    role: Mapped[str] = mapped_column(String(15), primary_key=True)
    units: Mapped[int] = mapped_column(Integer, default=0)
    workers: Mapped[int] = mapped_column(BigInteger, default=0)


class SentraRollup(Base):
    """Registered members of each sentra and how many share the sentra's KBLI division (focus)."""

    __tablename__ = "insights_sentra_rollup"

    sentra_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_units: Mapped[int] = mapped_column(Integer, default=0)
    member_workers: Mapped[int] = mapped_column(BigInteger, default=0)
    focus_units: Mapped[int] = mapped_column(Integer, default=0)  # members in the sentra's KBLI division


class QualityRollup(Base):
    """Counts of data-quality issues per province (see ``quality.ISSUES``)."""

    __tablename__ = "insights_quality"

    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    issue: Mapped[str] = mapped_column(String(40), primary_key=True)
    units: Mapped[int] = mapped_column(Integer, default=0)


class RefreshLog(Base):
    """One row per rollup refresh: when, how many firms, how long."""

    __tablename__ = "insights_refresh"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    firms: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    max_firm_id: Mapped[int] = mapped_column(Integer, default=0)  # staleness check: new firms since?
    max_sentra_id: Mapped[int] = mapped_column(Integer, default=0)
    sources: Mapped[str] = mapped_column(Text, default="{}")  # JSON: offices, files, years behind the figures
