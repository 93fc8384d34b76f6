"""A buyer's partnership journey in Chromium, in Indonesian and English, at desktop and phone width: propose
(directly, or one partnership to a whole consortium), the agreement drafted from the registry, every party
signs, an order, a delivery with its BAST scan attached, an invoice with its scan, a payment; every page is
checked for raw codes, untranslated message keys and horizontal overflow."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from jejaring.core.db import build_engine, session_scope
from jejaring.registry.models import Firm
from tests.browser.conftest import ARTIFACTS, add_owners, combos, demo_buyer_and_ikm, screenshot, signed_in
from tests.browser.test_journeys import PASSWORD, VIEWPORTS, assert_readable

pytestmark = pytest.mark.browser
BAST_PDF = b"%PDF-1.4\n% BAST scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INVOICE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 128
STATUS = {  # what the status tag reads, per language
    "id": {"usulan": "Usulan", "negosiasi": "Negosiasi", "disepakati": "Disepakati", "aktif": "Aktif"},
    "en": {"usulan": "Proposed", "negosiasi": "Negotiating", "disepakati": "Agreed", "aktif": "Active"},
}


@dataclass
class Cast:
    ikm: str
    member: str


def _people(db_url: str) -> Cast:
    engine = build_engine(db_url)
    with session_scope(engine) as session:
        big, ikm = demo_buyer_and_ikm(session)
        other = session.scalar(select(Firm).where(Firm.size_class == "kecil", Firm.id.not_in([big.id, ikm.id])))
        assert other is not None
        owners = (("pembeli.j@uji.example", big), ("ikm.j@uji.example", ikm), ("anggota.j@uji.example", other))
        add_owners(session, ((email, f"Ibu {email.split('.')[0].title()}", firm) for email, firm in owners), PASSWORD)
        cast = Cast(ikm=ikm.public_id, member=other.public_id)
    engine.dispose()
    return cast


def _open(browser, base: str, lang: str, device: str, email: str):
    return signed_in(browser, base, email, PASSWORD, lang=lang, viewport=VIEWPORTS[device])


def _status(page, lang: str, state: str) -> None:
    page.wait_for_selector(f"#partnership-status:text-is('{STATUS[lang][state]}')")


def _form(page, action_end: str):
    """The form posting to ``…action_end``, its <details> opened."""
    form = page.locator(f"form[action$='{action_end}']").first
    details = page.locator(f"details:has(form[action$='{action_end}'])").first
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").first.click()
    return form


def _sign(page, lang: str) -> None:
    page.click("#sign")
    page.wait_for_selector("#partnership-status")
    assert page.locator("#sign").count() == 0  # not offered twice


def _journey(browser, base: str, cast: Cast, lang: str, device: str, consortium: bool) -> None:
    tag = f"{lang}-{device}-{'konsorsium' if consortium else 'langsung'}"
    opened = []

    def who(email: str):
        context, page = _open(browser, base, lang, device, email)
        opened.append((context, page))
        return page

    buyer = who("pembeli.j@uji.example")
    try:
        if consortium:
            buyer.goto(f"{base}/partnerships/consortium/new?member={cast.ikm}|lead|3000"
                       f"&member={cast.member}|member|2000&unit=buah")  # fmt: skip
            assert buyer.locator(".consortium-member").count() == 2
            assert_readable(buyer, f"consortium-form-{tag}")
            buyer.select_option("select[name=pattern]", "subkontrak")
            buyer.fill("input[name=title]", f"Bracket 5.000 buah {tag}")
            buyer.click("#consortium-submit")
        else:
            buyer.goto(f"{base}/partnerships/new?partner={cast.ikm}")
            assert_readable(buyer, f"proposal-form-{tag}")
            buyer.select_option("select[name=pattern]", "subkontrak")
            buyer.fill("input[name=title]", f"Bracket {tag}")
            buyer.click("#proposal-form button[type=submit]")
        _status(buyer, lang, "usulan")
        url = buyer.url
        assert re.search(r"/partnerships/K-", url)
        assert buyer.locator("#to-negosiasi").count() == 0  # the recipient's move is not offered to the proposer
        assert_readable(buyer, f"proposed-{tag}")

        lead = who("ikm.j@uji.example")
        lead.goto(url)
        lead.click("#edit-agreement")
        assert "PT Astra Komponen Nusantara" in lead.input_value("textarea[name=identity_larger]")  # pre-filled
        assert_readable(lead, f"agreement-form-{tag}")
        lead.fill("input[name=start_date]", "2026-12-01")
        for box in lead.locator("input[name=checklist]").all():
            box.check()
        lead.check("input[name=independence_declared]")
        lead.click("#save-agreement")
        _status(lead, lang, "negosiasi")
        _sign(lead, lang)
        buyer.goto(url)
        _sign(buyer, lang)
        if consortium:
            _status(buyer, lang, "negosiasi")  # the member has not signed yet
            member = who("anggota.j@uji.example")
            member.goto(url)
            assert member.locator("#edit-agreement").count() == 0 and member.locator("[id^=to-]").count() == 0
            assert_readable(member, f"member-{tag}")
            _sign(member, lang)
            assert member.locator("#signatures .signature-done").count() == 3
        buyer.goto(url)
        _status(buyer, lang, "disepakati")
        buyer.click("#to-aktif")
        _status(buyer, lang, "aktif")

        order = _form(buyer, "/orders")
        order.locator("input[name=number]").fill("PO-1")
        order.locator("input[name=issued_on]").fill("2026-12-02")
        order.locator("input[name=description]").fill("Bracket knalpot")
        order.locator("input[name=quantity]").fill("100")
        order.locator("input[name=unit]").fill("buah")
        order.locator("input[name=unit_price]").fill("25000")
        order.locator("button[type=submit]").click()
        buyer.wait_for_selector("article[id^=order-]")
        assert ("Rp2.500.000" if lang == "id" else "Rp2,500,000") in buyer.inner_text("#orders")

        lead.goto(url)
        delivery = _form(lead, "/deliveries")
        delivery.locator("input[name=delivered_on]").fill("2026-12-03")
        delivery.locator("input[name=quantity]").fill("120")  # more than ordered: explained, input kept
        delivery.locator("input[name=bast_number]").fill("BAST-001")
        delivery.locator("input[name=received_by]").fill("Gudang Bekasi")
        delivery.locator("input[name=attachment]").set_input_files(
            {"name": "bast-001.pdf", "mimeType": "application/pdf", "buffer": BAST_PDF}
        )
        delivery.locator("button[type=submit]").click()
        lead.wait_for_selector("#action-error")
        assert lead.locator(".kept-file").count() == 1  # the scan is kept; no need to upload again
        assert_readable(lead, f"over-delivery-{tag}")
        delivery = _form(lead, "/deliveries")
        assert delivery.locator("input[name=bast_number]").input_value() == "BAST-001"
        delivery.locator("input[name=quantity]").fill("100")
        delivery.locator("button[type=submit]").click()
        lead.wait_for_selector("a.attachment-link:has-text('bast-001.pdf')")
        href = lead.get_attribute("a.attachment-link:has-text('bast-001.pdf')", "href")
        got = lead.context.request.get(base + str(href))
        assert got.status == 200 and got.body() == BAST_PDF
        invoice = _form(lead, "/invoices")
        invoice.locator("input[name=number]").fill("INV-001")
        invoice.locator("input[name=issued_on]").fill("2026-12-04")
        invoice.locator("input[name=amount]").fill("2500000")
        invoice.locator("input[name=attachment]").set_input_files(
            {"name": "faktur-001.png", "mimeType": "image/png", "buffer": INVOICE_PNG}
        )
        invoice.locator("button[type=submit]").click()
        lead.wait_for_selector("a.attachment-link:has-text('faktur-001.png')")

        buyer.goto(url)
        payment = _form(buyer, "/payments")
        payment.locator("input[name=paid_on]").fill("2026-12-05")
        payment.locator("input[name=amount]").fill("2500000")
        payment.locator("input[name=reference]").fill("TRF-778")
        payment.locator("button[type=submit]").click()
        buyer.wait_for_selector("tr[class^=invoice-lunas]")
        history = buyer.inner_text("#history")
        assert "BAST-001" in history and "INV-001" in history and "pembeli.j@uji.example" in history
        assert "ikm.j@uji.example" in history
        assert_readable(buyer, f"paid-{tag}")
        shown = buyer.inner_text("#agreement")  # the side-by-side clauses: item texts, not codes or booleans
        assert not [c for c in ("sub_spec", "sub_payment", "sub_support", "False", "True") if c in shown]
        screenshot(buyer, f"journey-partnership-{tag}")
        buyer.goto(base + "/notifications")
        buyer.wait_for_selector("#notification-list")
        assert_readable(buyer, f"notifications-{tag}")
        pdf = buyer.context.request.get(url + "/agreement.pdf")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    except Exception:
        for i, (_, page) in enumerate(opened):
            screenshot(page, f"journey-partnership-failed-{tag}-{i}")
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / f"journey-partnership-failed-{tag}-{i}.html").write_text(page.content())
        raise
    finally:
        for context, _ in opened:
            context.close()


def test_partnership_journey_in_both_languages_at_desktop_and_phone_width(
    live_server: str, browser, db_url: str
) -> None:
    cast = _people(db_url)
    for (lang, device), consortium in zip(combos(db_url), (True, False), strict=True):
        _journey(browser, live_server, cast, lang, device, consortium)
