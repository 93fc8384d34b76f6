"""The upload pages and the JSON API through the real app (real accounts, real background job)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.web.app import create_app
from tests.accounts.helpers import create_user, create_user_with_token, login
from tests.intake.conftest import HEADER, good_row, write_csv
from tests.soup import attr

TOKENS: dict[str, str] = {}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as session:
        TOKENS["admin"] = create_user_with_token(session, role="admin", scopes=["read", "write"])
        TOKENS["petugas33"] = create_user_with_token(
            session, role="petugas_dinas", province="33", scopes=["read", "write"], email="p33@uji.example"
        )
        create_user(session, role="petugas_dinas", province="32", email="p32@uji.example")
    engine.dispose()
    with TestClient(create_app(settings)) as c:
        yield c


def _bearer(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}"}


def _wait(client: TestClient, job_id: int, headers: dict[str, str]) -> dict[str, object]:
    for _ in range(200):
        job = client.get(f"/api/v1/intake/jobs/{job_id}", headers=headers).json()
        if job["status"] not in ("queued", "running"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def _csv(tmp_path: Path) -> bytes:
    rows = [good_row(1), good_row(2, **{"KBLI": "47111"}), good_row(3, **{"Email": "x@"})]
    return write_csv(tmp_path / "f.csv", rows).read_bytes()


def test_api_upload_needs_an_allowed_user(client: TestClient, tmp_path: Path) -> None:
    files = {"file": ("jabar.csv", _csv(tmp_path), "text/csv")}
    assert client.post("/api/v1/intake/jobs", files=files).status_code == 401
    r = client.post("/api/v1/intake/jobs", files=files, data={"office": "32"}, headers=_bearer("petugas33"))
    assert r.status_code == 403  # an officer of Jawa Tengah cannot upload for Jawa Barat
    r = client.post("/api/v1/intake/jobs", files=files, data={"office": "32"}, headers=_bearer("admin"))
    assert r.status_code == 202, r.text
    job = _wait(client, r.json()["id"], _bearer("admin"))
    assert (job["status"], job["rows_read"], job["accepted"], job["quarantined"]) == ("done", 3, 1, 2)
    report = client.get(f"/api/v1/intake/jobs/{job['id']}/report?lang=en", headers=_bearer("admin")).json()
    assert report["rows_read"] == report["accepted"] + report["quarantined"]
    assert {(e["row"], e["column"]) for e in report["errors"]} == {(4, "KBLI"), (5, "Email")}
    assert "category C" in report["errors"][0]["reason"]
    assert client.get(f"/api/v1/intake/jobs/{job['id']}", headers=_bearer("petugas33")).status_code == 403


def test_api_limits_give_clear_messages(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    r = client.post(
        "/api/v1/intake/jobs", files={"file": ("x.pdf", b"%PDF-1.4", "application/pdf")}, headers=_bearer("admin")
    )
    assert r.status_code == 422 and "tidak didukung" in r.json()["detail"][0]["message"]
    r = client.post("/api/v1/intake/jobs", files={"file": ("k.csv", b"", "text/csv")}, headers=_bearer("admin"))
    assert r.status_code == 400 and "kosong" in r.json()["detail"][0]["message"]


def test_pages_upload_progress_errors_correction_and_download(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/intake", follow_redirects=False).status_code == 303  # sign in first
    csrf = login(client, "p32@uji.example")
    page = BeautifulSoup(client.get("/intake").text, "html.parser")
    assert page.select_one("form#upload-form input[type=file][name=file]") is not None
    r = client.post(
        "/intake",
        data={"csrf_token": csrf, "office": "", "year": "2024"},
        files={"file": ("jabar.csv", _csv(tmp_path), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job_url = r.headers["location"]
    for _ in range(200):
        partial = client.get(job_url, headers={"HX-Request": "true"})
        if 'data-status="done"' in partial.text:
            break
        time.sleep(0.05)
    page = BeautifulSoup(partial.text, "html.parser")
    assert attr(page, "#job-progress", "value") == "100"
    rows = page.select("#error-list tbody tr")
    assert [r["data-row"] for r in rows] == ["4", "5"]
    assert "kategori C" in rows[0].text
    # correction form: still wrong, then right
    fix_url = attr(page, "a.fix-link", "href")
    form = BeautifulSoup(client.get(fix_url).text, "html.parser")
    values = {i["name"]: i.get("value", "") for i in form.select("#row-form input")}
    assert values["kbli"] == "47111"
    r = client.post(fix_url, data={**values, "kbli": "1071"}, follow_redirects=False)
    assert r.status_code == 422 and "5 angka" in r.text
    r = client.post(fix_url, data={**values, "kbli": "10710"}, follow_redirects=False)
    assert r.status_code == 303
    page = BeautifulSoup(client.get(r.headers["location"]).text, "html.parser")
    assert [r["data-row"] for r in page.select("#error-list tbody tr")] == ["5"]
    assert page.select_one("#fixed-note") is not None
    xlsx = client.get(job_url + "/quarantine.xlsx")
    assert xlsx.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert ws is not None and ws.max_row == 2 and ws.cell(row=2, column=1).value == 5
    # without the CSRF token a signed-in form post is refused
    no_token = {k: v for k, v in values.items() if k != "csrf_token"}
    assert client.post(fix_url, data=no_token, follow_redirects=False).status_code == 403


def test_mapping_page(client: TestClient, tmp_path: Path) -> None:
    csrf = login(client, "p32@uji.example")
    header = [*HEADER[:-1], "Periode Laporan"]
    data = write_csv(tmp_path / "m.csv", [good_row(1)], header=header).read_bytes()
    r = client.post(
        "/intake", data={"csrf_token": csrf}, files={"file": ("m.csv", data, "text/csv")}, follow_redirects=False
    )
    assert r.headers["location"].endswith("/mapping")
    page = BeautifulSoup(client.get(r.headers["location"]).text, "html.parser")
    assert page.select_one("label[for=map_0]").text == "Periode Laporan"
    r = client.post(r.headers["location"], data={"csrf_token": csrf, "map_0": "tahun_data"}, follow_redirects=False)
    assert r.status_code == 303
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    for _ in range(200):
        text = client.get(f"/intake/jobs/{job_id}").text
        if 'data-status="done"' in text:
            break
        time.sleep(0.05)
    assert 'id="no-errors"' in text


def test_sentra_directory_through_the_upload_page(client: TestClient, tmp_path: Path) -> None:
    """A sentra-template file is imported by the same page: accepted sentra registered, refused rows listed
    with their reasons (corrected by re-upload, not in place), the same file again changes nothing."""
    from tests.intake.test_sentra import CSV

    csrf = login(client, "p32@uji.example")
    body = CSV.encode("latin-1")

    def upload() -> BeautifulSoup:
        r = client.post(
            "/intake",
            data={"csrf_token": csrf, "office": "", "year": ""},
            files={"file": ("sentra_2023.csv", body, "text/csv")},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        for _ in range(200):
            partial = client.get(r.headers["location"], headers={"HX-Request": "true"})
            if 'data-status="done"' in partial.text:
                return BeautifulSoup(partial.text, "html.parser")
            time.sleep(0.05)
        raise AssertionError(partial.text)

    page = upload()
    counts = {k: page.select_one(f"#n-{k}").text for k in ("read", "accepted", "quarantined")}
    # the Jawa Tengah sentra (row 2) is outside this Jawa Barat officer's province: refused (issue 23)
    assert counts == {"read": "3", "accepted": "1", "quarantined": "2"}
    rows = page.select("#error-list tbody tr")
    assert {r["data-row"] for r in rows} == {"2", "4"}
    columns = {r.select("td")[2].text for r in rows}  # row, business, column, value, reason
    assert {"Nama Sentra IKM", "Kode KBLI", "Jml Unit"} <= columns
    assert any("KBLI 99999" in r.text for r in rows)
    assert page.select_one("a.fix-link") is None
    listing = client.get("/api/v1/sentra?q=Rotan").json()
    assert any(x["name"] == "Sentra Rotan Tegalwangi" for x in listing["items"]), listing
    again = upload()
    assert again.select_one("#n-accepted").text == "1"
    assert again.select("dl.facts dd")[3].text == "0"  # nothing new the second time


def test_office_preset_by_name_mapping_labels_and_samples(client: TestClient, tmp_path: Path) -> None:
    """Issue 22: the officer's own province is preset and named; mapping shows field labels and sample values."""
    csrf = login(client, "p32@uji.example")
    page = BeautifulSoup(client.get("/intake").text, "html.parser")
    options = page.select("select#office option")
    assert [(o["value"], o.text.upper(), o.has_attr("selected")) for o in options] == [("32", "JAWA BARAT", True)]
    header = [*HEADER[:-1], "Periode Laporan"]
    data = write_csv(tmp_path / "m.csv", [good_row(1), good_row(2, **{"Tahun Data": "2023"})], header=header)
    r = client.post(
        "/intake",
        data={"csrf_token": csrf},
        files={"file": ("m.csv", data.read_bytes(), "text/csv")},
        follow_redirects=False,
    )
    page = BeautifulSoup(client.get(r.headers["location"]).text, "html.parser")
    assert [c.text for c in page.select("#mapping-table td.samples code")] == ["2024", "2023"]
    labels = {o["value"]: o.text for o in page.select("select#map_0 option")}
    assert labels["tahun_data"] == "Tahun data" and labels["kode_wilayah"] == "Kode wilayah (kabupaten/kota)"
    assert "kode_wilayah" not in page.select_one("select#map_0").text  # labels, not internal keys
    job_page = client.get(r.headers["location"].rsplit("/", 1)[0]).text
    assert "JAWA BARAT" in job_page.upper() and "Kantor pengirim 32" not in job_page


def test_error_list_names_firms_and_counters_follow_a_correction(client: TestClient, tmp_path: Path) -> None:
    csrf = login(client, "p32@uji.example")
    r = client.post(
        "/intake",
        data={"csrf_token": csrf, "office": "32"},
        files={"file": ("jabar.csv", _csv(tmp_path), "text/csv")},
        follow_redirects=False,
    )
    job_url = r.headers["location"]
    for _ in range(200):
        page = BeautifulSoup(client.get(job_url).text, "html.parser")
        if page.select_one('#job-status[data-status="done"]'):
            break
        time.sleep(0.05)
    assert [td.text for td in page.select("#error-list td.firm")] == ["UD Sumber Rejeki 2", "UD Sumber Rejeki 3"]
    assert (page.select_one("#n-quarantined").text, page.select_one("#n-fixed").text) == ("2", "0")
    fix_url = attr(page, "a.fix-link", "href")
    form = BeautifulSoup(client.get(fix_url).text, "html.parser")
    assert form.select_one("#row-firm strong").text == "UD Sumber Rejeki 2"
    values = {i["name"]: i.get("value", "") for i in form.select("#row-form input")}
    client.post(fix_url, data={**values, "kbli": "10710"}, follow_redirects=False)
    page = BeautifulSoup(client.get(job_url).text, "html.parser")
    assert (page.select_one("#n-quarantined").text, page.select_one("#n-fixed").text) == ("1", "1")
    assert page.select_one("#errors-title").text.endswith("1")
