"""Issue 23 #4: five uploads of one file at once all finish (queued one after another), none fails."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.registry.models import Firm
from jejaring.web.app import create_app
from tests.accounts.helpers import create_user_with_token
from tests.intake.conftest import good_row, write_csv

ROWS = 300


@pytest.fixture
def client(settings: Settings) -> Iterator[tuple[TestClient, str]]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as session:
        token = create_user_with_token(session, role="admin", scopes=["read", "write"])
    engine.dispose()
    small = settings.model_copy(update={"intake_batch_rows": 50})
    with TestClient(create_app(small)) as c:
        yield c, token


def test_five_concurrent_uploads_of_one_file_all_finish(
    client: tuple[TestClient, str], settings: Settings, tmp_path: Path
) -> None:
    c, token = client
    headers = {"Authorization": f"Bearer {token}"}
    body = write_csv(tmp_path / "f.csv", [good_row(i) for i in range(1, ROWS + 1)]).read_bytes()

    def upload(k: int) -> tuple[int, str]:
        r = c.post("/api/v1/intake/jobs", files={"file": (f"f{k}.csv", body, "text/csv")}, headers=headers)
        return r.status_code, r.text

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(upload, range(5)))
        searches = [pool.submit(c.get, "/api/v1/firms?q=Sumber") for _ in range(5)]
        assert [s.result().status_code for s in searches] == [200] * 5
    assert [a[0] for a in answers] == [202] * 5, answers
    ids = [int(json.loads(a[1])["id"]) for a in answers]
    finals: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(finals) < 5:
        for j in ids:
            job = c.get(f"/api/v1/intake/jobs/{j}", headers=headers).json()
            if job["status"] not in ("queued", "running"):
                finals[j] = job
        time.sleep(0.2)
    assert len(finals) == 5, "jobs did not finish"
    assert {f["status"] for f in finals.values()} == {"done"}, finals
    assert all(f["accepted"] == ROWS for f in finals.values())
    assert sum(f["inserted"] for f in finals.values()) == ROWS
    engine = build_engine(settings.database_url)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Firm)) == ROWS
    engine.dispose()
