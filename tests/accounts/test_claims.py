"""Claims as in Open Supply Hub: owner submits with evidence, the province's officer decides, the owner edits."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select

from jejaring.accounts.models import AuditEvent, Claim, FirmOwner
from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from tests.accounts.conftest import PRIVATE_A, World
from tests.accounts.helpers import login

EVIDENCE = "Saya pemilik UD Ukiran Badung Uji sejak 2015; NIB dan akta pendirian terlampir."


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _submit(client: TestClient, token: str, firm: str, text: str, file: tuple[str, bytes] | None = None):
    files = {"evidence_file": (file[0], file[1], "application/octet-stream")} if file else None
    return client.post(
        f"/firms/{firm}/claim", data={"evidence_text": text, "csrf_token": token}, files=files, follow_redirects=False
    )


def test_claim_approve_then_owner_edits(
    app_client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    owner = TestClient(app_client.app)
    token = login(owner, "pemilik_lain@uji.example")
    # the firm page offers the claim; bad evidence is refused with a clear message and nothing is stored
    page = owner.get(f"/firms/{world.firm_a}").text
    assert f"/firms/{world.firm_a}/claim" in page
    # firm A already has an owner
    r = _submit(owner, token, world.firm_a, EVIDENCE)
    assert r.status_code == 422 and "sudah punya pemilik" in r.text
    with session_scope(engine) as s:
        s.execute(delete(FirmOwner))
    r = _submit(owner, token, world.firm_a, "pendek")
    assert r.status_code == 422 and "minimal 20 karakter" in r.text
    r = _submit(owner, token, world.firm_a, EVIDENCE, ("akta.pdf", b"bukan pdf, hanya teks"))
    assert r.status_code == 422 and "bukan PDF, JPEG atau PNG" in r.text
    # a good claim on the now unowned firm in Jawa Tengah
    r = _submit(owner, token, world.firm_a, EVIDENCE, ("../../akta saya.png", _png()))
    assert r.status_code == 303
    claim_url = r.headers["location"]
    claim_id = claim_url.rsplit("/", 1)[1]
    assert _submit(owner, token, world.firm_a, EVIDENCE).status_code == 422  # one pending claim at a time
    with session_scope(engine) as s:
        claim = s.scalar(select(Claim).where(Claim.public_id == claim_id))
        assert claim is not None and claim.status == "pending" and claim.province_code == "33"
        stored = Path(settings.data_dir) / (claim.evidence_file or "")
        assert stored.is_file() and stored.read_bytes() == _png() and claim.evidence_filename == "akta saya.png"
    # the owner cannot review their own claim, nor edit yet
    assert owner.post(f"{claim_url}/review", data={"decision": "approve", "csrf_token": token}).status_code == 403
    assert owner.get(f"/firms/{world.firm_a}/edit").status_code == 403
    # the officer of another province sees nothing of it
    bali = TestClient(app_client.app)
    bali_token = login(bali, "petugas_51@uji.example")
    assert claim_id not in bali.get("/claims").text
    assert bali.get(claim_url).status_code == 404
    assert bali.get(f"{claim_url}/evidence").status_code == 404
    assert bali.post(f"{claim_url}/review", data={"decision": "approve", "csrf_token": bali_token}).status_code == 404
    # the officer of Jawa Tengah reviews: a rejection needs a reason; then approves
    jateng = TestClient(app_client.app)
    jt = login(jateng, "petugas_33@uji.example")
    assert claim_id in jateng.get("/claims?status=pending").text
    evidence = jateng.get(f"{claim_url}/evidence")
    assert evidence.status_code == 200 and evidence.content == _png()
    assert (
        "attachment" in evidence.headers["content-disposition"]
        and evidence.headers["x-content-type-options"] == "nosniff"
    )
    r = jateng.post(f"{claim_url}/review", data={"decision": "reject", "reason": "", "csrf_token": jt})
    assert r.status_code == 422 and "alasan" in r.text
    r = jateng.post(f"{claim_url}/review", data={"decision": "approve", "csrf_token": jt}, follow_redirects=False)
    assert r.status_code == 303
    r = jateng.post(f"{claim_url}/review", data={"decision": "reject", "reason": "x", "csrf_token": jt})
    assert r.status_code == 422  # decided already
    # the owner now edits the firm through the form
    page = owner.get(claim_url).text
    assert "Disetujui" in page and 'id="edit-firm-link"' in page
    form = owner.get(f"/firms/{world.firm_a}/edit")
    assert form.status_code == 200 and PRIVATE_A["phone"] in form.text  # the owner may see their own contact data
    data = {
        "csrf_token": token,
        "name": "CV Mebel Ukir Jepara Uji Baru",
        "products": "kursi, meja ukir",
        "workers": "25",
        "investment": "3000000000",
        "phone": "0291-555-123",
        "kbli_code": "31001",
    }
    r = owner.post(f"/firms/{world.firm_a}/edit", data=data, follow_redirects=False)
    assert r.status_code == 303
    public = app_client.get(f"/api/v1/firms/{world.firm_a}").json()
    assert public["name"] == "CV Mebel Ukir Jepara Uji Baru" and public["workers"] == 25
    assert public["size_class"] == "menengah" and "phone" not in public
    r = owner.post(f"/firms/{world.firm_a}/edit", data={**data, "workers": "banyak"})
    assert r.status_code == 422 and "workers" in r.text
    # but not another firm
    assert owner.get(f"/firms/{world.firm_b}/edit").status_code == 403
    r = owner.post(f"/firms/{world.firm_b}/edit", data={**data, "name": "Diambil alih"})
    assert r.status_code == 403
    with session_scope(engine) as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert {"claim.submit", "claim.approved", "firm.edit"} <= set(actions)
    # the Jawa Tengah officer reads the audit log of the province (page and API); Bali's officer does not see it
    audit_page = jateng.get("/audit")
    assert audit_page.status_code == 200 and "firm.edit" in audit_page.text and "0291-555-123" in audit_page.text
    api = jateng.get("/api/v1/audit").json()
    assert any(e["action"] == "firm.edit" and e["after"]["phone"] == "0291-555-123" for e in api["items"])
    assert all(e["province_code"] == "33" for e in api["items"])
    assert "firm.edit" not in bali.get("/audit").text
    assert bali.get("/api/v1/audit", params={"province": "33"}).status_code == 403


def test_reject_with_reason_via_api(app_client: TestClient, world: World) -> None:
    url = f"/api/v1/claims/{world.claim}/review"
    wrong = {"Authorization": f"Bearer {world.tokens['petugas_33']}"}
    right = {"Authorization": f"Bearer {world.tokens['petugas_51']}"}
    assert app_client.post(url, json={"decision": "reject"}, headers=wrong).status_code == 404
    r = app_client.post(url, json={"decision": "reject"}, headers=right)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"
    r = app_client.post(url, json={"decision": "reject", "reason": "Bukti tidak cukup"}, headers=right)
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    mine = app_client.get("/api/v1/claims", headers={"Authorization": f"Bearer {world.tokens['pemilik_lain']}"})
    assert [c["status"] for c in mine.json()] == ["rejected"]
    assert (
        app_client.get("/api/v1/claims", headers={"Authorization": f"Bearer {world.tokens['analis']}"}).status_code
        == 403
    )
