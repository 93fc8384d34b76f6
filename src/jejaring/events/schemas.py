"""Input shapes of the events domain (web forms, API and CLI validate through these)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from jejaring.events.enums import EventMode, EventZone, MeetingOutcome, ParticipantRole

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Codes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300, pattern=r"^[0-9.;, ]*$")]


class EventIn(BaseModel):
    """A new event: when, where, how many slots and tables, who it is for."""

    model_config = ConfigDict(extra="forbid")

    name: Short
    description: Text = ""
    mode: EventMode = EventMode.TATAP_MUKA
    place: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    starts_on: date
    days: int = Field(default=1, ge=1, le=5)
    day_start: Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "09:00"
    timezone: EventZone = EventZone.WIB
    slot_minutes: int = Field(default=20, ge=5, le=120)
    slots_per_day: int = Field(default=16, ge=1, le=40)
    breaks: Codes = ""  # slot positions within a day (1-based) kept free, e.g. "7" for lunch
    tables: int = Field(default=20, ge=0, le=2000)
    registration_opens: date | None = None
    registration_closes: date | None = None
    request_days: int = Field(default=7, ge=1, le=90)
    target_sectors: Codes = ""
    target_regions: Codes = ""

    @model_validator(mode="after")
    def _window(self) -> EventIn:
        if self.registration_opens and self.registration_closes and self.registration_closes < self.registration_opens:
            raise ValueError("events.error.window")
        if self.mode == EventMode.TATAP_MUKA and self.tables < 1:
            raise ValueError("events.error.no_tables")
        return self


class RegistrationIn(BaseModel):
    """A firm registers: what it seeks and offers (prefilled from its needs and offers)."""

    model_config = ConfigDict(extra="forbid")

    firm: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=12)]
    seeks: Text = ""
    offers: Text = ""
    role: ParticipantRole = ParticipantRole.PESERTA


class RequestIn(BaseModel):
    """A meeting request from one participating firm to another."""

    model_config = ConfigDict(extra="forbid")

    from_firm: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=12)]
    to_firm: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=12)]
    priority: int = Field(default=2, ge=1, le=3)
    online: bool = False
    message: Text = ""


class OutcomeIn(BaseModel):
    """What came of a meeting."""

    model_config = ConfigDict(extra="forbid")

    outcome: MeetingOutcome
    note: Text = ""
