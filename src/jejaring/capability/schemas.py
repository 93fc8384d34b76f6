"""Input and output shapes of the capability API and forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class AssessmentIn(BaseModel):
    """Answers of one assessment: criterion code → 0/1 (yes/no) or 0–4 (scale); omitted ones are pre-filled."""

    firm: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
    answers: dict[str, int | None] = Field(default_factory=dict)
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class TargetIn(BaseModel):
    """Which target to measure gaps against: a buyer's need, a partnership pattern or a market."""

    kind: Literal["need", "pattern", "market"] = "market"
    need: Code | None = None  # need public ID
    pattern: Code | None = None
    region: Code | None = None
    group: Code | None = None  # product group; default: the firm's

    @model_validator(mode="after")
    def _complete(self) -> TargetIn:
        if self.kind == "need" and not self.need:
            raise ValueError("need is required for kind=need")
        if self.kind == "pattern" and not self.pattern:
            raise ValueError("pattern is required for kind=pattern")
        if self.kind == "market" and not self.region:
            raise ValueError("region is required for kind=market")
        return self


class PlanIn(TargetIn):
    """A target plus the limits of the plan."""

    budget: int = Field(default=5_000_000, ge=0, le=10_000_000_000)  # Rupiah the firm can spend
    months: float = Field(default=12, gt=0, le=60)
    budget_gov: int | None = Field(default=None, ge=0)


class ProgrammeIn(BaseModel):
    """A new programme."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    province_code: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    start_date: date
    end_date: date
    budget: int = Field(ge=0, le=1_000_000_000_000)
    cohort_size: int = Field(ge=1, le=100_000)
    interventions: list[Code] = Field(min_length=1)

    @model_validator(mode="after")
    def _dates(self) -> ProgrammeIn:
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class EnrolIn(BaseModel):
    """Firms to enrol (public IDs)."""

    firms: list[Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]] = Field(min_length=1)


class EnrolmentStatusIn(BaseModel):
    """A new status for an enrolment."""

    status: Literal["participating", "completed", "dropped"]


class InterventionIn(BaseModel):
    """An intervention added to the catalogue by an office."""

    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9_]{3,40}$")]
    kind: Literal["sertifikasi", "registrasi", "bimtek", "pendampingan", "restrukturisasi_mesin", "digital", "kurasi"]
    provider: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=300)]
    name_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    cost_firm: int = Field(ge=0, le=100_000_000_000)
    cost_gov: int = Field(ge=0, le=100_000_000_000)
    duration: float = Field(gt=0, le=60)
    requires: dict[str, float] = Field(default_factory=dict)
    lifts: dict[str, float] = Field(min_length=1)
    eligible_sizes: list[Literal["kecil", "menengah", "besar"]] = Field(default_factory=list)
    eligible_groups: list[Code] = Field(default_factory=list)
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
    province_code: Annotated[str, StringConstraints(pattern=r"^\d{2}$")] | None = None

    @model_validator(mode="after")
    def _levels(self) -> InterventionIn:
        for level in (*self.requires.values(), *self.lifts.values()):
            if not 0 < level <= 1:
                raise ValueError("levels are between 0 (exclusive) and 1")
        return self
