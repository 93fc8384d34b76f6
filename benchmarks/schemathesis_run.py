"""The long schemathesis run: every API operation of the app's own OpenAPI, many generated requests each.

Usage: ``python benchmarks/schemathesis_run.py [--examples 100] [--database-url URL] [--who anonymous|admin|both]``.
Without ``--database-url`` a fresh SQLite database (migrated, reference data, demo registry) is made in a
temporary folder; a PostgreSQL URL is used as given (point it at a scratch database: admin requests write).
Checks: no server error, status codes, content types and response bodies as declared. Prints requests sent,
time, and every failing operation with its first failure; exits 1 when any failed. The suite runs the same
checks with 3 examples per operation (tests/web/test_schemathesis.py).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jejaring.accounts import service as accounts_service
from jejaring.accounts import tokens
from jejaring.accounts.roles import ADMIN, system_actor
from jejaring.accounts.schemas import TokenCreate, UserCreate
from jejaring.core import migrate
from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.reference import service as reference_service
from jejaring.registry import demo
from jejaring.web.app import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def prepare(url: str | None, folder: Path) -> str:
    """A migrated database with reference data and the demo registry (a fresh SQLite file without ``url``)."""
    url = url or f"sqlite:///{folder / 'schemathesis.db'}"
    migrate.upgrade(url)
    engine = build_engine(url)
    with session_scope(engine) as session:
        reference_service.load_reference(session)
        demo.load_demo_if_empty(session)
    engine.dispose()
    return url


def admin_headers(url: str) -> dict[str, str]:
    """A bearer token of a new admin with read and write scopes."""
    engine = build_engine(url)
    with session_scope(engine) as session:
        email = f"schemathesis-{int(time.time())}@uji.example"
        data = UserCreate(email=email, name="Schemathesis", role=ADMIN, must_change_password=False)
        user = accounts_service.create_user(
            session, actor=system_actor("cli"), data=data, password=secrets.token_urlsafe(24)
        )
        session.flush()
        _row, secret = tokens.create_token(
            session,
            actor=system_actor("cli"),
            user=user,
            data=TokenCreate.model_validate({"name": "schemathesis", "scopes": ["read", "write"]}),
        )
    engine.dispose()
    return {"Authorization": f"Bearer {secret}"}


def run(schema: Any, headers: dict[str, str], examples: int) -> tuple[int, list[str]]:
    """Every operation with ``examples`` generated cases; requests sent and one line per failing operation."""
    sent, failures = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: Any) -> None:
            nonlocal sent
            sent += 1
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=120)

        try:
            check()
        except Exception as exc:
            failures.append(f"{operation.label}: {str(exc).strip().splitlines()[0][:300]}")
    return sent, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="generated requests per operation and identity")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--who", choices=("anonymous", "admin", "both"), default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = prepare(args.database_url, folder)
        app = create_app(Settings(database_url=url, environment="test", load_demo=False, data_dir=folder / "var"))
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        identities = {"anonymous": {}, "admin": admin_headers(url)}
        chosen = list(identities) if args.who == "both" else [args.who]
        failed = False
        for who in chosen:
            started = time.perf_counter()
            sent, failures = run(schema, identities[who], args.examples)
            seconds = time.perf_counter() - started
            print(f"{who}: {sent} requests in {seconds:.1f} s, {len(failures)} failing operations")
            for line in failures:
                print(f"  {line}")
            failed = failed or bool(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
