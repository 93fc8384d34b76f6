"""An owner's whole journey in Chromium, in Indonesian and English, at desktop and phone width: sign up,
confirm, land on Usaha saya, register a firm typed as Indonesians type amounts, find it everywhere, be guided
when proposing without a firm; every page is checked for raw codes and untranslated message keys."""

from __future__ import annotations

import re

import httpx
import pytest

from jejaring.core.db import build_engine, session_scope
from jejaring.core.i18n import catalog
from tests.accounts.helpers import create_user
from tests.browser.conftest import ARTIFACTS, combos, screenshot, signed_in

pytestmark = pytest.mark.browser
PASSWORD = "sandi-perjalanan-123"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Internal codes that must never reach a reader: roles, sectors, pattern kinds, checklist items, field keys.
RAW_CODES = (
    "pemilik_usaha",
    "petugas_dinas",
    "industri_besar",
    "industri_kreatif",
    "rantai_pasok",
    "rp_role",
    "kode_wilayah",
    "pemasok_bahan_baku",
    "layanan_purna_jual",
)
_KEY = re.compile(r"\b[a-z]+(?:\.[a-z_]+){1,4}\b")


def assert_readable(page, where: str) -> None:
    """Fail when the visible text shows a raw internal code or an untranslated message key."""
    text = page.inner_text("body")
    raw = [c for c in RAW_CODES if c in text]
    keys = sorted({k for k in _KEY.findall(text) if k in catalog("id")})
    if raw or keys:
        screenshot(page, f"raw-codes-{where}")
    assert not raw, f"{where}: raw codes on the page: {raw}"
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, f"{where}: the page is {wide}px wider than the window"
    assert not keys, f"{where}: untranslated message keys: {keys}"


def _journey(browser, base: str, lang: str, device: str, partner: str) -> None:
    context = browser.new_context(locale="id-ID" if lang == "id" else "en-US", viewport=VIEWPORTS[device])
    context.add_cookies([{"name": "lang", "value": lang, "url": base}])
    page = context.new_page()
    page.set_default_timeout(90_000)
    tag = f"{lang}-{device}"
    try:
        page.goto(base + "/")
        assert_readable(page, f"home-{tag}")
        # the public sees neither the upload nor the data-matching menu
        assert page.locator("#nav-intake").count() == 0 and page.locator("#nav-resolution").count() == 0
        page.goto(base + "/signup")
        assert_readable(page, f"signup-{tag}")
        page.fill("input[name=name]", f"Ibu Uji {tag}")
        page.fill("input[name=email]", f"owner-{tag}@uji.example")
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=confirm_password]", PASSWORD)
        page.click("#signup-submit")
        page.wait_for_selector("#signup-done")
        link = page.get_attribute("#signup-link", "href")
        assert link and "/account/confirm/" in link
        page.goto(base + "/account/confirm/" + link.rsplit("/", 1)[1])
        page.wait_for_selector("#login-confirmed")
        page.fill("input[name=email]", f"owner-{tag}@uji.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#my-no-firms")  # Usaha saya, with the way forward
        assert_readable(page, f"my-empty-{tag}")
        assert page.locator("#nav-intake").count() == 0 and page.locator("#nav-resolution").count() == 0
        # proposing without a firm: guided, not an empty select
        page.goto(f"{base}/partnerships/new?partner={partner}")
        page.wait_for_selector("#proposal-no-firm")
        assert page.locator("select[name=proposer_firm]").count() == 0
        assert_readable(page, f"propose-no-firm-{tag}")
        page.click("#proposal-register")
        page.wait_for_selector("#new-firm-form")
        assert_readable(page, f"firm-new-{tag}")
        page.fill("input[name=name]", f"Batik Uji {tag}")
        page.select_option("#new-firm-regency", "33.20")
        page.fill("input[name=kbli_code]", "13134")
        page.fill("textarea[name=products]", "batik tulis")
        page.fill("input[name=workers]", "12")
        page.fill("input[name=investment]", "300.000.000")
        page.click("#new-firm-submit")
        page.wait_for_url(re.compile(r"/firms/F-"))
        assert_readable(page, f"firm-detail-{tag}")
        body = page.inner_text("body")
        assert ("Rp300.000.000" in body) if lang == "id" else ("Rp300,000,000" in body)
        page.goto(base + "/my")
        assert f"Batik Uji {tag}" in page.inner_text("#my-firms")
        assert_readable(page, f"my-{tag}")
        page.goto(base + "/account")
        assert f"Batik Uji {tag}" in page.inner_text("#account-firms")
        assert_readable(page, f"account-{tag}")
        page.goto(base + "/notifications")
        page.wait_for_selector("#notifications-none")
        assert_readable(page, f"notifications-{tag}")
        screenshot(page, f"journey-owner-{tag}")
    except Exception:
        screenshot(page, f"journey-owner-failed-{tag}")
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"journey-owner-failed-{tag}.html").write_text(page.content())
        raise
    finally:
        context.close()


def test_owner_journey_in_both_languages_at_desktop_and_phone_width(live_server: str, db_url: str, browser) -> None:
    partner = httpx.get(f"{live_server}/api/v1/firms", params={"page_size": 1}).json()["items"][0]["public_id"]
    for lang, device in combos(db_url):
        _journey(browser, live_server, lang, device, partner)


def _signed_in(browser, base: str, lang: str, device: str, email: str):
    return signed_in(browser, base, email, PASSWORD, lang=lang, viewport=VIEWPORTS[device])


def test_claim_reviewed_by_the_officer_reaches_the_owner(live_server: str, db_url: str, browser) -> None:
    firms = httpx.get(f"{live_server}/api/v1/firms", params={"page_size": 4}).json()["items"]
    walked = combos(db_url)
    engine = build_engine(db_url)  # the accounts made in-process (the CLI's own test covers `users create`)
    with session_scope(engine) as session:
        for (lang, device), firm in zip(walked, firms, strict=False):
            tag = f"{lang}-{device}"
            people = (("pemilik_usaha", "pemilik", None), ("petugas_dinas", "petugas", firm["province_code"]))
            for role, who, province in people:
                email, name = f"{who}-{tag}@uji.example", f"{who.title()} {tag}"
                create_user(session, role=role, email=email, name=name, province=province, password=PASSWORD)
    engine.dispose()
    for i, (lang, device) in enumerate(walked):
        firm = firms[i]
        tag = f"{lang}-{device}"
        owner_mail, officer_mail = f"pemilik-{tag}@uji.example", f"petugas-{tag}@uji.example"
        context, page = _signed_in(browser, live_server, lang, device, owner_mail)
        try:
            page.goto(f"{live_server}/firms/{firm['public_id']}/claim")
            assert_readable(page, f"claim-form-{tag}")
            page.fill("input[name=claimed_nib]", "1234567890123")
            page.fill("input[name=claimed_owner]", "Nama Yang Lain Sekali")
            page.fill("textarea[name=evidence_text]", "Saya pemilik usaha ini; NIB dan akta pendirian terlampir.")
            page.click("#claim-submit")
            page.wait_for_url(re.compile(r"/claims/C-"))
            claim_url = page.url
            assert page.locator("#claim-compare").count() == 0  # the claimant never sees the registry's data
        finally:
            context.close()
        context, page = _signed_in(browser, live_server, lang, device, officer_mail)
        try:
            assert page.locator("#nav-intake").count() == 1
            page.goto(f"{live_server}/intake")
            assert (
                page.locator(f"select[name=office] option[value='{firm['province_code']}']").get_attribute("selected")
                is not None
            )
            page.goto(claim_url)
            page.wait_for_selector("#claim-compare")
            assert_readable(page, f"claim-review-{tag}")
            page.fill("textarea[name=reason]", "NIB tidak cocok dengan registri")
            page.click("#claim-reject")
            page.wait_for_selector("#claim-status")
        finally:
            context.close()
        context, page = _signed_in(browser, live_server, lang, device, owner_mail)
        try:
            page.wait_for_selector("#notification-count")  # the header badge
            page.click("#nav-notifications")
            page.wait_for_selector("#notification-list")
            assert_readable(page, f"notifications-owner-{tag}")
            page.click("#notification-list a")
            page.wait_for_url(claim_url)
            assert "NIB tidak cocok dengan registri" in page.inner_text("body")
            screenshot(page, f"journey-claim-{tag}")
        finally:
            context.close()
