"""Issue 23 #5: a need posted without a firm is closed only by the one who posted it, or an admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.web.app import create_app
from tests.accounts.helpers import create_user_with_token

TOKENS: dict[str, str] = {}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as session:
        for who, role in (("admin", "admin"), ("buyer", "pemilik_usaha"), ("other", "pemilik_usaha")):
            TOKENS[who] = create_user_with_token(
                session, role=role, scopes=["read", "write"], email=f"{who}@uji.example"
            )
    engine.dispose()
    with TestClient(create_app(settings)) as c:
        yield c


def _h(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}"}


def _need(client: TestClient, who: str) -> str:
    r = client.post("/api/v1/needs", json={"title": "Butuh kayu jati 10 m3 per bulan"}, headers=_h(who))
    assert r.status_code == 201, r.text
    return str(r.json()["public_id"])


def test_only_the_poster_or_an_admin_closes_a_need_without_firm(client: TestClient) -> None:
    need = _need(client, "buyer")
    assert client.post(f"/api/v1/needs/{need}/close").status_code == 401
    assert client.post(f"/api/v1/needs/{need}/close", headers=_h("other")).status_code == 403
    assert client.get(f"/api/v1/needs/{need}").json()["status"] == "open"
    r = client.post(f"/api/v1/needs/{need}/close", headers=_h("buyer"))
    assert r.status_code == 200 and r.json()["status"] == "closed"
    another = _need(client, "buyer")
    assert client.post(f"/api/v1/needs/{another}/close", headers=_h("admin")).status_code == 200
