"""Partnerships through the real app: the JSON API with tokens and the HTML pages with a signed-in owner."""

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

AGREEMENT = {
    "identity_larger": "PT Astra Komponen Nusantara",
    "identity_smaller": "CV Presisi Komponen Otomotif",
    "business_activity": "Komponen stamping",
    "rights_obligations": "Spesifikasi dan bahan baku dari pihak besar",
    "development_form": "Pendampingan mutu",
    "start_date": "2026-01-01",
    "duration_months": 12,
    "payment_period_days": 30,
    "payment_mechanism": "Transfer bank",
    "dispute_settlement": "Musyawarah",
    "checklist": ["sub_spec", "sub_support", "sub_payment"],
    "independence_declared": True,
}


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@dataclass
class Parties:
    big: str
    ikm: str
    big_token: str
    ikm_token: str
    stranger_token: str
    ikm_email: str
    big_email: str


@pytest.fixture
def parties(engine: Engine) -> Parties:
    with session_scope(engine) as session:
        demo.load_demo_if_empty(session)
        big = session.scalar(select(Firm).where(Firm.name == "PT Astra Komponen Nusantara"))
        ikm = session.scalar(select(Firm).where(Firm.name == "CV Presisi Komponen Otomotif"))
        u_big = create_user(session, role="pemilik_usaha", email="pembeli@uji.example")
        u_ikm = create_user(session, role="pemilik_usaha", email="ikm@uji.example")
        u_other = create_user(session, role="pemilik_usaha", email="lain@uji.example")
        session.add_all([FirmOwner(user_id=u_big.id, firm_id=big.id), FirmOwner(user_id=u_ikm.id, firm_id=ikm.id)])
        session.flush()
        return Parties(
            big=big.public_id,
            ikm=ikm.public_id,
            big_token=create_token(session, user=u_big, scopes=["read", "write"]),
            ikm_token=create_token(session, user=u_ikm, scopes=["read", "write"]),
            stranger_token=create_token(session, user=u_other, scopes=["read", "write"]),
            ikm_email="ikm@uji.example",
            big_email="pembeli@uji.example",
        )


def test_api_path_and_refusals(client: TestClient, parties: Parties) -> None:
    base = "/api/v1/partnerships"
    assert client.post(base, json={}).status_code == 401
    proposal = {"proposer_firm": parties.big, "partner_firm": parties.ikm, "pattern": "subkontrak", "title": "Uji"}
    r = client.post(base, json=proposal, headers=bearer(parties.big_token))
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert client.get(f"{base}/{pid}", headers=bearer(parties.stranger_token)).status_code == 404
    assert client.get(f"{base}/{pid}").status_code == 401
    r = client.post(f"{base}/{pid}/transition", json={"to": "aktif"}, headers=bearer(parties.ikm_token))
    assert r.status_code == 422 and "usulan" in r.json()["detail"][0]["message"]
    r = client.put(f"{base}/{pid}/agreement", json=AGREEMENT, headers=bearer(parties.ikm_token))
    assert r.status_code == 200 and r.json()["status"] == "negosiasi"
    assert r.json()["missing_for_signing"] == []
    assert client.post(f"{base}/{pid}/sign", headers=bearer(parties.stranger_token)).status_code == 404
    client.post(f"{base}/{pid}/sign", headers=bearer(parties.big_token))
    r = client.post(f"{base}/{pid}/sign", headers=bearer(parties.ikm_token))
    assert r.json()["status"] == "disepakati"
    r = client.post(f"{base}/{pid}/transition", json={"to": "aktif"}, headers=bearer(parties.big_token))
    assert r.json()["status"] == "aktif"
    order = {
        "number": "PO-1",
        "issued_on": "2026-02-01",
        "description": "Bracket",
        "quantity": 10,
        "unit": "buah",
        "unit_price": 1000,
    }
    r = client.post(f"{base}/{pid}/orders", json=order, headers=bearer(parties.big_token))
    assert r.status_code == 201
    oid = r.json()["orders"][0]["id"]
    bad = client.post(
        f"{base}/{pid}/orders/{oid}/deliveries", json={"delivered_on": "x"}, headers=bearer(parties.ikm_token)
    )
    assert bad.status_code == 422
    r = client.post(
        f"{base}/{pid}/orders/{oid}/deliveries",
        headers=bearer(parties.ikm_token),
        json={"delivered_on": "2026-02-10", "quantity": 10, "bast_number": "BAST-9", "received_by": "Gudang"},
    )
    assert r.status_code == 201
    r = client.post(
        f"{base}/{pid}/orders/{oid}/invoices",
        headers=bearer(parties.ikm_token),
        json={"number": "INV-9", "issued_on": "2026-02-10", "amount": 10_000},  # long due: overdue
    )
    invoice = r.json()["orders"][0]["invoices"][0]
    assert invoice["status"] == "terlambat"
    outcomes = client.get(f"{base}/outcomes", params={"by": "pattern"}).json()
    assert outcomes[0]["group"] == "subkontrak" and outcomes[0]["value_delivered"] == 10_000
    # the realised figures appear in insights too
    dashboard = client.get("/insights")
    assert dashboard.status_code == 200
    section = dashboard.text.split('id="realised-partnerships"')[1]
    assert "Rp10.000" in section


def test_pages_for_a_signed_in_party(client: TestClient, parties: Parties) -> None:
    csrf = login(client, parties.big_email)
    page = client.get("/partnerships/new", params={"partner": parties.ikm})
    assert page.status_code == 200 and parties.ikm in page.text
    r = client.post(
        "/partnerships",
        data={
            "csrf_token": csrf,
            "proposer_firm": parties.big,
            "partner_firm": parties.ikm,
            "pattern": "rantai_pasok",
            "title": "Pasokan komponen",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    location = r.headers["location"]
    detail = client.get(location)
    assert "Pasokan komponen" in detail.text and "Usulan" in detail.text
    printable = client.get(location + "/agreement/print")
    assert printable.status_code == 200 and "PERJANJIAN KEMITRAAN" in printable.text
    # without the CSRF token the same form is refused
    r = client.post(
        "/partnerships",
        data={"proposer_firm": parties.big, "partner_firm": parties.ikm, "pattern": "rantai_pasok", "title": "x"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert client.get("/partnerships/outcomes").status_code == 200
