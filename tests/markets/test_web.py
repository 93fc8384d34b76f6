"""Markets pages, panels, exports and API on SQLite and PostgreSQL (TestClient, HTML parsed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from jejaring.core.config import Settings
from jejaring.registry.models import Product
from jejaring.registry.schemas import FirmCreate
from jejaring.web.app import create_app


@pytest.fixture
def firm_id(session: Session) -> str:
    from jejaring.registry import service as registry_service

    firm = registry_service.create_firm(
        session,
        data=FirmCreate.model_validate(
            {"name": "Mebel Rotan Uji", "regency_code": "33.20", "kbli_code": "31009", "products": "kursi rotan"}
        ),
    )
    session.add(Product(firm_id=firm.id, kbli_code="31009", hs_codes="940383", description="kursi rotan"))
    session.commit()
    return firm.public_id


@pytest.fixture
def client(settings: Settings, world_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"data_dir": world_dir}))) as c:
        yield c


def test_page_panel_and_api(client: TestClient, firm_id: str) -> None:
    page = client.get(f"/markets?firm={firm_id}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert "SINTETIS" in soup.select_one("#markets-synthetic").text
    rows = soup.select("#markets-best tbody tr")
    assert rows and any(
        "Japan" in r.text for r in rows[:5]
    )  # the planted rattan market  # the planted fast-growing market for rattan furniture
    assert soup.select("#markets-nearby tbody tr")
    assert soup.select_one("#markets-formulas") and "HHI" in soup.select_one("#markets-formulas").text
    assert soup.select_one("#markets-data")
    panel = client.get(f"/markets/panel/firm/{firm_id}", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "markets-best" in panel.text and "<html" not in panel.text
    detail = client.get(f"/firms/{firm_id}")
    assert f"/markets/panel/firm/{firm_id}" in detail.text
    api = client.get(f"/api/v1/markets/recommendations/firm/{firm_id}?lang=en").json()
    assert api["synthetic"] and api["markets"][0]["market"] == "JPN"
    assert client.get("/api/v1/markets/status").json()["synthetic"] is True
    world = client.get("/api/v1/markets/world").json()["markets"]
    assert world and world[0]["unrealised"] >= world[-1]["unrealised"]
    geo = client.get("/markets/world.geojson").json()
    assert len(geo["features"]) > 150 and any(f["id"] == "360" for f in geo["features"])
    assert client.get("/api/v1/markets/recommendations/firm/F-XXXXXXXX-X").status_code == 404


def test_exports_parse_back(client: TestClient, firm_id: str) -> None:
    got = client.get(f"/markets/export.csv?table=markets&firm={firm_id}")
    assert got.status_code == 200 and "SINTETIS" in got.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["market", "market_name", "hs6"] and rows[1][0] == "JPN"
    x = client.get(f"/markets/export.xlsx?table=products&firm={firm_id}")
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws is not None and ws.cell(5, 1).value == "hs6" and ws.max_row > 5  # below the header block
    assert ws.cell(2, 1).value == "Sumber" and "SINTETIS" in str(ws.cell(2, 2).value)
    assert ws.cell(6, 4).data_type == "n"  # density: a number
    id_csv = client.get(f"/markets/export.csv?table=products&firm={firm_id}&dialect=excel-id")
    id_rows = list(csv.reader(io.StringIO(id_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert id_rows[0][:3] == ["hs6", "product", "near_to"] and "excel-id" in id_csv.headers["content-disposition"]
    assert any("," in c and "." not in c for c in id_rows[1][3:8])  # decimal commas
    province = client.get("/markets/export.csv?table=leading&province=33")
    assert province.status_code == 200


def test_without_trade_data_the_page_says_how_to_get_it(settings: Settings) -> None:
    with TestClient(create_app(settings)) as c:
        page = c.get("/markets")
        assert page.status_code == 200 and "jejaring markets synth" in page.text
        assert c.get("/api/v1/markets/status").status_code == 404


def test_officer_corrects_hs_through_the_page_and_api(client: TestClient, session: Session, firm_id: str) -> None:
    from tests.accounts.helpers import create_token, create_user, login

    officer = create_user(session, role="petugas_dinas", province="33")
    elsewhere = create_user(session, role="petugas_dinas", province="32")
    session.commit()
    anonymous = client.get(f"/markets?firm={firm_id}")
    assert "markets-correct" not in anonymous.text
    csrf = login(client, officer.email)
    page = client.get(f"/markets?firm={firm_id}&suggest=kursi rotan")
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("#markets-correct") and soup.select("#markets-suggestions tbody tr")
    saved = client.post(
        f"/markets/firm/{firm_id}/hs", data={"hs6": "940161", "csrf_token": csrf}, follow_redirects=False
    )
    assert saved.status_code == 303
    after = BeautifulSoup(client.get(f"/markets?firm={firm_id}").text, "html.parser")
    assert "940161" in after.select_one("#markets-products").text
    bad = client.post(f"/markets/firm/{firm_id}/hs", data={"hs6": "999999", "csrf_token": csrf}, follow_redirects=False)
    assert bad.status_code == 303 and "error=markets.error.unknown_hs" in bad.headers["location"]
    token = create_token(session, user=elsewhere, scopes=["read", "write"])
    session.commit()
    refused = client.post(
        f"/api/v1/markets/firms/{firm_id}/hs", json={"hs6": "940383"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 403


def test_sentra_panel(client: TestClient, session: Session, firm_id: str) -> None:
    from jejaring.registry import service as registry_service
    from jejaring.registry.schemas import SentraCreate

    sentra = registry_service.create_sentra(
        session, data=SentraCreate(name="Sentra Rotan Panel", regency_code="33.20", kbli_code="31009")
    )
    registry_service.add_sentra_member(
        session, sentra=sentra, firm=registry_service.get_firm(session, public_id=firm_id)
    )
    session.commit()
    detail = client.get(f"/sentra/{sentra.public_id}")
    assert f"/markets/panel/sentra/{sentra.public_id}" in detail.text
    panel = BeautifulSoup(client.get(f"/markets/panel/sentra/{sentra.public_id}").text, "html.parser")
    rows = panel.select("#markets-best tbody tr")
    assert rows and any("Japan" in r.text for r in rows[:5])  # the planted rattan market
    assert client.get("/markets/panel/province/33").status_code == 404
