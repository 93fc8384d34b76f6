"""A temu bisnis in a real browser: the organiser creates an event, two firms register, one requests a meeting,
the other accepts, the organiser schedules and publishes, and both see the meeting on their agenda."""

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


def test_event_from_creation_to_agendas(live_server: str, browser, db_url: str) -> None:
    engine = build_engine(db_url)
    with session_scope(engine) as session:
        big = session.scalar(select(Firm).where(Firm.name == "PT Astra Komponen Nusantara"))
        ikm = session.scalar(select(Firm).where(Firm.name == "CV Presisi Komponen Otomotif"))
        assert big is not None and ikm is not None, "demo data loaded by jejaring serve"
        create_user(session, role="penyelenggara_acara", email="panitia.pw@uji.example")
        u_big = create_user(session, role="pemilik_usaha", email="besar.ev@uji.example")
        u_ikm = create_user(session, role="pemilik_usaha", email="ikm.ev@uji.example")
        session.add_all([FirmOwner(user_id=u_big.id, firm_id=big.id), FirmOwner(user_id=u_ikm.id, firm_id=ikm.id)])
        big_id, ikm_id, big_name, ikm_name = big.public_id, ikm.public_id, big.name, ikm.name
    engine.dispose()

    organiser = browser.new_context(locale="id-ID").new_page()
    login(organiser, live_server, "panitia.pw@uji.example", PASSWORD)
    organiser.goto(live_server + "/events")
    organiser.click("#new-event")
    organiser.fill("input[name=name]", "Temu Bisnis Otomotif Bekasi")
    organiser.fill("input[name=place]", "Bekasi")
    organiser.fill("input[name=starts_on]", "2030-05-20")
    organiser.fill("input[name=slots_per_day]", "6")
    organiser.fill("input[name=tables]", "3")
    organiser.select_option("select[name=timezone]", "Asia/Jakarta")
    organiser.select_option("select[name=target_regions]", ["32", "33"])  # chosen by name, sent as codes
    organiser.click("#event-form button[type=submit]")
    expect(organiser.locator("h1")).to_have_text("Temu Bisnis Otomotif Bekasi")
    expect(organiser.locator("main")).to_contain_text("Jawa Barat, Jawa Tengah")
    expect(organiser.locator("main")).to_contain_text("09:00 WIB")
    event_url = organiser.url

    ikm_page = browser.new_context(locale="id-ID").new_page()
    login(ikm_page, live_server, "ikm.ev@uji.example", PASSWORD)
    ikm_page.goto(event_url)
    ikm_page.fill(f"#register-{ikm_id} input[name=seeks]", "Pembeli komponen stamping")
    ikm_page.click(f"#register-{ikm_id} button[type=submit]")
    expect(ikm_page.locator("h1")).to_have_text(ikm_name)

    big_page = browser.new_context(locale="id-ID").new_page()
    login(big_page, live_server, "besar.ev@uji.example", PASSWORD)
    big_page.goto(event_url)
    big_page.click(f"#register-{big_id} button[type=submit]")
    expect(big_page.locator("h1")).to_have_text(big_name)

    ikm_page.reload()
    ikm_page.select_option("#request-form select[name=to_firm]", big_id)
    ikm_page.click("#send-request")
    expect(ikm_page.locator("#requests tr.request")).to_contain_text("Menunggu")

    big_page.reload()
    big_page.locator("#requests button[name=accept][value='1']").click()
    expect(big_page.locator("#requests tr.request")).to_contain_text("Diterima")

    organiser.goto(event_url)
    expect(organiser.locator("#dash-registered")).to_have_text("2")
    organiser.click("#run-schedule")
    expect(organiser.locator("#schedule-summary")).to_contain_text("1 pertemuan")
    organiser.click("#publish")
    expect(organiser.locator("#dash-meetings")).to_contain_text("1")

    for page, partner in ((ikm_page, big_name), (big_page, ikm_name)):
        page.reload()
        expect(page.locator("#agenda tr.meeting")).to_have_count(1)
        expect(page.locator("#agenda tr.meeting")).to_contain_text(partner)
    backend = "pg" if db_url.startswith("postgresql") else "sqlite"
    screenshot(ikm_page, f"event-agenda-{backend}")
