"""The insights dashboard in Chromium: map and charts render, a province click filters, language switch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jejaring.core.db import build_engine, session_scope
from jejaring.insights import service
from tests.browser.conftest import screenshot
from tests.insights.factory import fix_sequences, insert_rows, make_rows

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded_db(db_url: str) -> str:
    """The fresh database filled with 4,000 generated firms and refreshed rollups (before the server starts)."""
    engine = build_engine(db_url)
    with session_scope(engine) as session:
        insert_rows(session, make_rows(4000, seed=5, n_sentra=60))
        fix_sequences(session)
    with session_scope(engine) as session:
        service.refresh_rollups(session)
    engine.dispose()
    return db_url


def test_dashboard_map_charts_province_click_and_language(seeded_db: str, live_server: str, page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server + "/insights")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statistik IKM")
    expect(page.locator("#insights-map")).to_have_attribute("data-rendered", "true", timeout=60_000)
    for chart in ("#insights-map", "#chart-timeseries", "#chart-sizes", "#chart-divisions"):
        expect(page.locator(f"{chart} canvas").first).to_be_visible()
    expect(page.locator(".badge")).to_have_text("batas indikatif")
    national = page.locator("#fig-ikm_units .card-value").inner_text()
    page.wait_for_timeout(600)  # let the map's entry animation settle before the screenshot
    backend = "pg" if seeded_db.startswith("postgresql") else "sqlite"
    screenshot(page, f"insights-dashboard-id-{backend}")

    # click Jawa Tengah on the map: find its pixel through ECharts' own projection
    page.locator("#insights-map").scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('insights-map'));
            const p = chart.convertToPixel({seriesIndex: 0}, [110.2, -7.25]);
            const box = document.getElementById('insights-map').getBoundingClientRect();
            return {x: box.left + p[0], y: box.top + p[1]};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    expect(page).to_have_url(re.compile(r"province=33"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jawa Tengah")
    expect(page.locator("#table-regency")).to_be_visible()
    assert page.locator("#fig-ikm_units .card-value").inner_text() != national
    expect(page.locator("#scope-province")).to_have_value("33")

    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("IKM statistics")
    expect(page).to_have_url(re.compile(r"province=33"))
    expect(page.locator(".badge")).to_have_text("indicative boundaries")
    expect(page.locator("#insights-map")).to_have_attribute("data-rendered", "true", timeout=60_000)
    page.wait_for_timeout(600)
    screenshot(page, f"insights-dashboard-en-province-{backend}")

    page.goto(live_server + "/insights/clusters")
    expect(page.locator("#chart-lq canvas").first).to_be_visible()
    expect(page.locator("#chart-strength canvas").first).to_be_visible()
    screenshot(page, f"insights-clusters-{backend}")
    assert errors == []


HOSTILE = 'Sentra <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture
def hostile_db(db_url: str) -> str:
    """Generated firms with one sentra renamed to an HTML payload (as an upload's Nama Sentra could carry it)."""
    from sqlalchemy import text

    engine = build_engine(db_url)
    with session_scope(engine) as session:
        insert_rows(session, make_rows(1500, seed=7, n_sentra=12))
        fix_sequences(session)
        # the largest sentra: its point on the strength chart stands alone (small ones overlap near LQ 0)
        biggest = "SELECT sentra_id FROM sentra_membership GROUP BY sentra_id ORDER BY count(*) DESC, sentra_id LIMIT 1"
        session.execute(text(f"UPDATE sentra SET name = :n WHERE id = ({biggest})"), {"n": HOSTILE})
    with session_scope(engine) as session:
        service.refresh_rollups(session)
    engine.dispose()
    return db_url


def test_hostile_sentra_name_in_chart_tooltip_runs_no_script(hostile_db: str, live_server: str, page) -> None:
    response = page.goto(live_server + "/insights/clusters")
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    expect(page.locator("#chart-strength canvas").first).to_be_visible()
    page.locator("#chart-strength").scroll_into_view_if_needed()
    # the tooltip of the hostile point, opened by ECharts itself (a mouse hover misses while the chart animates)
    shown = page.evaluate(
        """(name) => {
            const chart = echarts.getInstanceByDom(document.getElementById('chart-strength'));
            const i = chart.getOption().series[0].data.findIndex((d) => d.name === name);
            if (i < 0) return false;
            chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i});
            return true;
        }""",
        HOSTILE,
    )
    assert shown, "the hostile sentra is not on the strength chart"
    tooltip = page.locator("#chart-strength div", has_text="onerror")
    expect(tooltip.last).to_be_visible()
    assert "<img src=x" in tooltip.last.inner_text()  # shown as text, not parsed as a tag
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#chart-strength img").count() == 0
