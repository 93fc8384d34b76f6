"""Capability tables: versioned assessments, programmes and enrolments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jejaring.core.db import Base, UTCDateTime, utcnow


class Assessment(Base):
    """One version of a firm's capability assessment (answers as a vector, scores as JSON)."""

    __tablename__ = "capability_assessment"
    # covering index of the ranking query: current assessments of a province, grouped, with their vectors
    __table_args__ = (
        Index(
            "ix_capability_assessment_rank",
            "province_code",
            "is_latest",
            "size_class",
            "product_group",
            "firm_id",
            "vector",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    province_code: Mapped[str] = mapped_column(String(2))  # of the firm, for scoping and ranking
    size_class: Mapped[str | None] = mapped_column(String(10))  # of the firm when assessed (eligibility)
    product_group: Mapped[str] = mapped_column(String(20))  # from the firm's KBLI (targets, eligibility)
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, … per firm
    assessor_kind: Mapped[str] = mapped_column(String(10))  # AssessorKind
    assessor: Mapped[str] = mapped_column(String(255))
    catalogue_version: Mapped[str] = mapped_column(String(20))
    vector: Mapped[str] = mapped_column(String(64))  # one character per criterion: 0–4 or '-'
    prefilled: Mapped[str] = mapped_column(String(500), default="")  # ';'-separated criteria taken from the registry
    scores: Mapped[str] = mapped_column(Text)  # JSON: dimension / pillar / overall → 0–100
    overall: Mapped[float] = mapped_column(Float)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Programme(Base):
    """A development programme run by an office: a cohort, a budget, dates and its interventions."""

    __tablename__ = "capability_programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(ForeignKey("ref_province.code"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    budget: Mapped[int] = mapped_column(BigInteger)  # Rupiah, government side
    cohort_size: Mapped[int] = mapped_column(Integer)
    interventions: Mapped[str] = mapped_column(String(500))  # ';'-separated intervention codes
    status: Mapped[str] = mapped_column(String(12), default="planned")  # ProgrammeStatus
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def intervention_codes(self) -> list[str]:
        """The programme's intervention codes."""
        return [c for c in self.interventions.split(";") if c]


class Enrolment(Base):
    """A firm's place in a programme: selection, participation, completion and its assessments."""

    __tablename__ = "capability_enrolment"
    __table_args__ = (UniqueConstraint("programme_id", "firm_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("capability_programme.id", ondelete="CASCADE"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(14), default="selected")  # EnrolmentStatus
    expected_gain: Mapped[float] = mapped_column(Float, default=0.0)
    cost_gov: Mapped[int] = mapped_column(BigInteger, default=0)
    before_id: Mapped[int | None] = mapped_column(ForeignKey("capability_assessment.id"))
    after_id: Mapped[int | None] = mapped_column(ForeignKey("capability_assessment.id"))
    certificates_before: Mapped[str] = mapped_column(String(300), default="")  # ';'-separated codes
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CustomIntervention(Base):
    """An intervention an office adds to the default catalogue (its own programme or a local provider's)."""

    __tablename__ = "capability_intervention"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    provider: Mapped[str] = mapped_column(String(300))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    cost_firm: Mapped[int] = mapped_column(BigInteger)
    cost_gov: Mapped[int] = mapped_column(BigInteger)
    duration: Mapped[float] = mapped_column(Float)  # months
    requires: Mapped[str] = mapped_column(Text, default="{}")  # JSON: criterion → level
    lifts: Mapped[str] = mapped_column(Text)  # JSON: criterion → level
    eligible_sizes: Mapped[str] = mapped_column(String(100), default="")  # ';'-separated
    eligible_groups: Mapped[str] = mapped_column(String(300), default="")  # ';'-separated
    source: Mapped[str] = mapped_column(String(500))
    province_code: Mapped[str | None] = mapped_column(String(2))  # the office that added it (None: national)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
