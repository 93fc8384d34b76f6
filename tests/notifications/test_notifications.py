"""Notifications: a claim decision and a partnership proposal reach the right people; badge, list, read/unread."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from jejaring.accounts.models import AuditEvent
from jejaring.core.db import session_scope
from jejaring.notifications.models import Notification
from tests.accounts.conftest import World
from tests.accounts.helpers import login


def test_claim_decision_reaches_the_claimant(app_client: TestClient, world: World, engine: Engine) -> None:
    officer = TestClient(app_client.app)
    token = login(officer, "petugas_51@uji.example")
    form = {"decision": "reject", "reason": "NIB pada berkas tidak cocok", "csrf_token": token}
    r = officer.post(f"/claims/{world.claim}/review", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert officer.get("/notifications/badge").text.strip() == ""  # the officer got nothing

    owner = TestClient(app_client.app)
    token = login(owner, "pemilik_lain@uji.example")
    badge = owner.get("/notifications/badge").text
    assert 'id="notification-count"' in badge and ">1<" in badge
    page = owner.get("/notifications").text
    assert "UD Ukiran Badung Uji" in page and "NIB pada berkas tidak cocok" in page and 'class="unread"' in page
    with session_scope(engine) as s:
        note = s.scalar(select(Notification))
        assert note is not None and note.user_id == world.users["pemilik_lain"].id
        note_id = note.id
    # someone else's notification is not found, and stays unread
    other = TestClient(app_client.app)
    login(other, "pemilik_a@uji.example")
    assert other.get(f"/notifications/{note_id}", follow_redirects=False).status_code == 404
    # opening it leads to the claim and marks it read
    r = owner.get(f"/notifications/{note_id}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/claims/{world.claim}"
    assert owner.get("/notifications/badge").text.strip() == ""
    assert 'class="unread"' not in owner.get("/notifications").text
    owner.cookies.set("lang", "en")
    en = owner.get("/api/v1/notifications").json()
    assert en[0]["read"] is True and "was rejected" in en[0]["message"]
    with session_scope(engine) as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "notification.read"))


def test_proposal_notifies_the_partner_owner_and_read_all(app_client: TestClient, world: World) -> None:
    with TestClient(app_client.app) as buyer:
        token = login(buyer, "pemilik_a@uji.example")
        # firm B gets an owner first (through an approved claim)
        officer = TestClient(app_client.app)
        t2 = login(officer, "petugas_51@uji.example")
        officer.post(f"/claims/{world.claim}/review", data={"decision": "approve", "csrf_token": t2})
        form = {
            "proposer_firm": world.firm_a,
            "partner_firm": world.firm_b,
            "pattern": "subkontrak",
            "title": "Ukiran panel pintu",
            "csrf_token": token,
        }
        r = buyer.post("/partnerships", data=form, follow_redirects=False)
        assert r.status_code == 303, r.text
    seller = TestClient(app_client.app)
    token = login(seller, "pemilik_lain@uji.example")
    notes = seller.get("/api/v1/notifications").json()
    assert len(notes) == 2  # claim approved, then the proposal
    proposal = next(n for n in notes if n["kind"] == "proposal")
    assert proposal["link"].startswith("/partnerships/K-") and "Ukiran panel pintu" in proposal["message"]
    r = seller.post("/notifications/read", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert all(n["read"] for n in seller.get("/api/v1/notifications").json())
