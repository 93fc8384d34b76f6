"""Issue 23 #6: inputs that made the server answer 5xx in the fuzzing now get a 4xx with a clear message."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.insights import export
from jejaring.insights.tables import Column, Table
from jejaring.web.app import create_app
from tests.accounts.helpers import create_user_with_token

BIG = "99999999999999999999"
ABOVE_INT32 = str(2**31)


@pytest.fixture
def client(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as session:
        token = create_user_with_token(session, role="admin", scopes=["read", "write"])
    engine.dispose()
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", f"/api/v1/sentra?page={BIG}"),
        ("GET", f"/api/v1/sentra?page={ABOVE_INT32}"),
        ("GET", f"/api/v1/firms?page={BIG}"),
        ("GET", f"/firms?page={BIG}"),
        ("GET", f"/sentra?page={BIG}"),
        ("GET", f"/api/v1/intake/jobs/{ABOVE_INT32}"),
        ("GET", f"/api/v1/intake/jobs/{BIG}"),
        ("GET", f"/api/v1/intake/jobs/{ABOVE_INT32}/report"),
        ("POST", f"/api/v1/intake/jobs/{ABOVE_INT32}/cancel"),
        ("POST", f"/api/v1/resolution/candidates/{ABOVE_INT32}/confirm"),
        ("POST", f"/api/v1/resolution/candidates/{BIG}/reject"),
        ("GET", f"/intake/jobs/{ABOVE_INT32}"),
    ],
)
def test_out_of_range_integers_are_4xx(client: tuple[TestClient, dict[str, str]], method: str, url: str) -> None:
    c, headers = client
    r = c.request(method, url, headers=headers)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


def test_huge_prices_and_nul_characters_are_4xx(client: tuple[TestClient, dict[str, str]]) -> None:
    c, headers = client
    r = c.post("/api/v1/needs", json={"title": "Butuh kayu jati 10 m3", "price_min": 1e20}, headers=headers)
    assert r.status_code == 422, r.text
    r = c.post("/api/v1/match", json={"text": "kayu jati", "price_min": 10**20}, headers=headers)
    assert 400 <= r.status_code < 500, r.text
    r = c.post("/api/v1/needs", json={"title": "Butuh kayu\x00 jati 10 m3"}, headers=headers)
    assert r.status_code == 422, r.text
    r = c.post("/api/v1/sentra", json={"name": "Sentra \x00 Nul", "regency_code": "33.20"}, headers=headers)
    assert r.status_code == 422, r.text


def test_a_csv_line_over_the_field_limit_is_a_clear_error(
    client: tuple[TestClient, dict[str, str]], tmp_path: Path
) -> None:
    c, headers = client
    body = "Nama Usaha;Produk\n" + "UD " + "x" * 140_000 + ";roti\n"
    r = c.post("/api/v1/intake/jobs", files={"file": ("panjang.csv", body.encode(), "text/csv")}, headers=headers)
    assert r.status_code < 500, r.text[:300]
    if r.status_code == 202:
        job = c.get(f"/api/v1/intake/jobs/{r.json()['id']}", headers=headers).json()
        assert job["status"] in ("failed", "needs_mapping", "queued", "running", "done"), job


def test_cli_reports_a_long_csv_line_without_a_traceback(env_db: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from jejaring.cli import app

    path = tmp_path / "panjang.csv"
    path.write_text("Nama Usaha;Produk\nUD " + "x" * 140_000 + ";roti\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["intake", str(path), "--json", "--lang", "en"])
    assert result.exit_code in (0, 2), result.output[-500:]
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_xlsx_export_survives_control_characters() -> None:
    table = Table(
        name="uji", title="Uji", columns=[Column("name", "label", "text")], rows=[{"name": "Sentra\x01\x0bUji\x1f"}]
    )
    data = export.to_xlsx(table, "id")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws is not None and ws.cell(row=6, column=1).value == "SentraUji"  # below the header block
