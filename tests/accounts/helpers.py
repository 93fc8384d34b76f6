"""Helpers for tests that need users, tokens and signed-in browsers (used by other test folders too)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jejaring.accounts import service as accounts_service
from jejaring.accounts import tokens
from jejaring.accounts.models import User
from jejaring.accounts.roles import system_actor
from jejaring.accounts.schemas import TokenCreate, UserCreate

PASSWORD = "kata-sandi-uji-123"
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def create_user(
    session: Session,
    *,
    role: str,
    email: str | None = None,
    province: str | None = None,
    regency: str | None = None,
    password: str = PASSWORD,
    must_change_password: bool = False,
    name: str | None = None,
) -> User:
    """A user created through the service, as the CLI would."""
    data = UserCreate(
        email=email or f"{role}.{province or 'x'}@uji.example",
        name=name or f"Uji {role} {province or ''}".strip(),
        role=role,
        province_code=province,
        regency_code=regency,
        must_change_password=must_change_password,
    )
    user = accounts_service.create_user(session, actor=system_actor("cli"), data=data, password=password)
    session.flush()
    return user


def create_token(session: Session, *, user: User, scopes: list[str]) -> str:
    """A fresh API token's secret for ``user``."""
    _row, secret = tokens.create_token(
        session,
        actor=system_actor("cli"),
        user=user,
        data=TokenCreate.model_validate({"name": "uji", "scopes": scopes}),
    )
    return secret


def create_user_with_token(
    session: Session, *, role: str, scopes: list[str], province: str | None = None, email: str | None = None
) -> str:
    """Create a user and return an API token of theirs."""
    user = create_user(session, role=role, province=province, email=email)
    return create_token(session, user=user, scopes=scopes)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token the client's pages carry (the client keeps the CSRF cookie)."""
    response = client.get(path)
    match = _CSRF_INPUT.search(response.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the CSRF token of the new session's pages."""
    token = csrf_of(client)
    r = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token, "next": "/"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return csrf_of(client, "/account/password" if r.headers["location"] == "/account/password" else "/account")


def bearer(token: str) -> dict[str, str]:
    """The ``Authorization`` header of an API token."""
    return {"Authorization": f"Bearer {token}"}
