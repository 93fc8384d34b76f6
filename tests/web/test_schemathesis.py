"""Issue 23: schemathesis against the app's own OpenAPI, a short deterministic run inside the test suite.

Every API operation gets a few generated requests (valid and invalid by the schema), anonymous and with an
admin token, on one SQLite database kept for the module. Checked: no server error, the status code and every
response body (errors included) as the OpenAPI declares them. The long run is ``benchmarks/schemathesis_run.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.web.app import create_app
from tests.accounts.helpers import create_user_with_token

MAX_EXAMPLES = 3  # per operation and identity: a few hundred requests in all
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
HEADERS: dict[str, dict[str, str]] = {}


@pytest.fixture(scope="module")
def api_app(_templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    folder = tmp_path_factory.mktemp("schemathesis")
    target = folder / "jejaring.db"
    shutil.copy(_templates["sqlite"], target)
    url = f"sqlite:///{target}"
    engine = build_engine(url)
    with session_scope(engine) as session:
        token = create_user_with_token(session, role="admin", scopes=["read", "write"], email="admin@uji.example")
    engine.dispose()
    HEADERS["admin"] = {"Authorization": f"Bearer {token}"}
    HEADERS["anonymous"] = {}
    return create_app(Settings(database_url=url, environment="test", load_demo=False, data_dir=Path(folder) / "var"))


@pytest.fixture(scope="module")
def api_schema(api_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)


HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)


def run_operations(schema: Any, headers: dict[str, str], *, examples: int = MAX_EXAMPLES) -> tuple[int, list[str]]:
    """Run every operation of ``schema`` with generated cases; the number of requests and the failures."""
    sent, failures = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(HYPOTHESIS, max_examples=examples)
        def check(case: Any) -> None:
            nonlocal sent
            sent += 1
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=120)  # cold model loads under load

        try:
            check()
        except Exception as exc:  # each operation's first failure, all of them reported at the end
            failures.append(f"{operation.label}: {str(exc).strip().splitlines()[0][:300]}")
    return sent, failures


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_api_answers_as_its_openapi_says(api_schema: Any, who: str) -> None:
    sent, failures = run_operations(api_schema, HEADERS[who])
    assert sent >= 100
    assert failures == []
