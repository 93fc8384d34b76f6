"""In Chromium against a real `jejaring serve`: an officer uploads a file, watches the progress bar,
reads the error list, corrects a quarantined row in place and re-submits it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot
from tests.intake.conftest import good_row, write_csv

pytestmark = pytest.mark.browser
PASSWORD = "sandi-unggah-123"


@pytest.fixture
def slow_batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Small, paused batches so the progress bar is seen moving (read by the server the test starts)."""
    monkeypatch.setenv("JEJARING_INTAKE_BATCH_ROWS", "40")
    monkeypatch.setenv("JEJARING_INTAKE_BATCH_PAUSE_MS", "250")
    yield


def _cli(db_url: str, *args: str) -> None:
    env = {**os.environ, "JEJARING_DATABASE_URL": db_url, "JEJARING_LOAD_DEMO": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "jejaring.cli", *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_upload_progress_errors_correct_resubmit(
    slow_batches: None, live_server: str, db_url: str, page, tmp_path: Path
) -> None:
    _cli(db_url, "users", "create", "dinas.jabar@uji.example", "--name", "Petugas Jabar", "--role", "petugas_dinas",
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
