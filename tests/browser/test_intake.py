"""In Chromium against a real `jejaring serve`: an officer uploads a file, watches the progress bar,
reads the error list, corrects a quarantined row in place and re-submits it."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import run_cli, screenshot
from tests.intake.conftest import good_row, write_csv

pytestmark = pytest.mark.browser
PASSWORD = "sandi-unggah-123"


@pytest.fixture
def slow_batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Small, paused batches so the progress bar is seen moving (read by the server the test starts)."""
    monkeypatch.setenv("JEJARING_INTAKE_BATCH_ROWS", "40")
    monkeypatch.setenv("JEJARING_INTAKE_BATCH_PAUSE_MS", "250")
    yield


def test_upload_progress_errors_correct_resubmit(
    slow_batches: None, live_server: str, db_url: str, page, tmp_path: Path
) -> None:
    run_cli(db_url, "users", "create", "dinas.jabar@uji.example", "--name", "Petugas Jabar", "--role", "petugas_dinas",
         "--province", "32", "--password", PASSWORD)  # fmt: skip
    rows = [good_row(i) for i in range(1, 301)]
    rows[9] = good_row(10, **{"KBLI": "47111"})  # spreadsheet row 12: retail, not manufacturing
    rows[19] = good_row(20, **{"Email": "tanpa-domain@", "Jumlah TK": "nol"})  # row 22: two errors
    path = write_csv(tmp_path / "direktori_ikm_jabar_2024.csv", rows)

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "dinas.jabar@uji.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#nav-user", timeout=90_000)  # password hashing is slow on a loaded machine

    page.click("a[href='/intake']")
    page.wait_for_selector("#upload-form", timeout=60_000)
    page.set_input_files("#file", str(path))
    page.click("#upload-submit")
    page.wait_for_selector("#job-progress", timeout=60_000)
    seen = []
    deadline = time.monotonic() + 300  # the 300-row job on a loaded machine
    while time.monotonic() < deadline:
        seen.append(int(page.get_attribute("#job-progress", "value") or 0))
        if page.get_attribute("#job-status", "data-status") == "done":
            break
        page.wait_for_timeout(300)
    assert page.get_attribute("#job-status", "data-status") == "done"
    assert seen[0] < 100 and int(page.get_attribute("#job-progress", "value") or 0) == 100, seen
    assert any(0 < v < 100 for v in seen) or len(seen) > 1, seen  # htmx swapped the bar while it ran
    assert page.inner_text("#n-read") == "300" and page.inner_text("#n-quarantined") == "2"
    page.wait_for_selector("#error-list")
    listed = page.locator("#error-list tbody tr")
    assert listed.count() == 3
    assert "kategori C" in listed.nth(0).inner_text() and listed.nth(0).get_attribute("data-row") == "12"
    screenshot(page, "intake-job-errors")

    page.locator("a.fix-link").first.click()
    page.wait_for_selector("#row-form")
    assert page.input_value("input[name=kbli]") == "47111"
    assert page.get_attribute("input[name=kbli]", "aria-invalid") == "true"
    page.fill("input[name=kbli]", "10710")
    page.click("#resubmit")
    page.wait_for_selector("#fixed-note")
    assert page.locator("#error-list tbody tr").count() == 2
    assert page.locator("#error-list tbody tr").first.get_attribute("data-row") == "22"
    screenshot(page, "intake-row-corrected")


CIREBON_ROWS = 12


def _line(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="").writerow(cells)
    return buf.getvalue()


@pytest.mark.parametrize(  # each backend both languages and both widths; every combination once
    ("db_url", "lang", "width"),
    [("sqlite", "id", 1280), ("sqlite", "en", 390), ("postgresql", "en", 1280), ("postgresql", "id", 390)],
    indirect=["db_url"],
)
def test_officer_corrects_by_quarantine_workbook_and_reupload(
    live_server: str, db_url: str, page, tmp_path: Path, lang: str, width: int
) -> None:
    """Issue 22: an officer uploads a file with errors (a stray ``;`` among them), reads them named with the
    firms, downloads the quarantine workbook (numbers as numbers, faulty cells marked), corrects it, uploads
    it again, and the first job's counters and error list follow."""
    import openpyxl

    from tests.intake.conftest import HEADER, TITLE

    email = f"dinas.jabar.{lang}.{width}@uji.example"
    run_cli(db_url, "users", "create", email, "--name", "Petugas Jabar", "--role", "petugas_dinas",
         "--province", "32", "--password", PASSWORD)  # fmt: skip
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    rows = [good_row(i) for i in range(1, CIREBON_ROWS + 1)]
    rows[2] = good_row(3, **{"KBLI": "47111"})  # sheet row 5
    rows[5] = good_row(6, **{"Lintang": "-60,8401"})  # sheet row 8: outside Indonesia
    lines = [TITLE, ";".join(HEADER), *(_line(r) for r in rows)]
    lines[2 + 8] = lines[2 + 8].replace("Jl. Raya Sumber No. 9", "Jl. Raya Sumber; No. 9")  # sheet row 11
    path = tmp_path / "direktori_ikm_jabar.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#nav-user", timeout=90_000)
    page.goto(f"{live_server}/intake")
    office = page.locator("#office option[selected]")
    assert office.get_attribute("value") == "32" and office.inner_text().upper() == "JAWA BARAT"
    page.set_input_files("#file", str(path))
    page.click("#upload-submit")
    page.wait_for_selector("#job-status[data-status=done]", timeout=300_000)
    first_url = page.url.split("?")[0]
    assert page.inner_text("#n-read") == str(CIREBON_ROWS) and page.inner_text("#n-quarantined") == "3"
    listed = page.locator("#error-list tbody tr")
    assert [listed.nth(i).get_attribute("data-row") for i in range(3)] == ["5", "8", "11"]
    firms = [listed.nth(i).locator("td.firm").inner_text() for i in range(3)]
    assert firms == ["UD Sumber Rejeki 3", "UD Sumber Rejeki 6", "UD Sumber Rejeki 9"]
    shifted = listed.nth(2).inner_text()
    words = ("Seluruh baris", f"{len(HEADER) + 1} sel") if lang == "id" else ("Whole row", f"{len(HEADER) + 1} cells")
    assert all(w in shifted for w in words), shifted
    screenshot(page, f"intake-corrections-errors-{lang}")

    with page.expect_download() as download:
        page.click("#download-xlsx")
    book_path = tmp_path / "karantina.xlsx"
    download.value.save_as(book_path)
    wb = openpyxl.load_workbook(book_path)
    ws = wb.active
    assert ws is not None
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in ("KBLI", "Lintang", "Bujur", "Alamat Lengkap")}
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == [5, 8, 11]
    kbli = ws.cell(2, col["KBLI"])
    assert kbli.fill.fgColor.rgb.endswith("FFC7CE") and kbli.comment is not None
    lat_ok = ws.cell(2, col["Lintang"])
    assert lat_ok.data_type == "n" and lat_ok.value == -6.7321  # a number: no apostrophe anywhere
    lat_bad = ws.cell(3, col["Lintang"])
    assert lat_bad.value == "-60,8401" and lat_bad.fill.fgColor.rgb.endswith("FFC7CE") and lat_bad.comment
    assert ws.cell(4, 1).comment is not None  # the shifted row: its row number carries the reason
    # the officer corrects the three rows in the workbook and uploads it again
    ws.cell(2, col["KBLI"], "10710")
    ws.cell(3, col["Lintang"], -6.8401)
    fixed_row = dict(zip(HEADER, good_row(9), strict=True))
    for c, h in enumerate(header, start=1):
        if str(h) in fixed_row:
            ws.cell(4, c, fixed_row[str(h)])
    fixed = tmp_path / "karantina-diperbaiki.xlsx"
    wb.save(fixed)
    page.goto(f"{live_server}/intake")
    page.set_input_files("#file", str(fixed))
    page.click("#upload-submit")
    page.wait_for_selector("#job-status[data-status=done]", timeout=300_000)
    assert page.inner_text("#n-accepted") == "3" and page.inner_text("#n-quarantined") == "0"

    page.goto(first_url)
    assert page.inner_text("#n-quarantined") == "0" and page.inner_text("#n-fixed") == "3"
    page.wait_for_selector("#no-errors")
    assert page.locator("#error-list").count() == 0
    screenshot(page, f"intake-corrections-fixed-{lang}")
