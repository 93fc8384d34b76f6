"""Ecosystem pages, API, exports and CLI through the real app; scoping of link values (both backends)."""

from __future__ import annotations

import csv
import io
import json
import time

import openpyxl
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from jejaring.cli import app
from jejaring.core.db import get_engine, session_scope
from jejaring.ecosystem import arrays
from tests.accounts.helpers import bearer, create_token, create_user
from tests.ecosystem.conftest import build_world


@pytest.fixture
def world(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as s:
        out = build_world(s)
        for role, prov in (("petugas_dinas", "32"), ("petugas_dinas", "33"), ("analis", None)):
            user = create_user(s, role=role, province=prov)
            out[f"{role}.{prov}"] = create_token(s, user=user, scopes=["read"])
        for regency in ("32.73", "32.04"):  # regency officers: Kota Bandung (the sentra's) and Kabupaten Bandung
            user = create_user(s, role="petugas_dinas", province="32", regency=regency, email=f"k{regency}@uji.example")
            out[f"regency.{regency}"] = create_token(s, user=user, scopes=["read"])
        return out


def test_sentra_page_shows_gaps_with_partner_search(client: TestClient, world: dict[str, str]) -> None:
    r = client.get(f"/ecosystem/sentra/{world['b']}")
    assert r.status_code == 200
    page = BeautifulSoup(r.text, "html.parser")
    rows = page.select("#gap-table tbody tr")
    kinds = [row.find("td").get_text(strip=True) for row in rows]
    assert sorted(kinds) == ["Akses pasar", "Ketergantungan satu pemasok"]
    button = page.select_one("#gap-table a.action-pemasok")
    assert button is not None and button.get_text(strip=True) == "Cari pemasok"
    href = button["href"]
    assert href.startswith("/match?") and "roles=pemasok_bahan_baku" in href and "near=32.73" in href
    assert page.select_one("a.action-pembeli") is not None
    assert "Nilai keterkaitan hanya terlihat" in r.text  # the public sees counts, not values
    assert page.select("#link-table th")[-1].get_text(strip=True) == "Mitra"
    assert client.get("/ecosystem/sentra/S-XXXXXXXX-X").status_code == 404
    en = client.get(f"/ecosystem/sentra/{world['b']}?lang=en")
    assert "Find suppliers" in en.text and "Single-source dependency" in en.text


def test_national_summary_and_province_page(client: TestClient, world: dict[str, str]) -> None:
    r = client.get("/api/v1/ecosystem/summary")
    data = r.json()
    assert data["ikm"] == 10 and data["linked"] == 8  # 5 in Pekalongan (3 linked), 3 in Bandung, 2 in Semarang
    assert data["kinds"]["bahan_baku"]["ikm"] == 6 and data["kinds"]["pembiayaan"]["ikm"] == 2
    assert data["kinds"]["pemasaran_perdagangan"]["share"] == pytest.approx(3 / 10)
    page = client.get("/ecosystem")
    assert page.status_code == 200 and "Bagian IKM dengan sedikitnya satu keterkaitan" in page.text
    assert client.get("/ecosystem/provinsi/33").status_code == 200
    assert client.get("/ecosystem/kabupaten/33.75").status_code == 200
    assert client.get("/ecosystem/provinsi/99").status_code == 404
    chooser = client.get("/ecosystem?province=33", follow_redirects=False)  # the place form without JavaScript
    assert chooser.status_code == 303 and chooser.headers["location"] == "/ecosystem/provinsi/33"


def test_link_values_are_scoped(client: TestClient, world: dict[str, str]) -> None:
    url = f"/api/v1/ecosystem/links?sentra={world['b']}"
    public = client.get(url).json()
    assert public["count"] == 6 and not public["values_visible"]
    assert {lk["value_per_year"] for lk in public["links"]} == {None}
    own = client.get(url, headers=bearer(world["petugas_dinas.32"])).json()
    assert own["values_visible"] and {lk["value_per_year"] for lk in own["links"]} == {10**8, 2 * 10**8}
    other = client.get(url, headers=bearer(world["petugas_dinas.33"])).json()
    assert not other["values_visible"] and {lk["value_per_year"] for lk in other["links"]} == {None}
    analyst = client.get(url, headers=bearer(world["analis.None"])).json()
    assert analyst["values_visible"]
    assert client.get(url, headers=bearer(world["regency.32.73"])).json()["values_visible"]
    assert not client.get(url, headers=bearer(world["regency.32.04"])).json()["values_visible"]
    province_page = "/api/v1/ecosystem/links?province=32"
    assert client.get(province_page, headers=bearer(world["petugas_dinas.32"])).json()["values_visible"]
    assert not client.get(province_page, headers=bearer(world["regency.32.73"])).json()["values_visible"]


def test_gap_report_exports(client: TestClient, world: dict[str, str]) -> None:
    anonymous = client.get("/ecosystem/laporan.csv?province=33", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and anonymous.headers["location"].startswith("/login")
    assert (
        client.get("/ecosystem/laporan.csv?province=33", headers=bearer(world["petugas_dinas.32"])).status_code == 403
    )
    r = client.get("/ecosystem/laporan.csv?province=33", headers=bearer(world["petugas_dinas.33"]))
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    api = client.get("/api/v1/ecosystem/gaps?province=33").json()
    assert [(x["kind"], x["place"]) for x in rows] == [(g["kind"], g["place"]) for g in api]
    assert {x["kind"] for x in rows} == {"pemasok_hilang", "purna_jual", "akses_pasar", "mitra_kritis"}
    x = client.get("/ecosystem/laporan.xlsx?province=33", headers=bearer(world["petugas_dinas.33"]))
    sheet = openpyxl.load_workbook(io.BytesIO(x.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:2] == ("Sumber", "Jejaring: keterkaitan usaha yang tercatat di direktori IKM")
    assert values[4][:3] == ("kind", "place", "place_kind") and len(values) == len(rows) + 5
    assert [v[-2] for v in values[5:]] == [row["reason"] for row in rows]
    semi = client.get("/ecosystem/laporan.csv?province=33&dialect=excel-id", headers=bearer(world["petugas_dinas.33"]))
    semi_rows = list(csv.DictReader(io.StringIO(semi.content.decode("utf-8-sig")), delimiter=";"))
    assert [(x["kind"], x["place"], x["reason"]) for x in semi_rows] == [
        (x["kind"], x["place"], x["reason"]) for x in rows
    ]
    assert [x["score"] for x in semi_rows] == [x["score"].replace(".", ",") for x in rows]


def test_firm_panel_shows_single_source_risks(client: TestClient, world: dict[str, str]) -> None:
    r = client.get(f"/firms/{world['konveksi']}/ecosystem")
    assert r.status_code == 200
    assert "semua keterkaitan Bahan baku lewat Kain Bandung" in r.text
    firm_page = client.get(f"/firms/{world['konveksi']}")
    assert f"/firms/{world['konveksi']}/ecosystem" in firm_page.text


def test_cli_gaps_json(env_db: str) -> None:
    with session_scope(get_engine()) as s:
        world = build_world(s)
    result = CliRunner().invoke(app, ["ecosystem", "gaps", "--sentra", world["b"], "--json"])
    assert result.exit_code == 0, result.output
    gaps = json.loads(result.stdout)
    assert {(g["kind"], g["place"]) for g in gaps} == {
        ("ketergantungan_tunggal", world["b"]),
        ("akses_pasar", world["b"]),
    }
    assert all(set(g) >= {"kind", "place", "score", "reason"} and g["reason"] for g in gaps)
    summary = CliRunner().invoke(app, ["ecosystem", "summary", "--province", "32", "--json"])
    assert json.loads(summary.stdout)["kinds"]["bahan_baku"]["ikm"] == 3


def test_a_large_registry_says_its_figures_are_being_refreshed(
    client: TestClient, world: dict[str, str], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jejaring.accounts.roles import system_actor
    from jejaring.ecosystem import reports, stored
    from jejaring.registry import edits
    from jejaring.registry.models import Firm
    from jejaring.registry.schemas import FirmUpdate

    with session_scope(engine) as s:
        stored.refresh(s, actor=system_actor("cli"))
    page = BeautifulSoup(client.get("/ecosystem/kabupaten/33.75").text, "html.parser")
    assert page.select_one("#eco-refreshing") is None and "Dihitung pada" in page.text
    assert "pemasok terdaftar terdekat" in page.select_one("#gap-table").text
    monkeypatch.setattr(reports, "auto_refresh_limit", lambda: 0)  # as if the registry were national
    with session_scope(engine) as s:  # an officer's edit: the cloth supplier moves next to the batik sentra
        kain = s.scalars(select(Firm).where(Firm.name == "Kain Medan")).one()
        lat, lon = arrays.seats()["33.75"]
        edits.update_firm(s, actor=system_actor(), firm=kain, data=FirmUpdate(latitude=lat, longitude=lon))
    r = client.get("/ecosystem/kabupaten/33.75")
    note = BeautifulSoup(r.text, "html.parser").select_one("#eco-refreshing")
    assert note is not None and "sedang diperbarui" in note.text and "Dihitung pada" in note.text
    for _ in range(600):  # the background rebuild (its own thread and session)
        if not stored.rebuilding(engine):
            break
        time.sleep(0.05)
    page = BeautifulSoup(client.get("/ecosystem/kabupaten/33.75").text, "html.parser")
    assert page.select_one("#eco-refreshing") is None
    assert "pemasok terdaftar terdekat" not in page.select_one("#gap-table").text
    en = client.get("/ecosystem/kabupaten/33.75?lang=en").text
    assert "Computed on" in en
