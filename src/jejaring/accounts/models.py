"""Accounts tables. Secrets (passwords, session cookies, API tokens, reset links) are stored only as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jejaring.accounts.enums import ClaimStatus
from jejaring.core.db import Base, UTCDateTime, utcnow
from jejaring.reference import models as _reference_models  # noqa: F401  (tables our foreign keys point at)
from jejaring.registry import models as _registry_models  # noqa: F401


class User(Base):
    """A person who signs in. ``province_code``/``regency_code`` scope a petugas dinas."""

    __tablename__ = "account_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30), index=True)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("ref_province.code"))
    regency_code: Mapped[str | None] = mapped_column(ForeignKey("ref_regency.code"))
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(Base):
    """A browser session: the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "account_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))


class ApiToken(Base):
    """A bearer token for the JSON API: shown once, stored as SHA-256, scoped, revocable."""

    __tablename__ = "account_api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))  # first characters, to recognise a token in lists
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))  # ','-separated: read, write
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def scope_list(self) -> list[str]:
        """The token's scopes as a list."""
        return [s for s in self.scopes.split(",") if s]


class LoginFailure(Base):
    """One failed sign-in, counted per account and per IP address (works across processes)."""

    __tablename__ = "account_login_failure"
    __table_args__ = (Index("ix_account_login_failure_key", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # account | ip
    key: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordReset(Base):
    """A one-time password-reset link (the token's SHA-256)."""

    __tablename__ = "account_password_reset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FirmOwner(Base):
    """A user owns (may edit) a firm, after an approved claim or an admin's decision."""

    __tablename__ = "account_firm_owner"

    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id", ondelete="CASCADE"), primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), primary_key=True, index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("account_claim.id", ondelete="SET NULL"))
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Claim(Base):
    """An owner's request to manage a firm, with evidence, reviewed by the province's officer."""

    __tablename__ = "account_claim"
    __table_args__ = (UniqueConstraint("public_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12))
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id", ondelete="CASCADE"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    regency_code: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(10), default=ClaimStatus.PENDING, index=True)
    evidence_text: Mapped[str] = mapped_column(Text)
    evidence_file: Mapped[str | None] = mapped_column(String(300))  # path under data_dir
    evidence_filename: Mapped[str | None] = mapped_column(String(200))  # the name the user gave
    evidence_content_type: Mapped[str | None] = mapped_column(String(100))
    claimed_nib: Mapped[str | None] = mapped_column(String(13))  # as the claimant states them, compared
    claimed_owner: Mapped[str | None] = mapped_column(String(200))  # with the registry at review
    claimed_address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id], lazy="joined")


class AuditEvent(Base):
    """One write: who, when, what, before and after (JSON), and the province it concerns."""

    __tablename__ = "account_audit_event"
    __table_args__ = (Index("ix_account_audit_event_province_at", "province_code", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("account_user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254))  # e-mail, or "cli", "system"
    via: Mapped[str] = mapped_column(String(10))  # session | token | cli | system
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    province_code: Mapped[str | None] = mapped_column(String(2))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
