"""Users, sign-in with throttling, and browser sessions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit, security
from jejaring.accounts.authz import Forbidden, authorize
from jejaring.accounts.models import FirmOwner, LoginFailure, User, UserSession
from jejaring.accounts.roles import PEMILIK, PETUGAS, ROLES, SCOPES, Actor
from jejaring.accounts.schemas import UserCreate
from jejaring.core.config import Settings
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.reference import wilayah as wilayah_ref

log = logging.getLogger(__name__)


def normalise_email(email: str) -> str:
    """E-mail addresses are compared lower-case and trimmed."""
    return email.strip().lower()


def user_snapshot(user: User) -> dict[str, object]:
    """The audit view of a user (never the password hash)."""
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "province_code": user.province_code,
        "regency_code": user.regency_code,
        "active": user.active,
    }


def check_password_rules(password: str, *, email: str) -> None:
    """Refuse passwords that are too short or equal to the e-mail address."""
    if len(password) < security.MIN_PASSWORD_LENGTH:
        raise DomainError("accounts.error.password_short", field="password", min=security.MIN_PASSWORD_LENGTH)
    if password.strip().lower() == email.lower():
        raise DomainError("accounts.error.password_is_email", field="password")


def _check_scope_fields(data: UserCreate) -> tuple[str | None, str | None]:
    if data.role not in ROLES:
        raise DomainError("accounts.error.unknown_role", field="role", value=data.role)
    province, regency = data.province_code, data.regency_code
    if data.role != PETUGAS:
        return None, None
    if regency:
        reg = wilayah_ref.regency(regency)
        if reg is None:
            raise DomainError("error.unknown_regency", field="regency_code", value=regency)
        if province and province != reg["province_code"]:
            raise DomainError("accounts.error.regency_outside_province", field="regency_code", value=regency)
        province = reg["province_code"]
    if not province or wilayah_ref.province(province) is None:
        raise DomainError("accounts.error.province_required", field="province_code")
    return province, regency


def create_user(session: Session, *, actor: Actor, data: UserCreate, password: str) -> User:
    """Create a user (admins only). A petugas dinas must have a province."""
    authorize(actor, "user.manage")
    email = normalise_email(data.email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DomainError("accounts.error.email_taken", field="email", value=email)
    check_password_rules(password, email=email)
    province, regency = _check_scope_fields(data)
    user = User(
        email=email,
        name=data.name,
        role=data.role,
        province_code=province,
        regency_code=regency,
        password_hash=security.hash_password(password),
        must_change_password=data.must_change_password,
        active=True,
    )
    session.add(user)
    session.flush()
    audit.log(session, actor, "user.create", "user", user, after=user_snapshot(user), province_code=None)
    return user


def get_user(session: Session, *, user_id: int) -> User:
    """The user with ``user_id``."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("accounts.error.user_not_found", field="user", value=user_id)
    return user


def get_user_by_email(session: Session, *, email: str) -> User:
    """The user with ``email``."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound("accounts.error.user_not_found", field="email", value=email)
    return user


def list_users(session: Session, *, actor: Actor) -> list[User]:
    """Every user (admins only)."""
    authorize(actor, "user.manage")
    return list(session.scalars(select(User).order_by(User.email)))


def owner_emails(session: Session, *, firm_id: int) -> list[str]:
    """E-mail addresses of the owners (approved claims) of a firm."""
    stmt = select(User.email).join(FirmOwner, FirmOwner.user_id == User.id).where(FirmOwner.firm_id == firm_id)
    return list(session.scalars(stmt))


def count_users(session: Session) -> int:
    """How many users exist."""
    return session.scalar(select(func.count()).select_from(User)) or 0


def set_active(session: Session, *, actor: Actor, user: User, active: bool) -> User:
    """Disable (ending its sessions) or enable a user (admins only; nobody disables themselves)."""
    authorize(actor, "user.manage")
    if not active and user.id == actor.user_id:
        raise Forbidden("accounts.error.disable_self")
    before = user_snapshot(user)
    user.active = active
    if not active:
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()
    action = "user.enable" if active else "user.disable"
    audit.log(session, actor, action, "user", user, before=before, after=user_snapshot(user), province_code=None)
    return user


def change_password(session: Session, *, actor: Actor, user: User, current: str, new: str) -> None:
    """A user changes their own password; every other session of theirs ends."""
    authorize(actor, "account.self")
    if user.id != actor.user_id:
        raise Forbidden("accounts.error.forbidden")
    if not security.verify_password(user.password_hash, current):
        raise DomainError("accounts.error.wrong_password", field="current_password")
    set_password(session, actor=actor, user=user, password=new)


def set_password(session: Session, *, actor: Actor, user: User, password: str) -> None:
    """Store a new password hash, clear the must-change flag and end the user's sessions."""
    check_password_rules(password, email=user.email)
    user.password_hash = security.hash_password(password)
    user.must_change_password = False
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()
    audit.log(session, actor, "user.password", "user", user, province_code=None)


# --- sign-in and throttling -------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a sign-in: the user, or an error key (``accounts.error.*``)."""

    user: User | None
    error: str | None = None


def _failures(session: Session, *, kind: str, key: str, settings: Settings) -> int:
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    stmt = select(func.count()).where(LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at >= since)
    return session.scalar(stmt) or 0


def is_throttled(session: Session, *, email: str, ip: str, settings: Settings) -> bool:
    """True when the account or the IP address had too many failed sign-ins in the window."""
    return (
        _failures(session, kind="account", key=normalise_email(email), settings=settings) >= settings.login_max_failures
        or _failures(session, kind="ip", key=ip, settings=settings) >= settings.login_ip_max_failures
    )


def authenticate(session: Session, *, email: str, password: str, ip: str, settings: Settings) -> LoginResult:
    """Check e-mail and password, counting failures per account and per IP; never raises for bad input.

    The caller must commit even on failure, so the failure counts persist.
    """
    key = normalise_email(email)
    old = utcnow() - timedelta(minutes=settings.login_window_minutes * 4)
    session.execute(delete(LoginFailure).where(LoginFailure.at < old))
    if is_throttled(session, email=key, ip=ip, settings=settings):
        log.warning("sign-in throttled for %s from %s", key, ip)
        return LoginResult(None, "accounts.error.throttled")
    user = session.scalar(select(User).where(User.email == key))
    ok = security.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        session.add(LoginFailure(kind="account", key=key[:254], at=utcnow()))
        session.add(LoginFailure(kind="ip", key=ip[:254], at=utcnow()))
        session.flush()
        return LoginResult(None, "accounts.error.bad_login")
    session.execute(delete(LoginFailure).where(LoginFailure.kind == "account", LoginFailure.key == key))
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return LoginResult(user)


def start_session(session: Session, *, user: User, ip: str | None, settings: Settings) -> str:
    """Open a browser session for ``user``; returns the cookie value (only its hash is stored)."""
    token = security.new_secret()
    now = utcnow()
    session.execute(delete(UserSession).where(UserSession.expires_at < now))
    session.add(
        UserSession(
            token_hash=security.digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=settings.session_hours),
            ip=(ip or "")[:64] or None,
        )
    )
    session.flush()
    return token


def end_session(session: Session, *, token: str | None) -> None:
    """Forget a browser session (sign-out)."""
    if token:
        session.execute(delete(UserSession).where(UserSession.token_hash == security.digest(token)))
        session.flush()


def firm_ids_of(session: Session, *, user_id: int) -> frozenset[int]:
    """Ids of the firms a user owns."""
    return frozenset(session.scalars(select(FirmOwner.firm_id).where(FirmOwner.user_id == user_id)))


def owner_user_ids(session: Session, *, firm_id: int) -> list[int]:
    """Ids of the active users who own ``firm_id``."""
    stmt = select(User.id).join(FirmOwner, FirmOwner.user_id == User.id)
    return list(session.scalars(stmt.where(FirmOwner.firm_id == firm_id, User.active.is_(True)).order_by(User.id)))


def actor_for(session: Session, *, user: User, via: str, scopes: frozenset[str], token_id: int | None = None) -> Actor:
    """The ``Actor`` of a signed-in user."""
    return Actor(
        role=user.role,
        user_id=user.id,
        email=user.email,
        name=user.name,
        province_code=user.province_code,
        regency_code=user.regency_code,
        firm_ids=firm_ids_of(session, user_id=user.id) if user.role == PEMILIK else frozenset(),
        scopes=scopes,
        via=via,  # type: ignore[arg-type]
        token_id=token_id,
        must_change_password=user.must_change_password,
    )


def actor_from_session(session: Session, *, token: str) -> Actor | None:
    """The actor behind a session cookie, or None when it is unknown, expired or the user is disabled."""
    row = session.scalar(select(UserSession).where(UserSession.token_hash == security.digest(token)))
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return actor_for(session, user=user, via="session", scopes=frozenset(SCOPES))
