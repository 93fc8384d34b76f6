"""Registry tables. Personal data lives in ``firm_private`` so public queries never touch it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, get_args

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from jejaring.core.db import Base, UTCDateTime, utcnow

Role = Literal[
    "ikm",
    "industri_besar",
    "pemasok_bahan_baku",
    "distributor",
    "layanan_purna_jual",
    "eksportir",
    "lembaga_keuangan",
]
FIRM_ROLES: tuple[Role, ...] = get_args(Role)
SIZE_CLASSES = ("kecil", "menengah", "besar")
SENTRA_DEFINITIONS = ("kemenperin_pp29_2018", "bps")


def key_string(length: int) -> TypeEngine[str]:
    """Text compared byte by byte: identifiers and keys, whose indexes a libc locale only slows down (PostgreSQL
    ``COLLATE "C"``; SQLite's default ``BINARY`` already is)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Firm(Base):
    """A business unit: IKM, large industry, supplier, distributor, service provider, …"""

    __tablename__ = "firm"
    __table_args__ = (
        Index("ix_firm_province_kbli", "province_code", "kbli_division"),
        Index("ix_firm_name_key", "name_key"),
        Index("ix_firm_intake_key", "intake_key", unique=True),
        Index("ix_firm_row_hash", "row_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(key_string(12), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(key_string(300))  # lower-case, punctuation-free, for search
    nib: Mapped[str | None] = mapped_column(key_string(13), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    province_code: Mapped[str] = mapped_column(ForeignKey("ref_province.code"))
    regency_code: Mapped[str] = mapped_column(ForeignKey("ref_regency.code"), index=True)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("ref_district.code"))
    desa: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    kbli_code: Mapped[str | None] = mapped_column(ForeignKey("ref_kbli.code"), index=True)
    kbli_division: Mapped[str | None] = mapped_column(String(2))
    products: Mapped[str | None] = mapped_column(Text)
    workers: Mapped[int | None] = mapped_column(Integer)
    investment: Mapped[int | None] = mapped_column(BigInteger)  # Rupiah, excluding land and buildings
    capacity: Mapped[float | None] = mapped_column(Float)  # per month
    capacity_unit: Mapped[str | None] = mapped_column(String(40))
    production_value: Mapped[int | None] = mapped_column(BigInteger)  # Rupiah per year
    brand: Mapped[str | None] = mapped_column(String(200))
    founded_year: Mapped[int | None] = mapped_column(Integer)
    reference_year: Mapped[int | None] = mapped_column(Integer, index=True)
    size_class: Mapped[str | None] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | merged
    # natural key of an intake row (NIB, else name + regency + owner) and a hash of its content,
    # so that re-uploading the same file changes nothing and a corrected row updates the firm
    intake_key: Mapped[str | None] = mapped_column(key_string(40))
    content_hash: Mapped[str | None] = mapped_column(String(40))
    # fingerprint of the uploaded row (its cells as typed) whose content the firm holds: the same row uploaded
    # again is known unchanged without validating it (intake/fingerprint.py); NULL after an edit by hand
    row_hash: Mapped[str | None] = mapped_column(key_string(32))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    roles: Mapped[list[FirmRole]] = relationship(back_populates="firm", cascade="all, delete-orphan", lazy="selectin")
    certifications: Mapped[list[Certification]] = relationship(
        back_populates="firm", cascade="all, delete-orphan", lazy="selectin"
    )
    product_items: Mapped[list[Product]] = relationship(back_populates="firm", cascade="all, delete-orphan")
    private: Mapped[FirmPrivate | None] = relationship(
        back_populates="firm", cascade="all, delete-orphan", uselist=False
    )

    @property
    def role_codes(self) -> list[str]:
        """The firm's roles as plain codes."""
        return sorted(r.role for r in self.roles)

    @property
    def nib_present(self) -> bool:
        """Whether the firm has an NIB on record (the number itself is not public)."""
        return bool(self.nib)

    @property
    def certificate_codes(self) -> list[str]:
        """Codes of the certificates the firm holds."""
        return sorted({c.certificate_code for c in self.certifications})


class FirmRole(Base):
    """One role of a firm in the ecosystem (a firm may have several)."""

    __tablename__ = "firm_role"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)

    firm: Mapped[Firm] = relationship(back_populates="roles")


class FirmPrivate(Base):
    """Personal and contact data: never shown publicly, never exported."""

    __tablename__ = "firm_private"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), primary_key=True)
    owner_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))

    firm: Mapped[Firm] = relationship(back_populates="private")


class FirmAlias(Base):
    """A public ID a firm had before its current one (``firm.public_id``); old links keep working."""

    __tablename__ = "firm_alias"

    public_id: Mapped[str] = mapped_column(key_string(12), primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Product(Base):
    """A product line of a firm."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    kbli_code: Mapped[str | None] = mapped_column(ForeignKey("ref_kbli.code"))
    hs_codes: Mapped[str | None] = mapped_column(String(200))  # ';'-separated HS 2022 codes
    description: Mapped[str] = mapped_column(Text)

    firm: Mapped[Firm] = relationship(back_populates="product_items")


class Certification(Base):
    """A certificate held by a firm."""

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    certificate_code: Mapped[str] = mapped_column(ForeignKey("ref_certificate.code"), index=True)
    number: Mapped[str | None] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200))
    valid_until: Mapped[date | None] = mapped_column(Date)

    firm: Mapped[Firm] = relationship(back_populates="certifications")


class Sentra(Base):
    """A sentra: a cluster of IKM making similar products in one place."""

    __tablename__ = "sentra"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("ref_province.code"), index=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("ref_regency.code"), index=True)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("ref_district.code"))
    desa: Mapped[str | None] = mapped_column(String(100))
    commodity: Mapped[str | None] = mapped_column(String(300))
    kbli_code: Mapped[str | None] = mapped_column(ForeignKey("ref_kbli.code"))
    unit_count: Mapped[int | None] = mapped_column(Integer)
    workers: Mapped[int | None] = mapped_column(Integer)
    definition: Mapped[str] = mapped_column(String(30), default="kemenperin_pp29_2018")
    source: Mapped[str | None] = mapped_column(String(300))
    reference_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SentraMembership(Base):
    """A firm belongs to a sentra."""

    __tablename__ = "sentra_membership"

    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id", ondelete="CASCADE"), primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), primary_key=True, index=True)


class RecordSource(Base):
    """Provenance: which office, file, row and year contributed which fields of a record."""

    __tablename__ = "record_source"
    __table_args__ = (Index("ix_record_source_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(20))  # firm | sentra
    entity_id: Mapped[int] = mapped_column(Integer)
    source_office: Mapped[str | None] = mapped_column(String(20))  # kode wilayah of the office
    file_name: Mapped[str | None] = mapped_column(String(300))
    row_number: Mapped[int | None] = mapped_column(Integer)
    reference_year: Mapped[int | None] = mapped_column(Integer)
    uploaded_by: Mapped[str | None] = mapped_column(String(200))
    fields: Mapped[str] = mapped_column(Text, default="")  # ','-separated template fields contributed
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FirmHistory(Base):
    """The values a firm had before an upload changed them (history of intake updates)."""

    __tablename__ = "firm_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    import_job_id: Mapped[int | None] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)  # JSON of the previous values
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
