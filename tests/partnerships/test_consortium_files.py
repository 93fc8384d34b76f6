"""One partnership per consortium (lead and members with shares, every party signs, each sees only its own
actions) and files on the ledger (kept before the form is processed, refused with a reason, parties only)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from jejaring.accounts.models import FirmOwner
from jejaring.core.db import session_scope
from jejaring.registry.models import Firm
from tests.accounts.helpers import bearer, create_user, login
from tests.partnerships.test_friction import _agreed_and_active
from tests.partnerships.test_web import AGREEMENT, Parties, _fast_argon2, parties  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MEMBER_EMAIL = "anggota@uji.example"


@pytest.fixture
def member(engine: Engine, parties: Parties) -> str:  # noqa: F811
    """A third firm (an IKM) with its owner, to be a consortium member."""
    with session_scope(engine) as session:
        taken = {parties.big, parties.ikm}
        firm = next(
            f for f in session.scalars(select(Firm).where(Firm.size_class == "kecil")) if f.public_id not in taken
        )
        user = create_user(session, role="pemilik_usaha", email=MEMBER_EMAIL)
        session.add(FirmOwner(user_id=user.id, firm_id=firm.id))
        return firm.public_id


def _signed_in(c: TestClient, email: str) -> tuple[TestClient, str]:
    other = TestClient(c.app)
    return other, login(other, email)


def _consortium_form(csrf: str, parties: Parties, member: str, lead_role: str = "lead") -> dict[str, object]:  # noqa: F811
    return {
        "csrf_token": csrf,
        "proposer_firm": parties.big,
        "pattern": "subkontrak",
        "title": "Bracket 5.000 buah",
        "unit": "buah",
        "member_firm": [parties.ikm, member],
        "member_role": [lead_role, "member"],
        "member_share": ["3.000", "2000"],  # typed as Indonesians type it, and plain
    }


def test_consortium_is_one_partnership_every_party_signs(client: TestClient, parties: Parties, member: str) -> None:  # noqa: F811
    c = client
    big, big_csrf = _signed_in(c, parties.big_email)
    # the form from a match result lists the members with their shares
    page = big.get(f"/partnerships/consortium/new?member={parties.ikm}|lead|3000&member={member}|member|2000&unit=buah")
    assert page.status_code == 200 and page.text.count('class="consortium-member"') == 2
    # two leads: refused on the same page, the typed title kept
    r = big.post("/partnerships/consortium", data=_consortium_form(big_csrf, parties, member, "member"))
    assert r.status_code == 422 and "tepat satu ketua" in r.text and 'value="Bracket 5.000 buah"' in r.text
    r = big.post("/partnerships/consortium", data=_consortium_form(big_csrf, parties, member), follow_redirects=False)
    assert r.status_code == 303
    pid = r.headers["location"].rsplit("/", 1)[1]
    assert pid.startswith("K-")
    listed = c.get("/api/v1/partnerships", headers=bearer(parties.big_token)).json()
    assert len([x for x in listed if x["id"] == pid]) == 1 and len(listed) == 1  # one partnership, not one each
    ikm, ikm_csrf = _signed_in(c, parties.ikm_email)
    mem, mem_csrf = _signed_in(c, MEMBER_EMAIL)
    for who in (big, ikm, mem):
        detail = who.get(f"/partnerships/{pid}").text
        assert 'id="consortium-parties"' in detail and "3.000 buah" in detail and "2.000 buah" in detail
    assert any("bagian Anda 2000 buah" in n["message"] for n in mem.get("/api/v1/notifications").json())
    # the member is offered no transition and no agreement edit; the lead starts the negotiation
    page = mem.get(f"/partnerships/{pid}").text
    assert 'id="to-' not in page and 'id="edit-agreement"' not in page
    assert 'id="to-negosiasi"' in ikm.get(f"/partnerships/{pid}").text
    form = ikm.get(f"/partnerships/{pid}/agreement").text  # the draft names every party with its share
    assert "ketua konsorsium, bagian 3.000 buah" in form and "anggota konsorsium, bagian 2.000 buah" in form
    good = {**AGREEMENT, "start_date": "2026-01-01", "csrf_token": ikm_csrf}
    assert ikm.post(f"/partnerships/{pid}/agreement", data=good, follow_redirects=False).status_code == 303
    # a member's try at a transition is refused with the reason, on the page
    r = mem.post(f"/partnerships/{pid}/transition", data={"to": "dihentikan", "note": "x", "csrf_token": mem_csrf})
    assert r.status_code == 422 and "anggota konsorsium" in r.text
    for who, csrf, name in ((big, big_csrf, "Budi Santoso"), (ikm, ikm_csrf, "Sri Rahayu")):
        form = {"signer_name": name, "signer_title": "Direktur", "csrf_token": csrf}
        assert who.post(f"/partnerships/{pid}/sign", data=form, follow_redirects=False).status_code == 303
    assert 'id="partnership-status">Negosiasi' in big.get(f"/partnerships/{pid}").text  # the member has not signed
    page = mem.get(f"/partnerships/{pid}").text
    assert 'id="sign"' in page and page.count('class="signature-done"') == 2
    # an edit now clears every signature, visibly
    changed = {**good, "payment_period_days": "45"}
    assert ikm.post(f"/partnerships/{pid}/agreement", data=changed, follow_redirects=False).status_code == 303
    page = mem.get(f"/partnerships/{pid}").text
    assert page.count('class="signature-done"') == 0 and "semua pihak perlu menandatangani lagi" in page
    assert any(n["kind"] == "agreement" for n in mem.get("/api/v1/notifications").json())
    for who, csrf, name in ((big, big_csrf, "Budi Santoso"), (ikm, ikm_csrf, "Sri Rahayu"), (mem, mem_csrf, "Wati")):
        form = {"signer_name": name, "signer_title": "Pemilik", "csrf_token": csrf}
        assert who.post(f"/partnerships/{pid}/sign", data=form, follow_redirects=False).status_code == 303
    page = big.get(f"/partnerships/{pid}").text
    assert 'id="partnership-status">Disepakati' in page
    history = page.split('id="history"')[1]
    assert (
        history.count("Perjanjian ditandatangani") == 5 and MEMBER_EMAIL in history and "Konsorsium dicatat" in history
    )
    printed = mem.get(f"/partnerships/{pid}/agreement/print").text
    assert all(n in printed for n in ("Budi Santoso", "Sri Rahayu", "Wati", "ANGGOTA KONSORSIUM"))
    assert re.search(r'id="place-date">[^<]*\d{4}<', printed)
    pdf = mem.get(f"/partnerships/{pid}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def _active(c: TestClient, parties: Parties) -> tuple[str, int]:  # noqa: F811
    base = "/api/v1/partnerships"
    pid = _agreed_and_active(c, parties)
    c.post(f"{base}/{pid}/sign", headers=bearer(parties.big_token))
    c.post(f"{base}/{pid}/sign", headers=bearer(parties.ikm_token))
    c.post(f"{base}/{pid}/transition", json={"to": "aktif"}, headers=bearer(parties.big_token))
    order = {"number": "PO-9", "issued_on": "2026-02-01", "description": "Bracket", "quantity": 10, "unit": "buah",
             "unit_price": 1000}  # fmt: skip
    assert c.post(f"{base}/{pid}/orders", json=order, headers=bearer(parties.big_token)).status_code in (200, 201)
    oid = c.get(f"{base}/{pid}", headers=bearer(parties.big_token)).json()["orders"][0]["id"]
    return pid, int(oid)


def test_attachments_kept_refused_with_reason_and_parties_only(client: TestClient, parties: Parties) -> None:  # noqa: F811
    c = client
    pid, oid = _active(c, parties)
    ikm, csrf = _signed_in(c, parties.ikm_email)
    delivery = {"delivered_on": "2026-02-10", "quantity": "12", "bast_number": "BAST-12", "received_by": "Gudang",
                "accepted": "on", "csrf_token": csrf}  # fmt: skip
    url = f"/partnerships/{pid}/orders/{oid}/deliveries"
    # not a PDF/JPG/PNG: refused naming the field and the reason, the typed fields kept
    r = ikm.post(url, data=delivery, files={"attachment": ("bast.exe", b"MZ\x90\x00", "application/pdf")})
    assert r.status_code == 422 and "Lampiran: berkas “bast.exe” bukan PDF" in r.text and 'value="BAST-12"' in r.text
    # a refused form (over-delivery) keeps the valid upload: its receipt comes back with the page
    r = ikm.post(url, data=delivery, files={"attachment": ("BAST scan.pdf", PDF, "application/pdf")})
    assert r.status_code == 422 and "sisa 10 buah" in r.text and "BAST scan.pdf" in r.text
    receipt = re.search(r'name="attachment_receipt" value="([^"]+)"', r.text)
    assert receipt is not None
    # sent again with the receipt and the right quantity: recorded and attached without re-uploading
    again = {**delivery, "quantity": "10", "attachment_receipt": receipt.group(1)}
    assert ikm.post(url, data=again, follow_redirects=False).status_code == 303
    page = ikm.get(f"/partnerships/{pid}").text
    link = re.search(rf'href="(/partnerships/{re.escape(pid)}/attachments/\d+)"[^>]*>📎 BAST scan.pdf', page)
    assert link is not None, page.split('id="orders"')[1][:3000]
    got = ikm.get(link.group(1))
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"
    assert "attachment" in got.headers["content-disposition"]
    big, big_csrf = _signed_in(c, parties.big_email)
    assert big.get(link.group(1)).status_code == 200  # the other party downloads it too
    # an invoice with its scan (PNG); too large a file is refused with the limit named
    inv = {"number": "INV-9", "issued_on": "2026-02-11", "amount": "10000", "csrf_token": csrf}
    big_file = PDF + b"0" * (10 * 1024 * 1024)
    r = ikm.post(f"/partnerships/{pid}/orders/{oid}/invoices", data=inv, files={"attachment": ("f.pdf", big_file)})
    assert r.status_code == 422 and "lebih besar dari 10 MB" in r.text and 'value="INV-9"' in r.text
    r = ikm.post(f"/partnerships/{pid}/orders/{oid}/invoices", data=inv, files={"attachment": ("faktur.png", PNG)},
                 follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    page = big.get(f"/partnerships/{pid}").text
    assert "📎 faktur.png" in page and "📎 BAST scan.pdf" in page
    assert "Berkas dilampirkan" in page.split('id="history"')[1]
    assert any(n["kind"] == "attachment" for n in big.get("/api/v1/notifications").json())
    # strangers (another owner) neither see nor download the files
    stranger, _ = _signed_in(c, "lain@uji.example")
    assert stranger.get(link.group(1)).status_code == 404
    # a receipt belongs to its uploader: someone else sending it attaches nothing
    later = {
        "target": f"order:{oid}",
        "attachment_receipt": receipt.group(1),
        "csrf_token": big_csrf,
    }
    r = big.post(f"/partnerships/{pid}/attachments", data=later)
    assert r.status_code == 422 and "Lampiran: pilih berkas" in r.text
    assert big.get(f"/partnerships/{pid}").text.count("📎 BAST scan.pdf") == 1
    # attaching later (the payment receipt after the fact) works for a party
    later = {"target": f"order:{oid}", "csrf_token": big_csrf}
    r = big.post(f"/partnerships/{pid}/attachments", data=later, files={"attachment": ("po.pdf", PDF)},
                 follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and "📎 po.pdf" in big.get(f"/partnerships/{pid}").text
