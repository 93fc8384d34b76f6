"""The authorisation policy, the Actor, password and token hashing (no database needed)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jejaring.accounts import security
from jejaring.accounts.authz import (
    POLICY,
    Forbidden,
    Unauthenticated,
    authorize,
    can_edit_firm,
    can_see_private,
    scope_province,
    scope_regency,
)
from jejaring.accounts.roles import ANONYMOUS, Actor
from jejaring.core.config import DEFAULT_SECRET_KEY, Settings

FIRM_JEPARA = SimpleNamespace(id=7, province_code="33", regency_code="33.20")
FIRM_BALI = SimpleNamespace(id=8, province_code="51", regency_code="51.03")
RW = frozenset({"read", "write"})

ADMIN = Actor(role="admin", user_id=1, scopes=RW, via="session")
ANALIS = Actor(role="analis", user_id=2, scopes=RW, via="session")
PETUGAS_33 = Actor(role="petugas_dinas", user_id=3, province_code="33", scopes=RW, via="session")
PETUGAS_JEPARA = Actor(
    role="petugas_dinas", user_id=4, province_code="33", regency_code="33.20", scopes=RW, via="session"
)
PETUGAS_KUDUS = Actor(
    role="petugas_dinas", user_id=5, province_code="33", regency_code="33.19", scopes=RW, via="session"
)
OWNER = Actor(role="pemilik_usaha", user_id=6, firm_ids=frozenset({7}), scopes=RW, via="session")
ORGANISER = Actor(role="penyelenggara_acara", user_id=9, scopes=RW, via="session")
READ_ONLY_ADMIN = Actor(role="admin", user_id=1, scopes=frozenset({"read"}), via="token")


@pytest.mark.parametrize(
    ("actor", "jepara", "bali"),
    [
        (ADMIN, True, True),
        (ANALIS, False, False),
        (PETUGAS_33, True, False),
        (PETUGAS_JEPARA, True, False),
        (PETUGAS_KUDUS, False, False),
        (OWNER, True, False),
        (ORGANISER, False, False),
        (ANONYMOUS, False, False),
        (READ_ONLY_ADMIN, False, False),
    ],
)
def test_who_may_edit_which_firm(actor: Actor, jepara: bool, bali: bool) -> None:
    assert can_edit_firm(actor, FIRM_JEPARA) is jepara
    assert can_edit_firm(actor, FIRM_BALI) is bali


def test_personal_data_entitlement() -> None:
    assert can_see_private(ADMIN, FIRM_BALI) and can_see_private(PETUGAS_33, FIRM_JEPARA)
    assert can_see_private(OWNER, FIRM_JEPARA) and not can_see_private(OWNER, FIRM_BALI)
    assert not can_see_private(ANALIS, FIRM_JEPARA), "analysts work with aggregates, not personal data"
    assert not can_see_private(ANONYMOUS, FIRM_JEPARA) and not can_see_private(ORGANISER, FIRM_JEPARA)


def test_errors_are_401_for_anonymous_and_403_otherwise() -> None:
    with pytest.raises(Unauthenticated) as e401:
        authorize(ANONYMOUS, "firm.edit", FIRM_JEPARA)
    assert e401.value.status_code == 401
    with pytest.raises(Forbidden) as e403:
        authorize(PETUGAS_33, "firm.edit", FIRM_BALI)
    assert e403.value.status_code == 403
    with pytest.raises(Forbidden, match="token_scope"):
        authorize(READ_ONLY_ADMIN, "firm.create", "33.20")
    with pytest.raises(Forbidden):
        authorize(ADMIN, "no.such.action")  # unknown actions are refused


def test_scope_helpers() -> None:
    assert scope_province(ADMIN) is None and scope_province(ANALIS) is None
    assert scope_province(PETUGAS_33) == "33" and scope_regency(PETUGAS_JEPARA) == "33.20"
    for actor in (OWNER, ORGANISER):
        with pytest.raises(Forbidden):
            scope_province(actor)
    with pytest.raises(Unauthenticated):
        scope_province(ANONYMOUS)


def test_every_policy_rule_refuses_the_public_and_answers_for_every_role() -> None:
    for action in POLICY:
        assert not ANONYMOUS.may(action, FIRM_JEPARA)
        for actor in (ADMIN, ANALIS, PETUGAS_33, OWNER, ORGANISER):
            assert isinstance(actor.may(action, FIRM_JEPARA), bool)


def test_passwords_are_argon2_and_tokens_sha256() -> None:
    h = security.hash_password("sandi-yang-panjang")
    assert h.startswith("$argon2id$") and "sandi" not in h
    assert security.verify_password(h, "sandi-yang-panjang")
    assert not security.verify_password(h, "sandi-yang-salah")
    assert not security.verify_password(None, "apa saja")
    assert not security.verify_password("bukan-hash", "apa saja")
    secret = security.new_secret("jjk_")
    assert len(secret) > 40 and security.digest(secret) != secret and len(security.digest(secret)) == 64


def test_csrf_token_is_bound_to_cookie_and_secret() -> None:
    token = security.csrf_token("k1", "cookie-a")
    assert security.csrf_valid("k1", "cookie-a", token)
    assert not security.csrf_valid("k1", "cookie-b", token)
    assert not security.csrf_valid("k2", "cookie-a", token)
    assert not security.csrf_valid("k1", None, token) and not security.csrf_valid("k1", "cookie-a", None)


def test_production_refuses_the_default_secret_key() -> None:
    with pytest.raises(ValueError, match="JEJARING_SECRET_KEY"):
        Settings(environment="production", secret_key=DEFAULT_SECRET_KEY)
    Settings(environment="production", secret_key="a-long-and-random-production-secret")
