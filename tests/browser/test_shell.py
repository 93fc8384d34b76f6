"""The web shell in a real browser: home → search → firm detail → language switch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_home_search_detail_and_language(live_server: str, page, db_url: str) -> None:
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ekosistem IKM")
    expect(page.locator(".notice")).to_contain_text("sintetis")

    page.get_by_role("searchbox").fill("batik")
    page.get_by_role("button", name="Cari").click()
    expect(page).to_have_url(re.compile(r"/firms\?q=batik"))
    first = page.locator("a.firm-link").first
    expect(first).to_be_visible()
    name = first.inner_text()
    assert "batik" in name.lower() or "batik" in page.locator("tbody tr").first.inner_text().lower()

    # htmx: changing a filter swaps only the results
    page.select_option("select[name=size_class]", "kecil")
    expect(page).to_have_url(re.compile(r"size_class=kecil"))
    expect(page.locator("#firm-count")).to_be_visible()
    first = page.locator("a.firm-link").first
    name = first.inner_text()
    first.click()
    expect(page.locator("#firm-name")).to_have_text(name)
    expect(page.get_by_text("Skala usaha (Permenperin 64/2016)")).to_be_visible()

    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#firm-name")).to_have_text(name)
    expect(page.get_by_text("Size class (Permenperin 64/2016)")).to_be_visible()
    expect(page.get_by_role("link", name="Business directory")).to_be_visible()
    backend = "pg" if db_url.startswith("postgresql") else "sqlite"
    screenshot(page, f"shell-firm-detail-en-{backend}")
