"""The analyst's journey in Chromium (issue #22, words and numbers): statistics, clusters, province pages,
quality issues, sectors, markets and the ecosystem map, in Indonesian and English at 1280 px and 375 px.

On every page: no raw codes or untranslated keys, no card or table wider than its box, no figure broken
across lines; figures, chart axes and tooltips written as the page's readers write numbers."""

from __future__ import annotations

import re

import pytest

from jejaring.core.db import build_engine, session_scope
from jejaring.insights import service
from tests.browser.conftest import ARTIFACTS, combos, run_cli, screenshot
from tests.browser.test_journeys import PASSWORD, _signed_in, assert_readable
from tests.insights.factory import fix_sequences, insert_rows, make_rows

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
# a whole figure: 1.250.000 in Indonesian, 1,250,000 in English
FIGURE = {"id": re.compile(r"^\d{1,3}(?:\.\d{3})*$"), "en": re.compile(r"^\d{1,3}(?:,\d{3})*$")}
SHARE = {"id": re.compile(r"^\d{1,3},\d%$"), "en": re.compile(r"^\d{1,3}\.\d%$")}

# boxes whose content must fit (tables scroll inside .table-scroll; the box itself never overflows)
BOXES_FIT = """() => [...document.querySelectorAll('.card, .chart-card, .insights-table, .meter, .grid-2 > *')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.id || e.className) + ' ' + e.scrollWidth + '>' + e.clientWidth)"""
# figures laid out on more than one line
BROKEN_FIGURES = """() => [...document.querySelectorAll('.card-value, td.num, .meter .card-share')].filter(e => {
    const r = document.createRange(); r.selectNodeContents(e);
    return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size > 1;
  }).map(e => e.textContent.trim())"""


@pytest.fixture
def seeded_db(db_url: str) -> str:
    """4,000 generated firms with their rollups, so every statistics page has figures in the thousands."""
    engine = build_engine(db_url)
    with session_scope(engine) as session:
        insert_rows(session, make_rows(4000, seed=11, n_sentra=60))
        fix_sequences(session)
    with session_scope(engine) as session:
        service.refresh_rollups(session)
    engine.dispose()
    return db_url


def _check_layout(page, where: str) -> None:
    assert_readable(page, where)
    over = page.evaluate(BOXES_FIT)
    broken = page.evaluate(BROKEN_FIGURES)
    if over or broken:
        screenshot(page, f"analyst-layout-{where}")
    assert not over, f"{where}: boxes wider than their content box: {over[:5]}"
    assert not broken, f"{where}: figures broken across lines: {broken[:5]}"


def _chart_formats(page, chart_id: str) -> dict[str, str]:
    """What a chart's value axis and tooltip print for 1,250,000 and 1,234,567 (ECharts' own formatters)."""
    formats: dict[str, str] = page.evaluate(
        """(id) => {
            const o = echarts.getInstanceByDom(document.getElementById(id)).getOption();
            const axes = [].concat(o.yAxis || [], o.xAxis || []);
            const axis = axes.find(a => a.type === 'value' && a.axisLabel && a.axisLabel.formatter);
            return {axis: axis.axisLabel.formatter(1250000), tooltip: o.tooltip[0].valueFormatter(1234567)};
        }""",
        chart_id,
    )
    return formats


def _journey(browser, base: str, lang: str, device: str, email: str) -> None:
    context, page = _signed_in(browser, base, lang, "desktop", email)
    page.set_viewport_size(WIDTHS[device])
    tag = f"{lang}-{device}"
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(base + "/insights")
        page.wait_for_selector("#insights-map[data-rendered=true]")
        _check_layout(page, f"dashboard-{tag}")
        value = page.locator("#fig-ikm_units .card-value").inner_text().strip()
        assert FIGURE[lang].match(value) and int(re.sub(r"\D", "", value)) >= 1000, value
        formats = _chart_formats(page, "chart-timeseries")
        assert formats == (
            {"axis": "1.250.000", "tooltip": "1.234.567"}
            if lang == "id"
            else {"axis": "1,250,000", "tooltip": "1,234,567"}
        )
        assert _chart_formats(page, "chart-divisions")["axis"] == formats["axis"]

        page.goto(base + "/insights/clusters")
        page.wait_for_selector("#chart-lq canvas")
        _check_layout(page, f"clusters-{tag}")
        assert page.locator("#table-lq .table-note").inner_text().strip()
        assert page.locator("#table-specialisation .table-note").inner_text().strip()
        tip = page.evaluate(
            """() => {
                const o = echarts.getInstanceByDom(document.getElementById('chart-lq')).getOption();
                return o.tooltip[0].formatter({value: [0, 0, 1.25, 1234]});
            }"""
        )
        lq, units = ("1,25", "1.234") if lang == "id" else ("1.25", "1,234")
        assert lq in tip and units in tip and "KBLI" in tip, tip

        page.goto(base + "/insights/provinces")
        _check_layout(page, f"provinces-{tag}")
        page.locator("#table-completeness tbody a").first.click()
        page.wait_for_url(re.compile(r"/insights/provinces/\d{2}"))
        _check_layout(page, f"province-{tag}")
        shares = [s.inner_text().strip() for s in page.locator(".meter .card-share").all()]
        assert shares and all(SHARE[lang].match(s) for s in shares), shares
        link = page.locator("#table-quality tbody a").first
        count = int(re.sub(r"\D", "", link.inner_text()))
        link.click()
        page.wait_for_url(re.compile(r"/insights/issues/"))
        _check_layout(page, f"issue-{tag}")
        rows = page.locator("#table-issue-firms tbody tr").count()
        assert rows == min(count, 25) or (count > 25 and page.locator(".pager").count() == 1), (rows, count)

        for path, ready in (("/insights/sectors", "table"), ("/markets", "#markets-map"), ("/ecosystem", "main")):
            page.goto(base + path)
            page.wait_for_selector(ready)
            _check_layout(page, f"{path.strip('/').replace('/', '-')}-{tag}")
        screenshot(page, f"journey-analyst-{tag}")
        assert errors == [], errors
    except Exception:
        screenshot(page, f"journey-analyst-failed-{tag}")
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"journey-analyst-failed-{tag}.html").write_text(page.content())
        raise
    finally:
        context.close()


def test_analyst_journey_in_both_languages_at_desktop_and_phone_width(
    seeded_db: str, live_server: str, browser
) -> None:
    email = "analis-jelajah@uji.example"
    run_cli(seeded_db, "users", "create", email, "--name", "Analis Jelajah", "--role", "analis", "--password", PASSWORD)
    for lang, device in combos(seeded_db):
        _journey(browser, live_server, lang, device, email)
