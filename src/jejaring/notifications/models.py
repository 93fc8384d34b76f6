"""The notification table: one message to one user, with a link to the thing concerned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jejaring.accounts import models as _accounts_models  # noqa: F401  (the users our foreign key points at)
from jejaring.core.db import Base, UTCDateTime, utcnow


class Notification(Base):
    """A message for one user: ``message_key`` and ``params`` are rendered in the reader's language."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # proposal, agreement, signature, status, claim, invoice, ...
    message_key: Mapped[str] = mapped_column(String(80))
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    link: Mapped[str | None] = mapped_column(String(300))  # a same-site path
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
