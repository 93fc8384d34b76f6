"""Insights pages, JSON API, CSV/XLSX exports and `jejaring stats`, through the real app and CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jejaring.cli import app as cli_app
from jejaring.core.config import Settings
from jejaring.core.i18n import translate
from jejaring.insights import export, service, tables
from jejaring.registry.models import Sentra
from jejaring.web.app import create_app
from tests.insights import expected
from tests.insights.factory import Rows

runner = CliRunner()


@pytest.fixture
def client(settings: Settings, seeded: Rows) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _num(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def test_api_stats_and_tables(client: TestClient, seeded: Rows) -> None:
    want = expected.stats(seeded)
    assert client.get("/api/v1/stats").json() == json.loads(json.dumps(want))
    names = client.get("/api/v1/insights/tables").json()["tables"]
    assert {"headline", "province", "lq", "sentra_strength", "completeness", "quality", "sector_mapping"} <= set(names)
    for name in names:
        r = client.get(f"/api/v1/insights/tables/{name}", params={"level": "regency", "measure": "workers"})
        assert r.status_code == 200, (name, r.text)
        body = r.json()
        assert body["columns"] and all(c["label"] for c in body["columns"])
    prov = client.get("/api/v1/insights/tables/province").json()["rows"]
    assert {r["code"]: r["ikm_units"] for r in prov} == {k: v["units"] for k, v in want["by_province"].items()}
    head = client.get("/api/v1/insights/headline", params={"province": "33", "year": "2024"}).json()
    firms = expected.industry_firms(seeded, year=2024, province="33")
    assert head["industry_units"] == len(firms)
    assert head["scope"] == {"year": 2024, "province": "33"}
    bad = client.get("/api/v1/insights/headline", params={"province": "3X"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "province"
    assert client.get("/api/v1/insights/tables/nope").status_code == 404
    mp = client.get("/api/v1/insights/map").json()
    assert sum(p["units"] for p in mp["provinces"]) == want["ikm_units"]
    assert all(-12 < r["lat"] < 7 and 94 < r["lon"] < 142 for r in mp["regencies"])


def test_refresh_endpoint_needs_authentication(client: TestClient) -> None:
    assert client.post("/api/v1/insights/refresh").status_code in (401, 403)


def test_dashboard_headline_links_and_province_filter(client: TestClient, seeded: Rows) -> None:
    want = expected.stats(seeded)
    page = client.get("/insights")
    assert page.status_code == 200
    doc = soup(page)
    card = doc.select_one("#fig-ikm_units")
    assert card is not None and _num(card.select_one(".card-value").text) == want["ikm_units"]
    assert card["href"].startswith("/firms?") and "role=ikm" in card["href"]
    assert "2022" in card.select_one(".card-source").text and "2024" in card.select_one(".card-source").text
    assert _num(doc.select_one("#fig-sentra .card-value").text) == want["sentra"]
    # the card's link leads to exactly the records behind the figure
    firms = client.get(card["href"])
    assert f"{want['ikm_units']:,}".replace(",", ".") in firms.text
    sector_link = next(a["href"] for a in doc.select("a.sector-card") if "sector=fesyen" in a["href"])
    n_fashion = round(want["sector_shares"]["fesyen"] * want["ikm_units"])
    assert f"{n_fashion:,}".replace(",", ".") in client.get(sector_link).text
    assert doc.select_one("#insights-map") is not None and "batas indikatif" in page.text
    assert doc.select_one("#table-province") is not None
    data = json.loads(doc.select_one("#insights-data").text)
    assert data["geojson"].endswith("provinces.geojson")
    # province filter by URL: regency table replaces the province table, figures are the province's
    filtered = soup(client.get("/insights", params={"province": "35"}))
    assert filtered.select_one("#table-regency") is not None and filtered.select_one("#table-province") is None
    assert _num(filtered.select_one("#fig-ikm_units .card-value").text) == want["by_province"]["35"]["units"]
    assert "Jawa Timur" in filtered.select_one("h1").text
    en = client.get("/insights", params={"lang": "en"})
    assert "IKM statistics" in en.text and "indicative boundaries" in en.text


def test_other_pages(client: TestClient) -> None:
    for url in (
        "/insights/clusters",
        "/insights/clusters?level=regency&measure=workers&province=33",
        "/insights/provinces",
        "/insights/provinces/33?year=2023",
        "/insights/sectors",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "Traceback" not in r.text
    sectors = client.get("/insights/sectors").text
    assert "13134" in sectors and "Fesyen" in sectors
    bad = client.get("/insights", params={"year": "dua ribu"})
    assert bad.status_code == 422 and "year" in bad.text
    assert client.get("/insights/provinces/99").status_code == 404
    geo = client.get("/static/insights/provinces.geojson").json()
    assert len(geo["features"]) == 38


def test_csv_and_xlsx_exports_parse_back(client: TestClient, session: Session, settings: Settings) -> None:
    for name in ("province", "kbli_group", "lq", "sentra_strength", "completeness", "headline"):
        r = client.get(f"/insights/export/{name}.csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        built = tables.build(session, name, tables.Params(), "id")
        assert rows[0] == built.header("id")
        assert len(rows) - 1 == len(built.rows)
        x = client.get(f"/insights/export/{name}.xlsx")
        ws = load_workbook(io.BytesIO(x.content)).active
        assert ws is not None
        values = list(ws.iter_rows(values_only=True))
        assert values[0][:2] == ("Tabel", translate(built.title, "id")) and values[1][0] == "Sumber"
        assert values[2] == ("Tahun acuan", "semua tahun (data terbaru tiap usaha)") + (None,) * (len(values[2]) - 2)
        assert list(values[4]) == built.header("id")  # the header block, a blank line, then the table
        for got, row in zip(values[5:], built.values(), strict=True):
            for g, w in zip(got, row, strict=True):
                if isinstance(w, float):
                    assert g == pytest.approx(w)
                else:
                    assert g == (None if w == "" else w)  # text as it is: formulas are kept off by quote prefix


def test_exports_neutralise_formulas(client: TestClient, session: Session) -> None:
    session.execute(update(Sentra).where(Sentra.name == "Sentra Uji 0").values(name='=HYPERLINK("http://x","y")'))
    session.execute(update(Sentra).where(Sentra.name == "Sentra Uji 1").values(name="@SUM(A1)"))
    session.commit()
    text = client.get("/insights/export/sentra_strength.csv").content.decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert '\'=HYPERLINK("http://x","y")' in names and "'@SUM(A1)" in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)
    ws = load_workbook(io.BytesIO(client.get("/insights/export/sentra_strength.xlsx").content)).active
    assert ws is not None
    cells = {c.value: c for c in ws["A"][5:]}
    assert cells["@SUM(A1)"].quotePrefix and cells['=HYPERLINK("http://x","y")'].quotePrefix
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert export.neutralise("-5") == "'-5" and export.neutralise(-5) == -5


def test_cli_stats_json_and_refresh(env_db: str, seeded: Rows) -> None:
    result = runner.invoke(cli_app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(expected.stats(seeded)))
    result = runner.invoke(cli_app, ["stats", "refresh"])
    assert result.exit_code == 0, result.output
    assert "refreshed" in result.output
    plain = runner.invoke(cli_app, ["stats"])
    assert plain.exit_code == 0 and "Sentra" in plain.output


def test_service_refresh_after_rows_change(session: Session, seeded: Rows) -> None:
    before = service.stats(session)["sentra"]
    session.execute(update(Sentra).where(Sentra.name == "Sentra Uji 2").values(reference_year=1999))
    session.commit()
    assert service.stats(session)["sentra"] == before  # sentra are counted live from the small table


def test_demo_registry_builds_its_rollups_on_first_visit(settings: Settings) -> None:
    from sqlalchemy import func, select

    from jejaring.core.db import build_engine, session_scope
    from jejaring.registry import demo
    from jejaring.registry.models import Firm, FirmRole

    engine = build_engine(settings.database_url)
    with session_scope(engine) as s:
        demo.load_demo_if_empty(s)
        ikm = s.scalar(
            select(func.count(func.distinct(Firm.id)))
            .join(FirmRole, FirmRole.firm_id == Firm.id)
            .where(Firm.status == "active", FirmRole.role == "ikm")
        )
        sentra = s.scalar(select(func.count()).select_from(Sentra))
    engine.dispose()
    with TestClient(create_app(settings)) as c:
        stats = c.get("/api/v1/stats").json()
        assert stats["ikm_units"] == ikm and stats["sentra"] == sentra
        doc = soup(c.get("/insights"))
        assert _num(doc.select_one("#fig-ikm_units .card-value").text) == ikm


def test_quality_counts_link_to_the_firms_behind_them(client: TestClient, seeded: Rows) -> None:
    code = max(
        {f["province_code"] for f in seeded.firms}, key=lambda c: sum(f["province_code"] == c for f in seeded.firms)
    )
    page = soup(client.get(f"/insights/provinces/{code}"))
    links = page.select("#table-quality tbody a")
    assert links, "no quality count links to its firms"
    for a in links:
        count = int(a.text.replace(".", ""))
        issue_page = client.get(a["href"])
        assert issue_page.status_code == 200
        listed = soup(issue_page)
        assert f"{count:,}".replace(",", ".") in listed.select_one("main").text
        rows = listed.select("#table-issue-firms tbody a")
        assert len(rows) == min(count, 25), a["href"]
        assert all(r["href"].startswith("/firms/F-") for r in rows)
    for cell in page.select("#table-quality tbody tr"):  # a zero is not a link
        value = cell.select("td")[-1]
        assert (value.select_one("a") is None) == (value.text.strip() == "0")
    assert client.get("/insights/issues/no_such_issue").status_code == 404
    lq = soup(client.get("/insights/clusters"))
    assert "10" in lq.select_one("#table-lq .table-note").text
    assert "1,25" in lq.select_one("#table-specialisation .table-note").text
