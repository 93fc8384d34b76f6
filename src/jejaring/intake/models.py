"""Intake tables: import jobs, quarantined rows (with their original values) and remembered header mappings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jejaring.core.db import Base, UTCDateTime, utcnow
from jejaring.intake.enums import JobStatus, QuarantineStatus


class ImportJob(Base):
    """One uploaded file moving through read → validate → upsert, in committed batches."""

    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED, index=True)
    office: Mapped[str | None] = mapped_column(String(20), index=True)  # kode wilayah of the office
    uploaded_by: Mapped[str | None] = mapped_column(String(200))
    reference_year: Mapped[int | None] = mapped_column(Integer)  # default tahun_data for empty cells
    file_name: Mapped[str] = mapped_column(String(300))
    stored_path: Mapped[str] = mapped_column(Text)
    file_size: Mapped[int] = mapped_column(Integer, default=0)
    header_map: Mapped[str] = mapped_column(Text, default="{}")  # JSON: original header → field or ""
    header_row: Mapped[int | None] = mapped_column(Integer)  # spreadsheet row number of the header line
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    batches_done: Mapped[int] = mapped_column(Integer, default=0)
    error_key: Mapped[str | None] = mapped_column(String(100))
    error_params: Mapped[str | None] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        """Progress in whole percent."""
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class QuarantineRow(Base):
    """A rejected row: its original values and every reason, kept until corrected."""

    __tablename__ = "quarantine_row"
    __table_args__ = (Index("ix_quarantine_row_job_row", "job_id", "row_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)  # as the uploader sees it in the spreadsheet
    values: Mapped[str] = mapped_column(Text)  # JSON: template field → original text
    errors: Mapped[str] = mapped_column(Text)  # JSON: [{"field", "value", "key", "params"}]
    status: Mapped[str] = mapped_column(String(12), default=QuarantineStatus.OPEN)
    resolved_firm_id: Mapped[int | None] = mapped_column(Integer)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HeaderMapping(Base):
    """A header an office's files use, mapped once by an uploader to a template field (or ignored)."""

    __tablename__ = "header_mapping"
    __table_args__ = (UniqueConstraint("office", "header_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office: Mapped[str] = mapped_column(String(20))  # "" = no office given
    header_key: Mapped[str] = mapped_column(String(200))  # normalised header text
    field: Mapped[str] = mapped_column(String(40))  # template field, or "" to ignore the column
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
