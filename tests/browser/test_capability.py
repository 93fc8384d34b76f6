"""Readiness in a real browser: an owner fills the assessment and sees the gaps and the plan; an officer
creates a programme and enrols the firm from the ranked list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jejaring.accounts.models import FirmOwner
from jejaring.core.db import build_engine, session_scope
from jejaring.registry.models import Firm
from tests.accounts.helpers import PASSWORD, create_user
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_owner_assesses_and_officer_enrols(live_server: str, browser, db_url: str) -> None:
    engine = build_engine(db_url)
    with session_scope(engine) as session:
        firm = session.scalar(select(Firm).where(Firm.name == "Mebel Ukir Sumber Rejeki"))
        assert firm is not None, "demo data loaded by jejaring serve"
        owner = create_user(session, role="pemilik_usaha", email="mebel.pw@uji.example")
        session.add(FirmOwner(user_id=owner.id, firm_id=firm.id))
        create_user(session, role="petugas_dinas", province="33", email="dinas33.pw@uji.example")
        firm_id = firm.public_id
    engine.dispose()

    page = browser.new_context(locale="id-ID").new_page()
    login(page, live_server, "mebel.pw@uji.example", PASSWORD)
    page.goto(f"{live_server}/firms/{firm_id}/capability")
    page.click("#assess-link")
    expect(page.locator("#assess-form")).to_be_visible()
    expect(page.locator("#c-cert_svlk")).to_have_value("1")  # pre-filled from the registry
    page.select_option("#c-quality_control", "2")
    page.select_option("#c-packaging", "1")
    page.select_option("#c-marketplace", "0")
    page.select_option("#c-bookkeeping", "1")
    page.click("#assess-save")
    expect(page).to_have_url(re.compile(rf"/firms/{re.escape(firm_id)}/capability$"))
    expect(page.locator("#overall-score")).to_be_visible()
    page.select_option("#target-form select[name=kind]", "market")
    page.select_option("#target-form select[name=region]", "eu_uk")
    page.fill("#target-form input[name=budget]", "1000000")
    page.click("#show-gaps")
    expect(page.locator("#gaps li").first).to_contain_text("Kurang:")
    expect(page.locator("#plan ol li").first).to_contain_text("Bulan")
    screenshot(page, "capability-owner-plan")

    officer = browser.new_context(locale="id-ID").new_page()
    login(officer, live_server, "dinas33.pw@uji.example", PASSWORD)
    officer.goto(f"{live_server}/capability/programmes")
    officer.fill("#programme-form input[name=name]", "e-Smart IKM dan bimtek mutu Jepara")
    officer.check("#programme-form input[value=e_smart_ikm]")
    officer.check("#programme-form input[value=bimtek_quality]")
    officer.click("#programme-save")
    expect(officer).to_have_url(re.compile(r"/capability/programmes/P"))
    officer.check(f"#enrol-{firm_id}")
    officer.click("#enrol-save")
    expect(officer.locator("#enrolments")).to_contain_text("Mebel Ukir Sumber Rejeki")
    expect(officer.locator("#enrolments")).to_contain_text("Terpilih")
    screenshot(officer, "capability-officer-programme")
