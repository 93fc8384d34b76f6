"""Self sign-up of business owners: an inactive account and a one-time confirmation link.

The link is mailed when SMTP is configured; otherwise it is written to the server log (and shown on the page
outside production) and an admin can print a fresh one with ``jejaring users signup-link``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit, mail, resets, security
from jejaring.accounts.authz import Forbidden, Throttled
from jejaring.accounts.models import LoginFailure, PasswordReset, User
from jejaring.accounts.roles import PEMILIK, Actor
from jejaring.accounts.service import check_password_rules, normalise_email, user_snapshot
from jejaring.core.config import Settings
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.i18n import translate

log = logging.getLogger(__name__)
CONFIRM_PATH = "/account/confirm/"
CONFIRM_HOURS = 48
SIGNUPS_PER_IP_PER_HOUR = 10


@dataclass(frozen=True)
class SignupResult:
    """The new (inactive) user, its confirmation link and whether the link was mailed."""

    user: User
    link: str
    mailed: bool


def _confirm_digest(token: str) -> str:
    # stored apart from reset links: a reset token never confirms (or re-enables) an account, nor the reverse
    return security.digest("confirm:" + token)


def _self_actor(user: User) -> Actor:
    return Actor(role=user.role, user_id=user.id, email=user.email, name=user.name, via="session")


def confirmation_link(session: Session, *, user: User, settings: Settings) -> str:
    """A fresh one-time confirmation link for an unconfirmed user; earlier links stop working."""
    if user.active:
        raise DomainError("accounts.signup.already_confirmed", field="email", value=user.email)
    lifetime = timedelta(hours=CONFIRM_HOURS)
    token = resets.one_time_token(session, user=user, digest=_confirm_digest, lifetime=lifetime)
    return settings.base_url.rstrip("/") + CONFIRM_PATH + token


def sign_up(
    session: Session, *, actor: Actor, email: str, name: str, password: str, ip: str, settings: Settings, lang: str
) -> SignupResult:
    """Create an unconfirmed business-owner account (only the anonymous public signs up) and its link."""
    if actor.is_authenticated:
        raise Forbidden("accounts.signup.signed_in")
    since = utcnow() - timedelta(hours=1)
    recent = select(func.count()).where(LoginFailure.kind == "signup", LoginFailure.key == ip[:254])
    if (session.scalar(recent.where(LoginFailure.at >= since)) or 0) >= SIGNUPS_PER_IP_PER_HOUR:
        raise Throttled("accounts.error.throttled")
    address = normalise_email(email)
    if "@" not in address or "." not in address.rsplit("@", 1)[-1] or len(address) > 254:
        raise DomainError("accounts.signup.bad_email", field="email", value=email)
    clean_name = " ".join(name.split())
    if not 2 <= len(clean_name) <= 200:
        raise DomainError("accounts.signup.name_required", field="name")
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise DomainError("accounts.error.email_taken", field="email", value=address)
    check_password_rules(password, email=address)
    user = User(
        email=address,
        name=clean_name,
        role=PEMILIK,
        password_hash=security.hash_password(password),
        must_change_password=False,
        active=False,
    )
    session.add(user)
    session.add(LoginFailure(kind="signup", key=ip[:254], at=utcnow()))  # counts sign-ups per address
    session.flush()
    audit.record(
        session,
        actor=_self_actor(user),
        action="user.signup",
        entity_type="user",
        entity_id=str(user.id),
        after=user_snapshot(user),
    )
    link = confirmation_link(session, user=user, settings=settings)
    mailed = mail.send_mail(
        settings,
        to=user.email,
        subject=translate("accounts.signup.mail_subject", lang),
        body=translate("accounts.signup.mail_body", lang, name=user.name, link=link),
    )
    if not mailed:
        log.warning("sign-up confirmation link for %s (no SMTP): %s", user.email, link)
    return SignupResult(user=user, link=link, mailed=mailed)


def confirm(session: Session, *, token: str) -> User:
    """Activate the account behind a one-time confirmation link; the link is then spent."""
    row = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _confirm_digest(token)))
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or user is None or row.used_at is not None or row.expires_at <= utcnow() or user.active:
        raise NotFound("accounts.signup.link_invalid", field="token")
    before = user_snapshot(user)
    user.active = True
    row.used_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=_self_actor(user),
        action="user.confirm",
        entity_type="user",
        entity_id=str(user.id),
        before=before,
        after=user_snapshot(user),
    )
    return user
