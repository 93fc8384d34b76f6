"""The review queue through the real app: scoped to the officer's province, CSRF-protected, audited."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from jejaring.accounts import security
from jejaring.accounts.models import AuditEvent
from jejaring.accounts.roles import system_actor
from jejaring.core.db import session_scope
from jejaring.registry.models import Firm
from jejaring.resolution import service
from jejaring.resolution.models import MatchCandidate
from tests.accounts.helpers import create_user, login
from tests.resolution.test_resolution_service import _firm


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def queued(engine: Engine) -> int:
    with session_scope(engine) as s:
        common = {"regency_code": "33.75", "district_code": None, "desa": None, "kbli_code": "13134", "phone": None}
        _firm(
            s,
            "a.xlsx",
            2,
            name="Batik Sekar Arum",
            owner_name="Siti Aminah",
            address="Kauman",
            latitude=None,
            longitude=None,
            **common,
        )
        _firm(
            s,
            "b.xlsx",
            3,
            name="Batik Sekararum",
            owner_name="Siti Aminah",
            address="Jl. Hayam Wuruk",
            latitude=None,
            longitude=None,
            **common,
        )
        create_user(s, role="petugas_dinas", province="33", email="petugas33@uji.example")
        create_user(s, role="petugas_dinas", province="51", email="petugas51@uji.example")
        service.run(s, actor=system_actor(), full=True)
    with session_scope(engine) as s:
        cand = s.scalar(select(MatchCandidate).where(MatchCandidate.status == "pending"))
        assert cand is not None
        return cand.id


def test_queue_scoped_decided_and_audited(client: TestClient, queued: int, engine: Engine) -> None:
    anonymous = client.get("/resolution", follow_redirects=False)
    assert anonymous.status_code in (303, 401) and "/login" in anonymous.headers.get("location", "/login")
    assert client.post(f"/resolution/candidates/{queued}/confirm", follow_redirects=False).status_code in (
        303,
        401,
        403,
    )
    login(client, "petugas51@uji.example")
    page = client.get("/resolution")
    assert page.status_code == 200 and f"pair-{queued}" not in page.text
    assert client.post(f"/resolution/candidates/{queued}/confirm").status_code == 403  # no CSRF token
    client.cookies.clear()
    csrf = login(client, "petugas33@uji.example")
    page = client.get("/resolution")
    assert f"pair-{queued}" in page.text
    assert "Nama pemilik" in page.text  # the reasons in words
    r = client.post(f"/resolution/candidates/{queued}/confirm", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    with session_scope(engine) as s:
        assert s.get(MatchCandidate, queued).status == "confirmed"
        assert s.scalar(select(Firm).where(Firm.status == "merged")) is not None
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "resolution.confirm"))
        assert event is not None and event.province_code == "33"
