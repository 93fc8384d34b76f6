"""Partnership pages without dead ends: own actions only, errors on the same page with the input kept,
a signed agreement's edit visible to both, the history of every write, a draft from the registry."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.accounts.helpers import bearer, login
from tests.partnerships.test_web import AGREEMENT, Parties, _fast_argon2, parties  # noqa: F401

_NOTE = re.compile(r"Perjanjian terakhir diubah oleh")


def _agreed_and_active(c: TestClient, p: Parties) -> str:
    base = "/api/v1/partnerships"
    proposal = {"proposer_firm": p.big, "partner_firm": p.ikm, "pattern": "subkontrak", "title": "Bracket"}
    pid = c.post(base, json=proposal, headers=bearer(p.big_token)).json()["id"]
    assert c.put(f"{base}/{pid}/agreement", json=AGREEMENT, headers=bearer(p.ikm_token)).status_code == 200
    return str(pid)


def test_own_actions_errors_in_place_and_signed_edit(client: TestClient, parties: Parties) -> None:  # noqa: F811
    c = client
    base = "/api/v1/partnerships"
    proposal = {"proposer_firm": parties.big, "partner_firm": parties.ikm, "pattern": "subkontrak", "title": "Bracket"}
    pid = c.post(base, json=proposal, headers=bearer(parties.big_token)).json()["id"]
    # the proposer is not offered the recipient's move (start negotiation)
    big = TestClient(c.app)
    big_csrf = login(big, parties.big_email)
    page = big.get(f"/partnerships/{pid}").text
    assert 'id="to-negosiasi"' not in page and 'id="to-dihentikan"' in page
    ikm = TestClient(c.app)
    ikm_csrf = login(ikm, parties.ikm_email)
    assert 'id="to-negosiasi"' in ikm.get(f"/partnerships/{pid}").text
    # the agreement form is drafted from the registry and the pattern
    form = ikm.get(f"/partnerships/{pid}/agreement").text
    assert "PT Astra Komponen Nusantara" in form and "Musyawarah untuk mufakat" in form
    # a refused save shows the form again with the typed text
    bad = {**{k: v for k, v in AGREEMENT.items() if k != "checklist"}, "duration_months": "0", "csrf_token": ikm_csrf}
    bad["business_activity"] = "Teks yang saya ketik sendiri"
    r = ikm.post(f"/partnerships/{pid}/agreement", data=bad, follow_redirects=False)
    assert r.status_code == 422 and 'id="action-error"' in r.text and "Teks yang saya ketik sendiri" in r.text
    good = {**AGREEMENT, "start_date": "2026-01-01", "csrf_token": ikm_csrf}
    r = ikm.post(f"/partnerships/{pid}/agreement", data=good, follow_redirects=False)
    assert r.status_code == 303
    # both sign; signing twice is not offered
    assert big.post(f"/partnerships/{pid}/sign", data={"csrf_token": big_csrf}).status_code == 200
    page = big.get(f"/partnerships/{pid}").text
    assert 'id="sign"' not in page
    # the ikm edits the agreement after the big party signed: signatures cleared, both told, side by side
    changed = {**good, "payment_period_days": "45"}
    assert ikm.post(f"/partnerships/{pid}/agreement", data=changed, follow_redirects=False).status_code == 303
    page = big.get(f"/partnerships/{pid}").text
    assert 'id="agreement-changes"' in page and _NOTE.search(page)
    section = page.split('id="agreement-changes"')[1].split("</table>")[0]
    assert "Jangka" in section and ">30<" in section and ">45<" in section
    assert "tanda tangan dibatalkan" in page.lower() or "Tanda tangan sebelumnya dibatalkan" in page
    assert 'id="sign"' in page
    notes = big.get("/api/v1/notifications").json()
    assert any(n["kind"] == "agreement" and "dibatalkan" in n["message"] for n in notes)
    assert any(n["kind"] == "agreement" for n in ikm.get("/api/v1/notifications").json())
    # history: proposal, edits, signature with who
    history = page.split('id="history"')[1]
    assert "Isi perjanjian diubah" in history and "Perjanjian ditandatangani" in history
    assert parties.big_email in history and parties.ikm_email in history


def test_ledger_errors_keep_input_and_explain(client: TestClient, parties: Parties) -> None:  # noqa: F811
    c = client
    base = "/api/v1/partnerships"
    pid = _agreed_and_active(c, parties)
    c.post(f"{base}/{pid}/sign", headers=bearer(parties.big_token))
    c.post(f"{base}/{pid}/sign", headers=bearer(parties.ikm_token))
    assert c.post(f"{base}/{pid}/transition", json={"to": "aktif"}, headers=bearer(parties.big_token)).status_code
    big = TestClient(c.app)
    csrf = login(big, parties.big_email)
    order = {"number": "PO-7", "issued_on": "2025-06-01", "description": "Bracket", "quantity": "10",
             "unit": "buah", "unit_price": "1000", "csrf_token": csrf}  # fmt: skip
    r = big.post(f"/partnerships/{pid}/orders", data=order, follow_redirects=False)
    assert r.status_code == 422 and "di luar masa perjanjian" in r.text and 'value="PO-7"' in r.text
    order["issued_on"] = "2026-02-01"
    assert big.post(f"/partnerships/{pid}/orders", data=order, follow_redirects=False).status_code == 303
    detail = c.get(f"{base}/{pid}", headers=bearer(parties.big_token)).json()
    oid = detail["orders"][0]["id"]
    ikm = TestClient(c.app)
    csrf = login(ikm, parties.ikm_email)
    delivery = {"delivered_on": "2026-02-10", "quantity": "12", "bast_number": "BAST-12", "received_by": "Gudang",
                "accepted": "on", "csrf_token": csrf}  # fmt: skip
    r = ikm.post(f"/partnerships/{pid}/orders/{oid}/deliveries", data=delivery, follow_redirects=False)
    assert r.status_code == 422 and "sisa 10 buah" in r.text and 'value="BAST-12"' in r.text
    delivery["quantity"] = "10"
    assert (
        ikm.post(f"/partnerships/{pid}/orders/{oid}/deliveries", data=delivery, follow_redirects=False).status_code
        == 303
    )
    page = ikm.get(f"/partnerships/{pid}").text
    assert "Rp10.000" in page  # the order's total
    history = page.split('id="history"')[1]
    assert "Pesanan (PO) PO-7" in history and "Pengiriman dengan BAST BAST-12" in history


def test_printed_agreement_has_signers_dates_meterai_and_pdf(client: TestClient, parties: Parties) -> None:  # noqa: F811
    c = client
    pid = _agreed_and_active(c, parties)
    big = TestClient(c.app)
    csrf = login(big, parties.big_email)
    form = {"signer_name": "Budi Santoso", "signer_title": "Direktur Pengadaan", "csrf_token": csrf}
    assert big.post(f"/partnerships/{pid}/sign", data=form, follow_redirects=False).status_code == 303
    ikm = TestClient(c.app)
    csrf = login(ikm, parties.ikm_email)
    form = {"signer_name": "Sri Rahayu", "signer_title": "Pemilik", "csrf_token": csrf}
    assert ikm.post(f"/partnerships/{pid}/sign", data=form, follow_redirects=False).status_code == 303
    page = ikm.get(f"/partnerships/{pid}/agreement/print").text
    assert "Budi Santoso" in page and "Direktur Pengadaan" in page and "Sri Rahayu" in page
    assert "Meterai Rp10.000" in page and "1 Januari 2026" in page  # the start date in Indonesian
    months = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    assert re.search(r'id="place-date">\w[\w ]*, \d{1,2} (' + months + r") \d{4}<", page)
    pdf = ikm.get(f"/partnerships/{pid}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 1500
    assert f"perjanjian-{pid}.pdf" in pdf.headers["content-disposition"]
    stranger = TestClient(c.app)
    login(stranger, "lain@uji.example")
    assert stranger.get(f"/partnerships/{pid}/agreement.pdf").status_code in (403, 404)
