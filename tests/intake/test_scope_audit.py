"""Issue 23 #1: an officer's upload writes only their province's firms, and every intake write is audited."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from jejaring.accounts.models import AuditEvent
from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.registry.models import Firm
from jejaring.web.app import create_app
from tests.accounts.helpers import create_user_with_token
from tests.intake.conftest import good_row, write_csv

TOKENS: dict[str, str] = {}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as session:
        TOKENS["admin"] = create_user_with_token(session, role="admin", scopes=["read", "write"])
        TOKENS["p33"] = create_user_with_token(
            session, role="petugas_dinas", province="33", scopes=["read", "write"], email="p33@uji.example"
        )
    engine.dispose()
    with TestClient(create_app(settings)) as c:
        yield c


def _h(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}"}


def _wait(client: TestClient, job_id: int, who: str) -> dict[str, object]:
    for _ in range(300):
        job = client.get(f"/api/v1/intake/jobs/{job_id}", headers=_h(who)).json()
        if job["status"] not in ("queued", "running"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def _upload(client: TestClient, path: Path, who: str, **data: str) -> dict[str, object]:
    r = client.post(
        "/api/v1/intake/jobs", files={"file": (path.name, path.read_bytes(), "text/csv")}, data=data, headers=_h(who)
    )
    assert r.status_code == 202, r.text
    return _wait(client, r.json()["id"], who)


def _firm_names(settings: Settings) -> dict[str, str]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as s:
        names = {f.name: f.province_code for f in s.scalars(select(Firm))}
    engine.dispose()
    return names


def test_officer_upload_refuses_rows_of_other_provinces(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    # a Jawa Barat firm, loaded by the admin
    jabar = write_csv(tmp_path / "jabar.csv", [good_row(1, **{"NIB": "1234567890123"})])
    assert _upload(client, jabar, "admin", office="32")["accepted"] == 1
    # the Jawa Tengah officer sends one row of their province and two of Jawa Barat: a new firm, and the
    # existing one under its NIB with another name
    here = {"Kode Wilayah": "33.20", "Lintang": "", "Bujur": ""}
    rows = [
        good_row(2, **here),
        good_row(3),
        good_row(4, **{"NIB": "1234567890123", "Nama Perusahaan": "UD Dibajak"}),
    ]
    job = _upload(client, write_csv(tmp_path / "jateng.csv", rows), "p33")
    assert (job["status"], job["office"], job["accepted"], job["quarantined"]) == ("done", "33", 1, 2)
    names = _firm_names(settings)
    assert names.get("UD Sumber Rejeki 2") == "33"
    assert "UD Sumber Rejeki 3" not in names and "UD Dibajak" not in names
    assert names.get("UD Sumber Rejeki 1") == "32"
    report = client.get(f"/api/v1/intake/jobs/{job['id']}/report?lang=en", headers=_h("p33")).json()
    refused = {(e["row"], e["column"]) for e in report["errors"]}
    assert refused == {(4, "Kode Wilayah"), (5, "Kode Wilayah")}
    assert all("outside the uploading office" in e["reason"] for e in report["errors"])


def test_every_intake_write_is_audited(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    here = {"Kode Wilayah": "33.20", "Lintang": "", "Bujur": ""}
    path = write_csv(tmp_path / "jateng.csv", [good_row(1, **here), good_row(2, **here, **{"KBLI": "47111"})])
    job = _upload(client, path, "p33")
    job_id = job["id"]
    # a correction of the refused row, through the same service the page uses
    from jejaring.intake import quarantine, service
    from jejaring.intake.models import QuarantineRow

    engine = build_engine(settings.database_url)
    with session_scope(engine) as s:
        j = service.get_job(s, job_id=int(str(job_id)))
        row = s.scalars(select(QuarantineRow).where(QuarantineRow.job_id == j.id)).one()
        values = json.loads(row.values) | {"kbli": "10710"}
        assert quarantine.correct_row(s, job=j, row=row, values=values, settings=settings)
    # mapping and cancel of a second job waiting for its headers
    odd = tmp_path / "odd.csv"
    odd.write_text("Nama Usaha;Kolom Aneh\nUD A;x\n", encoding="utf-8")
    r = client.post("/api/v1/intake/jobs", files={"file": ("odd.csv", odd.read_bytes(), "text/csv")}, headers=_h("p33"))
    waiting = r.json()
    assert waiting["status"] == "needs_mapping", waiting
    with session_scope(engine) as s:
        w = service.get_job(s, job_id=waiting["id"])
        service.request_cancel(s, job=w)
    r = client.post(f"/api/v1/intake/jobs/{waiting['id']}/mapping", json={"Kolom Aneh": ""}, headers=_h("p33"))
    assert r.status_code == 200, r.text
    with session_scope(engine) as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.entity_type == "import_job")))
    engine.dispose()
    seen = {(e.action, e.entity_id) for e in events}
    assert ("intake.job_create", str(job_id)) in seen
    assert ("intake.batch", str(job_id)) in seen
    assert ("intake.row_correct", str(job_id)) in seen
    assert ("intake.cancel", str(waiting["id"])) in seen
    assert ("intake.mapping", str(waiting["id"])) in seen
    batch = next(e for e in events if e.action == "intake.batch" and e.entity_id == str(job_id))
    assert json.loads(batch.after_json or "{}")["inserted"] == 1
    assert batch.province_code == "33"
    created = next(e for e in events if e.action == "intake.job_create" and e.entity_id == str(job_id))
    assert created.actor_label == "p33@uji.example"


def test_officer_sentra_directory_refuses_other_provinces(client: TestClient, tmp_path: Path) -> None:
    from tests.intake.test_sentra import CSV  # a Jawa Tengah and a Jawa Barat sentra, and a bad row

    path = tmp_path / "sentra.csv"
    path.write_text(CSV, encoding="latin-1")
    job = _upload(client, path, "p33")
    assert (job["status"], job["accepted"], job["quarantined"]) == ("done", 1, 2)
    report = client.get(f"/api/v1/intake/jobs/{job['id']}/report?lang=en", headers=_h("p33")).json()
    assert any(e["row"] == 3 and "outside the uploading office" in e["reason"] for e in report["errors"])
