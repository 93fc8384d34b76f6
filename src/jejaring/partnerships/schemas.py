"""Input shapes of the partnership domain (web forms, API and CLI validate through these)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from jejaring.partnerships.enums import MemberRole

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
PublicId = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z]-[0-9A-Z]{8}-[0-9A-Z*]$")
]


class ProposalIn(BaseModel):
    """A proposal from one of the actor's firms to another firm."""

    model_config = ConfigDict(extra="forbid")

    proposer_firm: PublicId
    partner_firm: PublicId
    pattern: Annotated[str, StringConstraints(max_length=40)]
    title: Short
    note: Text | None = None
    origin_ref: Annotated[str, StringConstraints(max_length=100)] | None = None
    programme: Annotated[str, StringConstraints(max_length=200)] | None = None


class MemberIn(BaseModel):
    """One supplying firm of a consortium and its share."""

    model_config = ConfigDict(extra="forbid")

    firm: PublicId
    role: MemberRole
    share: float = Field(gt=0, le=1e12)


class ConsortiumIn(BaseModel):
    """A proposal from one of the actor's firms (the buyer) to a consortium: a lead and members with shares."""

    model_config = ConfigDict(extra="forbid")

    proposer_firm: PublicId
    pattern: Annotated[str, StringConstraints(max_length=40)]
    title: Short
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    members: list[MemberIn] = Field(min_length=2, max_length=12)
    note: Text | None = None
    origin_ref: Annotated[str, StringConstraints(max_length=100)] | None = None
    programme: Annotated[str, StringConstraints(max_length=200)] | None = None


class AgreementIn(BaseModel):
    """The agreement's contents; every field is required before signing, not before saving."""

    model_config = ConfigDict(extra="forbid")

    identity_larger: Text | None = None
    identity_smaller: Text | None = None
    business_activity: Text | None = None
    rights_obligations: Text | None = None
    development_form: Text | None = None
    start_date: date | None = None
    duration_months: int | None = Field(default=None, ge=1, le=240)
    payment_period_days: int | None = Field(default=None, ge=0, le=365)
    payment_mechanism: Text | None = None
    dispute_settlement: Text | None = None
    checklist: list[Annotated[str, StringConstraints(max_length=40)]] = Field(default_factory=list, max_length=50)
    independence_declared: bool = False
    bilingual: bool = False
    text_en: Text | None = None


class TransitionIn(BaseModel):
    """A request to move the partnership to another state."""

    to: Annotated[str, StringConstraints(max_length=12)]
    note: Text | None = None


class OrderIn(BaseModel):
    """A purchase order."""

    model_config = ConfigDict(extra="forbid")

    number: Short
    issued_on: date
    description: Short
    quantity: float = Field(gt=0, le=1e12)
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    unit_price: int = Field(ge=0, le=10**15)
    due_on: date | None = None


class DeliveryIn(BaseModel):
    """A delivery with its handover record (BAST)."""

    model_config = ConfigDict(extra="forbid")

    delivered_on: date
    quantity: float = Field(gt=0, le=1e12)
    bast_number: Short
    received_by: Short
    accepted: bool = True
    note: Text | None = None


class InvoiceIn(BaseModel):
    """An invoice for delivered goods."""

    model_config = ConfigDict(extra="forbid")

    number: Short
    issued_on: date
    amount: int = Field(gt=0, le=10**15)


class PaymentIn(BaseModel):
    """A payment against an invoice."""

    model_config = ConfigDict(extra="forbid")

    paid_on: date
    amount: int = Field(gt=0, le=10**15)
    reference: Annotated[str, StringConstraints(max_length=120)] | None = None


class EvaluationIn(BaseModel):
    """A party's evaluation of the other party for one period."""

    model_config = ConfigDict(extra="forbid")

    period: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{4}-(Q[1-4]|S[12]|\d{2})$")]
    quality: int = Field(ge=1, le=5)
    timeliness: int = Field(ge=1, le=5)
    payment: int = Field(ge=1, le=5)
    communication: int = Field(ge=1, le=5)
    comment: Text | None = None
