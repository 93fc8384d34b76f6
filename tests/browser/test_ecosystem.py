"""In Chromium against a real `jejaring serve` (hand-made demo data): a sentra's ecosystem page shows a gap,
and "Cari pemasok" opens the partner search pre-filled, with ranked suppliers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_sentra_gap_to_ranked_suppliers(live_server: str, page) -> None:
    page.goto(live_server + "/sentra?q=Kauman")
    page.get_by_role("link", name="Sentra Batik Kauman Pekalongan").first.click()
    page.locator("#sentra-ecosystem").click()
    expect(page).to_have_url(re.compile(r"/ecosystem/sentra/S-"))
    expect(page.locator("#eco-title")).to_contain_text("Sentra Batik Kauman Pekalongan")
    # the batik sentra's main input (cloth, KBLI 13) has no registered supplier of that division within 200 km
    gap = page.locator("#gap-table tr.gap-pemasok_hilang").first
    expect(gap).to_contain_text("Pemasok tidak ada")
    expect(gap).to_contain_text("Industri Tekstil")
    screenshot(page, "ecosystem-sentra")
    gap.locator("a.action-pemasok").click()
    expect(page).to_have_url(re.compile(r"/match\?.*roles=pemasok_bahan_baku"))
    expect(page.locator("#need-text")).to_have_value(re.compile("bahan baku"))
    results = page.locator("li.match-result")
    expect(results.first).to_be_visible()
    expect(results.first).to_contain_text("Toko Bahan Batik Lancar")
    screenshot(page, "ecosystem-cari-pemasok")
