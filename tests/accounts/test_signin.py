"""Sign-in, sessions, CSRF, throttling, API tokens and password reset, through the real app on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from jejaring.accounts.models import ApiToken, AuditEvent, LoginFailure, UserSession
from jejaring.core.config import Settings
from jejaring.core.db import session_scope, utcnow
from jejaring.web.app import create_app
from tests.accounts.conftest import World
from tests.accounts.helpers import PASSWORD, create_user, csrf_of, login


def test_login_sets_safe_cookies_and_nav_shows_the_user(app_client: TestClient, world: World) -> None:
    token = csrf_of(app_client)
    r = app_client.post(
        "/login",
        data={"email": "ADMIN@uji.example ", "password": PASSWORD, "csrf_token": token, "next": "/firms"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/firms"
    cookies = r.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("jj_session="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie and "Path=/" in session_cookie
    assert "Secure" not in session_cookie  # development over http; production below
    page = app_client.get("/").text
    assert 'id="nav-user"' in page and "Uji admin" in page and 'id="nav-logout"' in page
    assert 'hx-headers=\'{"X-CSRF-Token": "' in page
    # sign out needs the CSRF token too
    assert app_client.post("/logout", follow_redirects=False).status_code == 403
    r = app_client.post("/logout", data={"csrf_token": csrf_of(app_client, "/")}, follow_redirects=False)
    assert r.status_code == 303
    assert 'id="nav-login"' in app_client.get("/").text
    assert app_client.get("/account", follow_redirects=False).status_code == 303  # to /login


def test_session_is_stored_hashed_and_ends_when_user_is_disabled(
    app_client: TestClient, world: World, engine: Engine
) -> None:
    login(app_client, "petugas_33@uji.example")
    raw = app_client.cookies.get("jj_session")
    assert raw
    with session_scope(engine) as s:
        hashes = list(s.scalars(select(UserSession.token_hash)))
    assert raw not in hashes and len(hashes[0]) == 64
    admin = TestClient(app_client.app)
    token = login(admin, "admin@uji.example")
    uid = world.users["petugas_33"].id
    r = admin.post(f"/admin/users/{uid}/disable", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert app_client.get("/account", follow_redirects=False).status_code == 303, "disabled user still signed in"
    r = app_client.get("/api/v1/me", headers={"Authorization": f"Bearer {world.tokens['petugas_33']}"})
    assert r.status_code == 401, "disabled user's token still works"


def test_expired_session_is_refused(app_client: TestClient, world: World, engine: Engine) -> None:
    login(app_client, "analis@uji.example")
    assert app_client.get("/api/v1/me").json()["role"] == "analis"
    with session_scope(engine) as s:
        s.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert app_client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("how", ["missing", "wrong", "other_browser"])
def test_csrf_is_required_on_forms_and_htmx(app_client: TestClient, world: World, how: str) -> None:
    token = login(app_client, "admin@uji.example")
    if how == "other_browser":
        other = TestClient(app_client.app)
        token = csrf_of(other)  # valid for another browser's cookie, not this one
    data = {"email": "baru@uji.example", "name": "Baru", "role": "analis"}
    if how != "missing":
        data["csrf_token"] = token if how == "other_browser" else "0" * 64
    r = app_client.post("/admin/users", data=data)
    assert r.status_code == 403 and "CSRF" in r.text
    r = app_client.post("/admin/users", data=data, headers={"HX-Request": "true"})
    assert r.status_code == 403
    # the same request with the right token (form field or htmx header) goes through
    good = login(app_client, "admin@uji.example")
    assert app_client.post("/admin/users", data=data, headers={"X-CSRF-Token": good}).status_code == 201


def test_csrf_on_login_form_and_json_writes_by_session(app_client: TestClient, world: World) -> None:
    r = app_client.post("/login", data={"email": "admin@uji.example", "password": PASSWORD})
    assert r.status_code == 403
    token = login(app_client, "admin@uji.example")
    payload = {"name": "UD Sesi", "regency_code": "33.20"}
    assert app_client.post("/api/v1/firms", json=payload).status_code == 403  # cookie alone is not enough
    assert app_client.post("/api/v1/firms", json=payload, headers={"X-CSRF-Token": token}).status_code == 201


def test_login_throttling_per_account_persists_across_app_instances(
    settings: Settings, world: World, engine: Engine
) -> None:
    settings = settings.model_copy(update={"login_max_failures": 3})
    with TestClient(create_app(settings)) as c1:
        for _ in range(3):
            token = csrf_of(c1)
            r = c1.post("/login", data={"email": "admin@uji.example", "password": "salah-salah", "csrf_token": token})
            assert r.status_code == 401 and "salah" in r.text
    with TestClient(create_app(settings)) as c2:  # another process, same database
        token = csrf_of(c2)
        r = c2.post("/login", data={"email": "admin@uji.example", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 429, "the right password must not get through while throttled"
        assert "Terlalu banyak" in r.text
        # another account from the same IP is still fine (below the per-IP limit)
        r = c2.post(
            "/login",
            data={"email": "analis@uji.example", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.kind == "account")) == 3
        s.execute(update(LoginFailure).values(at=utcnow() - timedelta(minutes=settings.login_window_minutes + 1)))
    with TestClient(create_app(settings)) as c3:
        login(c3, "admin@uji.example")  # the window passed


def test_login_throttling_per_ip(settings: Settings, world: World) -> None:
    settings = settings.model_copy(update={"login_ip_max_failures": 4, "login_max_failures": 100})
    with TestClient(create_app(settings)) as c:
        token = csrf_of(c)
        for i in range(4):
            c.post("/login", data={"email": f"tebak{i}@uji.example", "password": "x" * 12, "csrf_token": token})
        r = c.post("/login", data={"email": "admin@uji.example", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 429


def test_unknown_user_and_wrong_password_look_the_same(app_client: TestClient, world: World) -> None:
    token = csrf_of(app_client)
    a = app_client.post("/login", data={"email": "tidak.ada@uji.example", "password": "x" * 12, "csrf_token": token})
    b = app_client.post("/login", data={"email": "admin@uji.example", "password": "x" * 12, "csrf_token": token})
    assert a.status_code == b.status_code == 401
    assert a.text.replace("tidak.ada@uji.example", "E") == b.text.replace("admin@uji.example", "E")


def test_open_redirect_is_refused(app_client: TestClient, world: World) -> None:
    for target in ("https://jahat.example/", "//jahat.example", "/\\jahat.example"):
        token = csrf_of(app_client)
        r = app_client.post(
            "/login",
            data={"email": "admin@uji.example", "password": PASSWORD, "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert r.headers["location"] == "/"


def test_one_time_password_must_be_changed_first(app_client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as s:
        create_user(s, role="analis", email="baru@uji.example", must_change_password=True)
    token = csrf_of(app_client)
    r = app_client.post(
        "/login", data={"email": "baru@uji.example", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert r.headers["location"] == "/account/password"
    assert app_client.get("/account").status_code == 403
    token = csrf_of(app_client, "/account/password")
    form = {"current_password": PASSWORD, "new_password": "pendek", "confirm_password": "pendek", "csrf_token": token}
    assert app_client.post("/account/password", data=form).status_code == 422
    form |= {"new_password": "sandi-baru-yang-panjang", "confirm_password": "sandi-baru-yang-panjang"}
    r = app_client.post("/account/password", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert app_client.get("/account", follow_redirects=False).status_code == 303  # all sessions ended
    login(app_client, "baru@uji.example", "sandi-baru-yang-panjang")
    assert app_client.get("/account").status_code == 200


def test_api_tokens_scoped_revocable_last_used(app_client: TestClient, world: World, engine: Engine) -> None:
    read = {"Authorization": f"Bearer {world.read_tokens['admin']}"}
    write = {"Authorization": f"Bearer {world.tokens['admin']}"}
    payload = {"name": "UD Token", "regency_code": "33.20"}
    assert app_client.get("/api/v1/me", headers=read).json()["scopes"] == ["read"]
    r = app_client.post("/api/v1/firms", json=payload, headers=read)
    assert r.status_code == 403 and r.json()["detail"][0]["code"] == "accounts.error.token_scope"
    assert app_client.post("/api/v1/firms", json=payload, headers=write).status_code == 201
    assert app_client.post("/api/v1/me/tokens", json={"name": "x"}, headers=write).status_code == 403  # no minting
    with session_scope(engine) as s:
        rows = list(s.scalars(select(ApiToken).where(ApiToken.user_id == world.users["admin"].id)))
        assert all(r.last_used_at is not None for r in rows)
        assert all(world.tokens["admin"] != r.token_hash and r.token_hash.isalnum() for r in rows)
    # create, list and revoke through the browser
    token = login(app_client, "admin@uji.example")
    r = app_client.post("/account/tokens", data={"name": "laptop", "scope_write": "true", "csrf_token": token})
    assert r.status_code == 201
    secret = r.text.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("jjk_")
    listed = app_client.get("/api/v1/me/tokens").json()
    mine = next(t for t in listed if t["name"] == "laptop")
    assert mine["scopes"] == ["read", "write"] and "token" not in mine and secret not in str(listed)
    assert app_client.get("/account").text.count(secret) == 0, "the secret is shown once only"
    bearer = {"Authorization": f"Bearer {secret}"}
    assert app_client.get("/api/v1/me", headers=bearer).status_code == 200
    r = app_client.post(f"/account/tokens/{mine['id']}/revoke", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert app_client.get("/api/v1/me", headers=bearer).status_code == 401
    # someone else's token cannot be revoked (404, nothing revealed)
    other = TestClient(app_client.app)
    t2 = login(other, "analis@uji.example")
    assert other.post(f"/account/tokens/{mine['id']}/revoke", data={"csrf_token": t2}).status_code == 404


def test_bad_authorization_headers_are_401(app_client: TestClient, world: World) -> None:
    for header in ("Bearer", "Bearer jjk_tebakan", "Basic YWRtaW46YWRtaW4=", "Token abc"):
        r = app_client.get("/api/v1/me", headers={"Authorization": header})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_password_reset_link_is_one_time(app_client: TestClient, world: World, env_db: str) -> None:
    from typer.testing import CliRunner

    from jejaring.cli import app as cli

    result = CliRunner().invoke(cli, ["users", "reset-link", "pemilik_a@uji.example"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    path = link.split("127.0.0.1:8000", 1)[1]
    assert app_client.get(path).status_code == 200
    token = csrf_of(app_client, path)
    form = {"new_password": "sandi-pulih-12345", "confirm_password": "sandi-pulih-12345", "csrf_token": token}
    r = app_client.post(path, data=form, follow_redirects=False)
    assert r.status_code == 303
    assert app_client.post(path, data=form).status_code == 422, "a reset link works once"
    assert app_client.get(path).status_code == 404
    login(app_client, "pemilik_a@uji.example", "sandi-pulih-12345")
    # without SMTP the forgot-password page says how to get a link and reveals nothing
    assert "reset-link" in app_client.get("/account/forgot").text


def test_production_cookies_are_secure_with_host_prefix(settings: Settings, world: World) -> None:
    prod = settings.model_copy(update={"environment": "production", "secret_key": "rahasia-produksi-yang-panjang"})
    with TestClient(create_app(prod), base_url="https://testserver") as c:
        r = c.get("/login")
        csrf_cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("__Host-jj_csrf="))
        assert "Secure" in csrf_cookie and "HttpOnly" in csrf_cookie
        token = csrf_of(c)
        r = c.post(
            "/login",
            data={"email": "admin@uji.example", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303
        cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("__Host-jj_session="))
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_every_write_is_audited(app_client: TestClient, world: World, engine: Engine) -> None:
    write = {"Authorization": f"Bearer {world.tokens['petugas_33']}"}
    r = app_client.post("/api/v1/firms", json={"name": "UD Audit", "regency_code": "33.20"}, headers=write)
    assert r.status_code == 201
    pid = r.json()["public_id"]
    r = app_client.patch(
        f"/api/v1/firms/{pid}", json={"workers": 30, "investment": 2_000_000_000, "phone": "0812000111"}, headers=write
    )
    assert r.status_code == 200 and "phone" not in r.json()
    with session_scope(engine) as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.entity_id == pid).order_by(AuditEvent.id)))
    assert [e.action for e in events] == ["firm.create", "firm.edit"]
    edit = events[1]
    assert edit.actor_label == "petugas_33@uji.example" and edit.via == "token" and edit.province_code == "33"
    assert '"workers": null' in (edit.before_json or "") and '"workers": 30' in (edit.after_json or "")
    assert '"size_class": "menengah"' in (edit.after_json or "")


def test_parallel_resource_requests_do_not_replace_the_csrf_cookie(app_client: TestClient) -> None:
    """A favicon (404) or image request racing the first page load must not set another CSRF cookie."""
    fresh = TestClient(app_client.app)
    assert "jj_csrf=" not in " ".join(fresh.get("/favicon.ico").headers.get_list("set-cookie"))
    image = fresh.get("/firms", headers={"Sec-Fetch-Dest": "image"})
    assert "jj_csrf=" not in " ".join(image.headers.get_list("set-cookie"))
    page = fresh.get("/login")
    assert "jj_csrf=" in " ".join(page.headers.get_list("set-cookie"))
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
