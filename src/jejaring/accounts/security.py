"""Secrets: argon2 password hashes, random tokens stored as SHA-256, CSRF tokens bound to a cookie."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()
# A real hash to verify against when the account does not exist, so timing does not reveal accounts.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends the same work, even without a hash."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def new_secret(prefix: str = "") -> str:
    """A high-entropy random token (256 bits), URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """SHA-256 of a random token: enough for 256-bit secrets, and fast to look up."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_password() -> str:
    """A random password for first start and for accounts an admin creates."""
    return secrets.token_urlsafe(12)


def csrf_token(secret_key: str, cookie_value: str) -> str:
    """The CSRF token for a browser: an HMAC of its CSRF cookie, so a planted cookie alone is useless."""
    return hmac.new(secret_key.encode(), b"csrf:" + cookie_value.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret_key: str, cookie_value: str | None, submitted: str | None) -> bool:
    """True when ``submitted`` is the CSRF token of ``cookie_value``."""
    if not cookie_value or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret_key, cookie_value), submitted)
