"""Password reset through a one-time link: printed by the CLI, or mailed when SMTP is configured."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jejaring.accounts import audit, mail, security
from jejaring.accounts.authz import authorize
from jejaring.accounts.models import PasswordReset, User
from jejaring.accounts.roles import Actor, system_actor
from jejaring.accounts.service import normalise_email, set_password
from jejaring.core.config import Settings
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate

log = logging.getLogger(__name__)
RESET_PATH = "/account/reset/"


def create_reset_link(session: Session, *, actor: Actor, user: User, settings: Settings) -> str:
    """A fresh one-time reset link for ``user`` made by an admin (or the CLI); earlier unused links stop working."""
    authorize(actor, "user.manage")
    link = _new_link(session, user=user, settings=settings)
    audit.log(session, actor, "user.reset_link", "user", user, province_code=None)
    return link


def one_time_token(session: Session, *, user: User, digest: Callable[[str], str], lifetime: timedelta) -> str:
    """A new one-time token for ``user`` (a reset or a sign-up confirmation), stored as ``digest(token)`` and
    valid for ``lifetime``; the user's earlier unused tokens stop working."""
    now = utcnow()
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = security.new_secret()
    session.add(PasswordReset(user_id=user.id, token_hash=digest(token), created_at=now, expires_at=now + lifetime))
    session.flush()
    return token


def _new_link(session: Session, *, user: User, settings: Settings) -> str:
    lifetime = timedelta(minutes=settings.password_reset_minutes)
    token = one_time_token(session, user=user, digest=security.digest, lifetime=lifetime)
    return settings.base_url.rstrip("/") + RESET_PATH + token


def valid_reset(session: Session, *, token: str) -> PasswordReset | None:
    """The unused, unexpired reset behind ``token``, or None."""
    row = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == security.digest(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return row if user is not None and user.active else None


def use_reset(session: Session, *, token: str, password: str) -> User:
    """Set a new password through a reset link; the link is then spent and every session ends."""
    row = valid_reset(session, token=token)
    if row is None:
        raise DomainError("accounts.error.reset_invalid", field="token")
    user = session.get(User, row.user_id)
    assert user is not None
    actor = Actor(role=user.role, user_id=user.id, email=user.email, via="session", scopes=frozenset({"write"}))
    set_password(session, actor=actor, user=user, password=password)
    row.used_at = utcnow()
    session.flush()
    return user


def mail_enabled(settings: Settings) -> bool:
    """True when an SMTP server is configured."""
    return mail.mail_enabled(settings)


def request_reset(session: Session, *, email: str, settings: Settings, lang: str) -> bool:
    """Mail a reset link when the account exists and SMTP is configured; says nothing about which accounts exist."""
    if not mail_enabled(settings):
        return False
    user = session.scalar(select(User).where(User.email == normalise_email(email), User.active.is_(True)))
    if user is None:
        return True
    link = _new_link(session, user=user, settings=settings)
    audit.log(session, system_actor(), "user.reset_request", "user", user, province_code=None)
    subject = translate("accounts.reset.mail_subject", lang)
    mail.send_mail(
        settings,
        to=user.email,
        subject=subject,
        body=translate("accounts.reset.mail_body", lang, name=user.name, link=link),
    )
    return True
