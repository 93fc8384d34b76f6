"""Reference tables. Codes are strings exactly as published (dotted Kemendagri codes for wilayah)."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jejaring.core.db import Base


class Province(Base):
    """Provinsi (Kemendagri 2025), e.g. ``32`` Jawa Barat."""

    __tablename__ = "ref_province"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    capital: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Regency(Base):
    """Kabupaten/kota, e.g. ``32.09`` Kabupaten Cirebon, with the coordinates of its seat."""

    __tablename__ = "ref_regency"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("ref_province.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # kabupaten | kota
    capital: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class District(Base):
    """Kecamatan (distrik in Papua), e.g. ``32.09.01``, with the coordinates of its seat."""

    __tablename__ = "ref_district"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("ref_regency.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class WilayahAlias(Base):
    """Colloquial or historical names that resolve to a code (Jogja → 34, Solo → 33.72)."""

    __tablename__ = "ref_wilayah_alias"

    alias: Mapped[str] = mapped_column(String(100), primary_key=True)
    code: Mapped[str] = mapped_column(String(8))


class Kbli(Base):
    """KBLI 2020 code at any level: kategori, golongan pokok, golongan, subgolongan, kelompok."""

    __tablename__ = "ref_kbli"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    level: Mapped[str] = mapped_column(String(20), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("ref_kbli.code"), index=True)
    title_id: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)


class KbliSector(Base):
    """The one mapping from a KBLI code (any level, a prefix) to an overlapping IKM sector."""

    __tablename__ = "ref_kbli_sector"

    kbli_code: Mapped[str] = mapped_column(ForeignKey("ref_kbli.code"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(30), primary_key=True)


class HsCode(Base):
    """Harmonized System 2022 code: chapter (2), heading (4) or subheading (6 digits)."""

    __tablename__ = "ref_hs"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, index=True)
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    description: Mapped[str] = mapped_column(Text)


class Country(Base):
    """ISO 3166-1 country."""

    __tablename__ = "ref_country"

    alpha2: Mapped[str] = mapped_column(String(2), primary_key=True)
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    numeric: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(120))


class Certificate(Base):
    """A certificate or licence an IKM may hold (SNI, Halal, PIRT, BPOM, ISO 9001, …)."""

    __tablename__ = "ref_certificate"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(200))
    description_id: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    aliases: Mapped[str] = mapped_column(Text, default="")  # ';'-separated spellings seen in uploads


class PartnershipPattern(Base):
    """A partnership pattern (pola kemitraan) of PP 7/2021, Pasal 106."""

    __tablename__ = "ref_partnership_pattern"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    description_id: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
