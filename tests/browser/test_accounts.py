"""In Chromium against a real `jejaring serve`: an owner claims a firm, the officer approves, the owner edits."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import ARTIFACTS, run_cli, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "sandi-peramban-123"


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    try:
        page.wait_for_selector("#nav-user", state="attached")
    except Exception:
        screenshot(page, "accounts-sign-in-failed")
        (ARTIFACTS / "accounts-sign-in-failed.html").write_text(page.content())
        raise


def _sign_out(page) -> None:
    page.click("#nav-logout")
    page.wait_for_selector("#nav-login")


def test_claim_approve_edit(live_server: str, db_url: str, page) -> None:
    page.set_default_timeout(90_000)  # the machine may be busy: argon2 and the first page loads take time
    firm = httpx.get(f"{live_server}/api/v1/firms", params={"q": "batik", "page_size": 1}).json()["items"][0]
    province = firm["province_code"]
    run_cli(db_url, "users", "create", "pemilik@uji.example", "--name", "Ibu Pemilik", "--role", "pemilik_usaha",
         "--password", PASSWORD)  # fmt: skip
    run_cli(db_url, "users", "create", "petugas@uji.example", "--name", "Pak Petugas", "--role", "petugas_dinas",
         "--province", province, "--password", PASSWORD)  # fmt: skip

    # the owner signs in and claims the firm with evidence
    _sign_in(page, live_server, "pemilik@uji.example")
    assert page.inner_text("#nav-user") == "Ibu Pemilik"
    assert "X-CSRF-Token" in (page.get_attribute("body", "hx-headers") or "")
    page.goto(f"{live_server}/firms/{firm['public_id']}")
    page.click("#firm-claim")
    page.fill("textarea[name=evidence_text]", "Saya pemilik usaha ini sejak 2012; NIB tercatat atas nama saya.")
    page.click("#claim-submit")
    page.wait_for_selector("#claim-status")
    assert "Menunggu" in page.inner_text("#claim-status")
    claim_url = page.url
    screenshot(page, "accounts-claim-submitted")
    _sign_out(page)

    # the officer of the firm's province approves it
    _sign_in(page, live_server, "petugas@uji.example")
    page.goto(f"{live_server}/claims?status=pending")
    page.click("a.claim-link")
    page.click("#claim-approve")
    page.wait_for_selector("#claim-status")
    assert page.inner_text("#claim-status") == "Disetujui"
    screenshot(page, "accounts-claim-approved")
    _sign_out(page)

    # the owner edits the firm
    _sign_in(page, live_server, "pemilik@uji.example")
    page.goto(claim_url)
    page.click("#edit-firm-link")
    page.fill("textarea[name=products]", "batik tulis, batik cap, kain tenun")
    page.fill("input[name=workers]", "12")
    page.click("#edit-submit")
    page.wait_for_selector("#firm-saved")
    assert "kain tenun" in page.content()
    screenshot(page, "accounts-firm-edited")
    public = httpx.get(f"{live_server}/api/v1/firms/{firm['public_id']}").json()
    assert public["products"] == "batik tulis, batik cap, kain tenun" and public["workers"] == 12
