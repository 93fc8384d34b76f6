"""An IKM owner in Chromium, in Indonesian and English: a proposal raises the header badge, the owner follows
the notification to the proposal and the count drops; the firm edit form (certificates, location, an amount
typed as "300.000.000") saves and shows the values as the reader writes them, and a bad input is refused with
a message naming the field, at desktop (1280) and phone (375) width."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from jejaring.core.db import build_engine, session_scope
from tests.browser.conftest import ARTIFACTS, add_owners, demo_buyer_and_ikm, screenshot, signed_in
from tests.browser.test_journeys import PASSWORD, assert_readable

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
BUYER, OWNER = "pembeli.inbox@uji.example", "pemilik.inbox@uji.example"


@dataclass
class Firms:
    buyer: str
    owned: str


def _people(db_url: str) -> Firms:
    """A large-industry buyer and an IKM owner, each owning one demo firm."""
    engine = build_engine(db_url)
    with session_scope(engine) as session:
        big, ikm = demo_buyer_and_ikm(session)
        add_owners(session, ((BUYER, "Ibu Uji", big), (OWNER, "Ibu Uji", ikm)), PASSWORD)
        firms = Firms(buyer=big.public_id, owned=ikm.public_id)
    engine.dispose()
    return firms


def _open(browser, base: str, lang: str, device: str, email: str):
    return signed_in(browser, base, email, PASSWORD, lang=lang, viewport=WIDTHS[device])


def _badge(page) -> int:
    """The unread count the header shows once its badge has loaded (0 when there is no badge)."""
    page.wait_for_load_state("networkidle")
    badge = page.locator("#notification-count")
    return int(badge.inner_text()) if badge.count() else 0


def _failed(page, name: str) -> None:
    screenshot(page, name)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.html").write_text(page.content())


def test_a_proposal_reaches_the_owner_through_the_badge(live_server: str, browser, db_url: str) -> None:
    firms = _people(db_url)
    for lang, device in (("id", "desktop"), ("en", "phone")):
        tag = f"{lang}-{device}"
        context, buyer = _open(browser, live_server, lang, device, BUYER)
        try:
            buyer.goto(f"{live_server}/partnerships/new?partner={firms.owned}")
            buyer.select_option("select[name=pattern]", "subkontrak")
            buyer.fill("input[name=title]", f"Bracket kotak {tag}")
            buyer.click("#proposal-form button[type=submit]")
            buyer.wait_for_url(re.compile(r"/partnerships/K-"))
            proposal_url = buyer.url
        except Exception:
            _failed(buyer, f"inbox-buyer-failed-{tag}")
            raise
        finally:
            context.close()
        context, owner = _open(browser, live_server, lang, device, OWNER)
        try:
            owner.goto(live_server + "/my")
            before = _badge(owner)
            assert before >= 1, "the proposal shows in the header badge"
            assert_readable(owner, f"inbox-my-{tag}")
            owner.click("#nav-notifications")
            owner.wait_for_selector("#notification-list")
            assert_readable(owner, f"inbox-list-{tag}")
            owner.locator("#notification-list a", has_text=f"Bracket kotak {tag}").first.click()
            owner.wait_for_url(proposal_url)
            assert f"Bracket kotak {tag}" in owner.inner_text("main")
            assert_readable(owner, f"inbox-proposal-{tag}")
            assert _badge(owner) == before - 1, "reading the notification lowers the count"
            screenshot(owner, f"journey-inbox-{tag}")
        except Exception:
            _failed(owner, f"inbox-owner-failed-{tag}")
            raise
        finally:
            context.close()


EXPECTED = {  # typed: how the form shows the amount to type over (English: plain, as "1,500" would read 1.5)
    "id": {
        "amount": "Rp300.000.000",
        "typed": "300.000.000",
        "lat": "-6,84010",
        "field": "Tenaga kerja",
        "cert": "Halal",
    },
    "en": {"amount": "Rp300,000,000", "typed": "300000000", "lat": "-6.84010", "field": "Workers", "cert": "Halal"},
}


def test_the_owner_edits_the_firm(live_server: str, browser, db_url: str) -> None:
    firms = _people(db_url)
    for lang in ("id", "en"):
        for device in WIDTHS:
            tag = f"{lang}-{device}"
            want = EXPECTED[lang]
            context, page = _open(browser, live_server, lang, device, OWNER)
            try:
                page.goto(f"{live_server}/firms/{firms.owned}/edit")
                assert_readable(page, f"firm-edit-{tag}")
                # a bad input: refused on the same page, naming the field, the typed values kept
                page.fill("input[name=workers]", "dua belas")
                page.fill("input[name=investment]", "300.000.000")
                page.click("#edit-submit")
                page.wait_for_selector("#edit-error")
                assert want["field"] in page.inner_text("#edit-error")
                assert page.input_value("input[name=investment]") == "300.000.000"
                assert_readable(page, f"firm-edit-error-{tag}")
                # certificates, location and the amount as Indonesians type it
                page.fill("input[name=workers]", "12")
                halal = page.locator("#edit-certificates label", has_text=want["cert"]).locator("input")
                halal.check()
                page.fill("input[name=desa]", "Desa Uji")
                page.fill("input[name=latitude]", "-6,8401" if lang == "id" else "-6.8401")
                page.fill("input[name=longitude]", "110,6683" if lang == "id" else "110.6683")
                page.click("#edit-submit")
                page.wait_for_url(re.compile(rf"/firms/{re.escape(firms.owned)}\?saved=1"))
                body = page.inner_text("main")
                assert want["amount"] in body and want["lat"] in body and want["cert"] in body
                assert_readable(page, f"firm-saved-{tag}")
                # the form shows the saved amount as the reader writes it, and saving it again keeps it
                page.goto(f"{live_server}/firms/{firms.owned}/edit")
                shown = page.input_value("input[name=investment]")
                assert shown == want["typed"], shown
                page.click("#edit-submit")
                page.wait_for_url(re.compile(rf"/firms/{re.escape(firms.owned)}\?saved=1"))
                assert want["amount"] in page.inner_text("main")
                screenshot(page, f"journey-firm-edit-{tag}")
            except Exception:
                _failed(page, f"firm-edit-failed-{tag}")
                raise
            finally:
                context.close()
