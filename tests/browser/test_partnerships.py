"""Proposal → agreement in a real browser: the buyer proposes, the IKM fills in the agreement, both sign."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jejaring.accounts.models import FirmOwner
from jejaring.core.db import build_engine, session_scope
from jejaring.registry.models import Firm
from tests.accounts.helpers import PASSWORD, create_user
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_proposal_to_agreement(live_server: str, browser, db_url: str) -> None:
    engine = build_engine(db_url)
    with session_scope(engine) as session:
        big = session.scalar(select(Firm).where(Firm.name == "PT Astra Komponen Nusantara"))
        ikm = session.scalar(select(Firm).where(Firm.name == "CV Presisi Komponen Otomotif"))
        assert big is not None and ikm is not None, "demo data loaded by jejaring serve"
        u_big = create_user(session, role="pemilik_usaha", email="pembeli.pw@uji.example")
        u_ikm = create_user(session, role="pemilik_usaha", email="ikm.pw@uji.example")
        session.add_all([FirmOwner(user_id=u_big.id, firm_id=big.id), FirmOwner(user_id=u_ikm.id, firm_id=ikm.id)])
        ikm_id = ikm.public_id
    engine.dispose()

    buyer = browser.new_context(locale="id-ID").new_page()
    login(buyer, live_server, "pembeli.pw@uji.example", PASSWORD)
    buyer.goto(f"{live_server}/partnerships/new?partner={ikm_id}")
    buyer.select_option("select[name=pattern]", "subkontrak")
    buyer.fill("input[name=title]", "Subkontrak bracket knalpot")
    buyer.click("#proposal-form button[type=submit]")
    expect(buyer.locator("#partnership-status")).to_have_text("Usulan")
    url = buyer.url

    supplier = browser.new_context(locale="id-ID").new_page()
    login(supplier, live_server, "ikm.pw@uji.example", PASSWORD)
    supplier.goto(url)
    supplier.click("#edit-agreement")
    for field, value in {
        "identity_larger": "PT Astra Komponen Nusantara, Bekasi",
        "identity_smaller": "CV Presisi Komponen Otomotif, Bekasi",
        "business_activity": "Pembuatan bracket knalpot",
        "rights_obligations": "Gambar teknik dan bahan baku dari pihak besar",
        "development_form": "Pendampingan mutu ISO 9001",
        "payment_mechanism": "Transfer 30 hari setelah faktur",
        "dispute_settlement": "Musyawarah lalu BANI",
    }.items():
        supplier.fill(f"textarea[name={field}]", value)
    supplier.fill("input[name=start_date]", "2026-01-01")
    supplier.fill("input[name=duration_months]", "24")
    supplier.fill("input[name=payment_period_days]", "30")
    for box in supplier.locator("input[name=checklist]").all():
        box.check()
    supplier.check("input[name=independence_declared]")
    supplier.click("#save-agreement")
    expect(supplier.locator("#partnership-status")).to_have_text("Negosiasi")
    supplier.click("#sign")
    expect(supplier.locator("#agreement")).to_contain_text("✔")

    buyer.goto(url)
    buyer.click("#sign")
    expect(buyer.locator("#partnership-status")).to_have_text("Disepakati")
    buyer.click("#to-aktif")
    expect(buyer.locator("#partnership-status")).to_have_text("Aktif")
    backend = "pg" if db_url.startswith("postgresql") else "sqlite"
    screenshot(buyer, f"partnership-active-{backend}")
    buyer.goto(url + "/agreement/print")
    expect(buyer.locator("h1")).to_contain_text("PERJANJIAN KEMITRAAN")
