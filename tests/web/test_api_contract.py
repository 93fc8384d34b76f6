"""Issue 23 #9: the API's contract as generated clients read it: every error body matches the schema the OpenAPI
declares, 400/401/403/404/422 are declared on every API operation, and OPTIONS answers with the methods allowed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.web.app import create_app
from jejaring.web.openapi import ErrorResponse
from tests.accounts.helpers import create_user_with_token


@pytest.fixture
def client(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as session:
        token = create_user_with_token(session, role="pemilik_usaha", scopes=["read", "write"])
    engine.dispose()
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def test_every_api_operation_declares_the_error_answers(client: tuple[TestClient, dict[str, str]]) -> None:
    doc = client[0].get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["ErrorResponse"]["properties"]) == {"detail"}
    assert set(schemas["ErrorItem"]["required"]) == {"field", "message"}
    operations = [(path, m, op) for path, item in doc["paths"].items() for m, op in item.items()]
    assert len(operations) > 50
    for path, method, op in operations:
        for status in ("400", "401", "403", "404", "422"):
            body = op["responses"][status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorResponse"}, (path, method, status)


def test_error_bodies_match_the_declared_schema(client: tuple[TestClient, dict[str, str]]) -> None:
    c, owner = client
    answers = {
        "validation (query)": c.get("/api/v1/firms", params={"page": "nol"}),
        "validation (body)": c.post("/api/v1/needs", json={"kind": 5}, headers=owner),
        "out of range": c.get("/api/v1/firms", params={"page": "99999999999999999999"}),
        "not signed in": c.post("/api/v1/needs", json={}),
        "not allowed": c.post("/api/v1/insights/refresh", headers=owner),
        "unknown record": c.get("/api/v1/firms/F-TIDAKADA-0"),
        "unknown route": c.get("/api/v1/tidak-ada"),
        "bad file": c.post(
            "/api/v1/intake/jobs", files={"file": ("data.xls", b"\xd0\xcf\x11\xe0 not xlsx", "x")}, headers=owner
        ),
    }
    statuses = {name: r.status_code for name, r in answers.items()}
    assert statuses == {
        "validation (query)": 422,
        "validation (body)": 422,
        "out of range": 422,
        "not signed in": 401,
        "not allowed": 403,
        "unknown record": 404,
        "unknown route": 404,
        "bad file": 403,  # an owner may not upload (checked before the file is read)
    }
    for name, r in answers.items():
        body = ErrorResponse.model_validate(r.json())  # extra keys or missing ones fail here
        assert body.detail, name
        if isinstance(body.detail, list):
            assert all(item.field and item.message for item in body.detail), name


def test_options_answers_with_every_allowed_method(client: tuple[TestClient, dict[str, str]]) -> None:
    c, _owner = client
    firms = c.options("/api/v1/firms")
    assert firms.status_code == 204
    assert firms.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    one = c.options("/api/v1/firms/F-TIDAKADA-0")
    assert one.headers["allow"] == "GET, HEAD, OPTIONS, PATCH"
    assert c.options("/api/v1/tidak-ada").status_code == 404
    wrong = c.delete("/api/v1/firms")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, HEAD, OPTIONS, POST"
