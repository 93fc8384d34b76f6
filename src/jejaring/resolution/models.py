"""Resolution tables: runs, scored candidate pairs (the review queue), merges and value snapshots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jejaring.core.db import Base, UTCDateTime, utcnow
from jejaring.resolution.enums import CandidateStatus, RunStatus

MERGE_REASONS = ("exact_nib", "exact_name_desa", "auto", "reviewer", "manual")


class ResolutionRun(Base):
    """One run of the resolution pipeline (full batch or incremental), with its progress."""

    __tablename__ = "resolution_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # full | incremental
    status: Mapped[str] = mapped_column(String(12), default=RunStatus.RUNNING)
    engine: Mapped[str] = mapped_column(String(12), default="duckdb")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(40), default="")
    records: Mapped[int] = mapped_column(Integer, default=0)
    pairs_scored: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    queued: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MatchCandidate(Base):
    """A scored pair of firm records: auto-merged, or waiting in the review queue, or decided."""

    __tablename__ = "resolution_candidate"
    __table_args__ = (
        UniqueConstraint("firm_a_id", "firm_b_id", name="uq_resolution_candidate_pair"),
        Index("ix_resolution_candidate_status_prob", "status", "match_probability"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_a_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"))
    firm_b_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    match_probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {comparison, level, bf}
    status: Mapped[str] = mapped_column(String(12), default=CandidateStatus.PENDING)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("resolution_run.id", ondelete="SET NULL"))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MergeEvent(Base):
    """Firm ``merged_id`` was folded into ``survivor_id``; undone by a split."""

    __tablename__ = "resolution_merge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("resolution_candidate.id", ondelete="SET NULL"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("resolution_run.id", ondelete="SET NULL"))
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(String(200))


class FirmSnapshot(Base):
    """A firm's own values before it took part in a merge: the input of the golden record and of splits."""

    __tablename__ = "resolution_snapshot"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), primary_key=True)
    values: Mapped[str] = mapped_column(Text)  # JSON object of field → value
    verified: Mapped[int] = mapped_column(Integer, default=0)  # 1 when the source is verified (claim, officer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
