"""Capability through the real app: the JSON API with tokens (scoping) and the HTML pages with a signed-in owner
and officer, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from jejaring.accounts import security
from jejaring.accounts.models import FirmOwner
from jejaring.core.db import session_scope
from jejaring.registry import demo
from jejaring.registry.models import Firm
from tests.accounts.helpers import bearer, create_token, create_user, login


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@dataclass
class World:
    mebel: str
    tempe: str
    owner_token: str
    officer_token: str
    other_officer_token: str


@pytest.fixture
def world(engine: Engine) -> World:
    with session_scope(engine) as session:
        demo.load_demo_if_empty(session)
        mebel = session.scalar(select(Firm).where(Firm.name == "Mebel Ukir Sumber Rejeki"))
        tempe = session.scalar(select(Firm).where(Firm.name == "Tempe Murni Sejahtera"))
        assert mebel is not None and tempe is not None
        owner = create_user(session, role="pemilik_usaha", email="mebel@uji.example")
        session.add(FirmOwner(user_id=owner.id, firm_id=mebel.id))
        officer = create_user(session, role="petugas_dinas", province="33", email="dinas33@uji.example")
        other = create_user(session, role="petugas_dinas", province="34", email="dinas34@uji.example")
        session.flush()
        return World(
            mebel=mebel.public_id,
            tempe=tempe.public_id,
            owner_token=create_token(session, user=owner, scopes=["read", "write"]),
            officer_token=create_token(session, user=officer, scopes=["read", "write"]),
            other_officer_token=create_token(session, user=other, scopes=["read", "write"]),
        )


def test_api(client: TestClient, world: World) -> None:
    base = "/api/v1/capability"
    assert len(client.get(f"{base}/criteria").json()["criteria"]) == 29
    assert any(i["code"] == "halal_sehati" for i in client.get(f"{base}/interventions").json())
    body = {"firm": world.mebel, "answers": {"quality_control": 2, "bookkeeping": 1}}
    assert client.post(f"{base}/assessments", json=body).status_code == 401
    assert client.post(f"{base}/assessments", json=body, headers=bearer(world.other_officer_token)).status_code == 403
    r = client.post(f"{base}/assessments", json=body, headers=bearer(world.owner_token))
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "self" and r.json()["answers"]["cert_svlk"] == 1
    bad = client.post(
        f"{base}/assessments", json={**body, "answers": {"quality_control": 9}}, headers=bearer(world.owner_token)
    )
    assert bad.status_code == 422
    assert client.get(f"{base}/firms/{world.tempe}/assessment", headers=bearer(world.owner_token)).status_code == 403
    r = client.get(
        f"{base}/firms/{world.mebel}/plan", params={"region": "eu_uk", "budget": 0}, headers=bearer(world.owner_token)
    )
    assert r.status_code == 200
    plan = r.json()
    assert plan["gaps"] and plan["plan"]["status"] == "optimal" and plan["plan"]["cost_firm"] == 0
    r = client.get(
        f"{base}/firms/{world.mebel}/gaps",
        params={"kind": "pattern", "pattern": "subkontrak"},
        headers=bearer(world.officer_token),
    )
    assert {g["criterion"] for g in r.json()["gaps"]} >= {"cert_iso9001", "costing"}
    deadlines = client.get(f"{base}/firms/{world.tempe}/deadlines", headers=bearer(world.officer_token))
    assert deadlines.status_code == 403  # Yogyakarta's firm, Central Java's officer
    # programmes: the officer creates one, ranks and enrols, the other province's officer cannot see it
    prog = {
        "name": "Kurasi dan e-Smart Jepara",
        "province_code": "33",
        "start_date": "2027-01-10",
        "end_date": "2027-05-30",
        "budget": 20_000_000,
        "cohort_size": 5,
        "interventions": ["e_smart_ikm", "bimtek_management"],
    }
    assert client.post(f"{base}/programmes", json=prog, headers=bearer(world.other_officer_token)).status_code == 403
    r = client.post(f"{base}/programmes", json=prog, headers=bearer(world.officer_token))
    assert r.status_code == 201
    pid = r.json()["id"]
    ranked = client.get(f"{base}/programmes/{pid}/candidates", headers=bearer(world.officer_token)).json()
    assert [i["firm"] for i in ranked["items"]] == [world.mebel]
    assert client.get(f"{base}/programmes/{pid}", headers=bearer(world.other_officer_token)).status_code == 404
    r = client.post(
        f"{base}/programmes/{pid}/enrolments", json={"firms": [world.mebel]}, headers=bearer(world.officer_token)
    )
    assert r.json()["enrolments"][0]["status"] == "selected"
    for status in ("participating", "completed"):
        r = client.post(
            f"{base}/programmes/{pid}/enrolments/{world.mebel}/status",
            json={"status": status},
            headers=bearer(world.officer_token),
        )
        assert r.status_code == 200, r.text
    after = {"firm": world.mebel, "answers": {"quality_control": 2, "bookkeeping": 2, "marketplace": 1, "costing": 1}}
    r = client.post(
        f"{base}/programmes/{pid}/enrolments/{world.mebel}/reassess", json=after, headers=bearer(world.officer_token)
    )
    assert r.status_code == 201 and r.json()["version"] == 2
    out = client.get(f"{base}/outcomes", headers=bearer(world.officer_token)).json()
    assert out[0]["score_after"] > out[0]["score_before"]
    assert client.get(f"{base}/outcomes", headers=bearer(world.other_officer_token)).json() == []


def test_pages(client: TestClient, world: World) -> None:
    csrf = login(client, "mebel@uji.example")
    form = client.get(f"/firms/{world.mebel}/capability/assess")
    assert form.status_code == 200 and "dari direktori" in form.text  # SVLK pre-filled from the registry
    answers = {"csrf_token": csrf, "quality_control": "3", "packaging": "2", "bookkeeping": "2"}
    r = client.post(f"/firms/{world.mebel}/capability/assess", data=answers, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(
        f"/firms/{world.mebel}/capability", params={"kind": "market", "region": "eu_uk", "budget": 1_000_000}
    )
    assert page.status_code == 200
    assert 'id="gaps"' in page.text and "Kurang:" in page.text and "Bulan " in page.text
    assert "Rp1.000.000" in page.text  # the objective names the budget as Indonesians write it
    english = client.get(f"/firms/{world.mebel}/capability", params={"region": "eu_uk", "lang": "en"})
    assert "Missing:" in english.text and "Months " in english.text and "Kurang:" not in english.text
    block = client.get(f"/firms/{world.mebel}/capability/block")
    assert 'id="overall-score"' in block.text
    assert client.get(f"/firms/{world.tempe}/capability").status_code == 403
    assert client.get("/capability/criteria").status_code == 200


def test_owner_sees_a_deadline_alert(client: TestClient, world: World, engine: Engine) -> None:
    with session_scope(engine) as session:  # the Yogyakarta tempe maker loses its Halal certificate
        tempe = session.scalar(select(Firm).where(Firm.public_id == world.tempe))
        assert tempe is not None
        tempe.certifications = [c for c in tempe.certifications if c.certificate_code != "HALAL"]
        owner = create_user(session, role="pemilik_usaha", email="tempe@uji.example")
        session.add(FirmOwner(user_id=owner.id, firm_id=tempe.id))
    login(client, "tempe@uji.example")
    home = client.get("/capability")
    assert 'id="deadline-alerts"' in home.text and "Tempe Murni Sejahtera" in home.text
    assert "17-10-2026" in home.text


def test_officer_adds_an_intervention_through_the_page(client: TestClient, world: World) -> None:
    csrf = login(client, "dinas33@uji.example")
    page = client.get("/capability/criteria")
    assert 'id="intervention-form"' in page.text
    form = {
        "csrf_token": csrf,
        "code": "klinik_kemasan_jepara",
        "kind": "pendampingan",
        "province_code": "33",
        "name_id": "Klinik kemasan Jepara",
        "name_en": "Jepara packaging clinic",
        "provider": "Disperindag Jepara",
        "cost_firm": "0",
        "cost_gov": "750000",
        "duration": "1",
        "lifts": "packaging=1; labelling=1",
        "requires": "",
        "source": "Disperindag Jepara 2027",
    }
    r = client.post("/capability/interventions", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    listed = client.get("/api/v1/capability/interventions", headers=bearer(world.officer_token)).json()
    assert "klinik_kemasan_jepara" in {i["code"] for i in listed}
    bad = client.post("/capability/interventions", data={**form, "code": "lain_lagi", "lifts": "packaging=lots"})
    assert bad.status_code == 422
