"""The one table markets keeps in the database: HS codes of a firm's products, set or corrected by people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jejaring.core.db import Base, UTCDateTime, utcnow


class FirmHsCode(Base):
    """An HS 2022 six-digit code a firm's owner or an officer confirmed or corrected (overrides guesses)."""

    __tablename__ = "market_firm_hs"
    __table_args__ = (UniqueConstraint("firm_id", "hs6"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    hs6: Mapped[str] = mapped_column(String(6))
    product_text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(12))  # corrected | text
    confidence: Mapped[float] = mapped_column(Float)
    set_by: Mapped[str | None] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
