"""Accounts input and output shapes. Outputs never carry password, session or token hashes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator

from jejaring.accounts.roles import ROLES

RoleName = Literal["admin", "analis", "petugas_dinas", "pemilik_usaha", "penyelenggara_acara"]
assert set(RoleName.__args__) == set(ROLES)  # type: ignore[attr-defined]
Scope = Literal["read", "write"]


class UserCreate(BaseModel):
    """A new user; ``province_code``/``regency_code`` only matter for a petugas dinas."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: RoleName
    province_code: Annotated[str, StringConstraints(pattern=r"^\d{2}$")] | None = None
    regency_code: Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}$")] | None = None
    must_change_password: bool = True


class UserOut(BaseModel):
    """A user as admins see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: str
    province_code: str | None
    regency_code: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class MeOut(BaseModel):
    """The caller, as the API sees them."""

    role: str
    email: str | None
    name: str | None
    province_code: str | None
    regency_code: str | None
    firm_ids: list[str]
    scopes: list[str]
    via: str


class TokenCreate(BaseModel):
    """A new API token for oneself."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    scopes: list[Scope] = Field(default_factory=lambda: list[Scope](["read"]), min_length=1, max_length=2)
    expires_days: int | None = Field(default=None, ge=1, le=3650)

    @field_validator("scopes")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return sorted(set(v))


class TokenOut(BaseModel):
    """An API token as listed (never the secret)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scope_list: list[str] = Field(serialization_alias="scopes")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    """A freshly created token: the only time its secret is shown."""

    token: str


class ClaimReview(BaseModel):
    """An officer's decision on a claim; a rejection needs a reason."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class ClaimOut(BaseModel):
    """A claim as its reviewer or claimant sees it."""

    public_id: str
    firm_public_id: str
    firm_name: str
    status: str
    province_code: str
    claimant_email: str
    evidence_text: str
    has_evidence_file: bool
    created_at: datetime
    reviewed_at: datetime | None
    review_reason: str | None


class AuditEventOut(BaseModel):
    """One audit event."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_label: str
    via: str
    action: str
    entity_type: str
    entity_id: str | None
    province_code: str | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
