"""Resolution shapes for the API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Reason(BaseModel):
    """One comparison's contribution to a pair's score."""

    comparison: str
    level: str
    weight: float
    text: str


class CandidateOut(BaseModel):
    """A candidate pair in the review queue."""

    id: int
    firm_a: str
    firm_b: str
    province_code: str
    match_probability: float
    match_weight: float
    status: str
    why: list[Reason]


class BulkDecision(BaseModel):
    """Confirm or reject many candidates at once."""

    candidate_ids: list[int] = Field(min_length=1, max_length=500)
    decision: Literal["confirm", "reject"]


class RunOut(BaseModel):
    """A resolution run."""

    id: int
    kind: str
    status: str
    records: int
    pairs_scored: int
    merged: int
    queued: int
