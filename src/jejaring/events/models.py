"""Event tables: the event, its participants and their unavailable slots, meeting requests and meetings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jejaring.core.db import Base, UTCDateTime, utcnow
from jejaring.events.enums import EventMode, EventStatus, EventZone, ParticipantRole, ParticipantStatus, RequestStatus


class Event(Base):
    """A temu bisnis: days × slots_per_day meeting slots of slot_minutes from day_start, with break slots."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(12), default=EventMode.TATAP_MUKA)
    place: Mapped[str] = mapped_column(String(300), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, default=1)
    day_start: Mapped[str] = mapped_column(String(5), default="09:00")  # HH:MM, local time of the venue
    timezone: Mapped[str] = mapped_column(String(32), default=EventZone.WIB)  # the venue's (IANA name)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    slots_per_day: Mapped[int] = mapped_column(Integer, default=16)
    breaks: Mapped[str] = mapped_column(String(200), default="")  # ';'-separated slot positions (1-based)
    tables: Mapped[int] = mapped_column(Integer, default=20)
    registration_opens: Mapped[date | None] = mapped_column(Date)
    registration_closes: Mapped[date | None] = mapped_column(Date)
    request_days: Mapped[int] = mapped_column(Integer, default=7)  # pending requests expire after this
    target_sectors: Mapped[str] = mapped_column(String(300), default="")  # ';'-separated KBLI prefixes
    target_regions: Mapped[str] = mapped_column(String(300), default="")  # ';'-separated province codes
    status: Mapped[str] = mapped_column(String(12), default=EventStatus.PENDAFTARAN, index=True)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def zone_abbr(self) -> str:
        """WIB, WITA or WIT: the zone the event's times are in."""
        return EventZone(self.timezone).name


class Participant(Base):
    """A firm at an event: what it seeks and offers, its role, booth (hosted buyers) and attendance."""

    __tablename__ = "event_participant"
    __table_args__ = (UniqueConstraint("event_id", "firm_id", name="uq_event_participant_event_firm"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"), index=True)
    role: Mapped[str] = mapped_column(String(14), default=ParticipantRole.PESERTA)
    booth: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=ParticipantStatus.TERDAFTAR)
    seeks: Mapped[str] = mapped_column(Text, default="")
    offers: Mapped[str] = mapped_column(Text, default="")
    registered_by: Mapped[str | None] = mapped_column(String(200))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Unavailable(Base):
    """A slot (0-based over all days) in which a participant cannot meet."""

    __tablename__ = "event_unavailable"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participant.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)


class MeetingRequest(Base):
    """One participant asks another for a meeting; priority 1–3 and the partner-search score weight it."""

    __tablename__ = "event_request"
    __table_args__ = (UniqueConstraint("event_id", "from_id", "to_id", name="uq_event_request_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("event_participant.id"), index=True)
    to_id: Mapped[int] = mapped_column(ForeignKey("event_participant.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=RequestStatus.MENUNGGU, index=True)
    priority: Mapped[int] = mapped_column(Integer, default=2)
    score: Mapped[float] = mapped_column(Float, default=0.5)
    why: Mapped[str] = mapped_column(Text, default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Meeting(Base):
    """An accepted request placed in a slot (and at a table unless online); published meetings stay fixed."""

    __tablename__ = "event_meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("event_request.id"), unique=True)
    slot: Mapped[int] = mapped_column(Integer)
    table_no: Mapped[int | None] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(14))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
