"""Issue 23 #9 (part): implausible firms are refused by the API, and ``HEAD /`` answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.web.app import create_app
from tests.accounts.helpers import create_user_with_token


@pytest.fixture
def client(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as session:
        token = create_user_with_token(session, role="admin", scopes=["read", "write"])
    engine.dispose()
    with TestClient(create_app(settings)) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def _firm(**changes: Any) -> dict[str, Any]:
    return {"name": "UD Wajar", "regency_code": "33.20", "kbli_code": "31001", **changes}


@pytest.mark.parametrize(
    "changes",
    [
        {"founded_year": date.today().year + 1},
        {"founded_year": 2100},
        {"reference_year": date.today().year + 1},
        {"roles": ["ikm", "industri_besar"]},
        {"workers": 177_965},
    ],
)
def test_implausible_firms_are_refused(client: tuple[TestClient, dict[str, str]], changes: dict[str, Any]) -> None:
    c, headers = client
    r = c.post("/api/v1/firms", json=_firm(**changes), headers=headers)
    assert r.status_code == 422, r.text


def test_plausible_firm_is_accepted_and_head_works(client: tuple[TestClient, dict[str, str]]) -> None:
    c, headers = client
    r = c.post("/api/v1/firms", json=_firm(founded_year=date.today().year, workers=12), headers=headers)
    assert r.status_code == 201, r.text
    assert c.head("/").status_code == 200
