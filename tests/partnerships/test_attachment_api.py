"""Ledger files through the JSON API and the CLI (the web forms are in test_consortium_files): the same
service (keep first, then ``attach`` by a party with an audit record), downloads for the parties only."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from jejaring.accounts.models import AuditEvent
from jejaring.cli import app as cli_app
from jejaring.core.db import session_scope
from tests.accounts.helpers import bearer
from tests.partnerships.test_consortium_files import PDF, PNG, _active
from tests.partnerships.test_web import Parties, _fast_argon2, parties  # noqa: F401

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_api_upload_list_download_parties_only(client: TestClient, parties: Parties, engine: Engine) -> None:  # noqa: F811
    c = client
    pid, oid = _active(c, parties)
    base = f"/api/v1/partnerships/{pid}"
    ikm, big = bearer(parties.ikm_token), bearer(parties.big_token)
    delivery = {
        "delivered_on": "2026-02-10",
        "quantity": 10,
        "bast_number": "BAST-1",
        "received_by": "Gudang",
        "accepted": True,
    }
    assert c.post(f"{base}/orders/{oid}/deliveries", json=delivery, headers=ikm).status_code == 201
    did = c.get(base, headers=ikm).json()["orders"][0]["deliveries"][0]["id"]
    # not a PDF/JPEG/PNG: refused naming the field, nothing attached
    r = c.post(
        f"{base}/attachments", data={"target": f"delivery:{did}"}, files={"file": ("x.exe", b"MZ\x90")}, headers=ikm
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "attachment"
    # a wrong target: the file is kept all the same, and its receipt comes back to send again without re-uploading
    r = c.post(
        f"{base}/attachments", data={"target": "delivery:999999"}, files={"file": ("BAST.pdf", PDF)}, headers=ikm
    )
    assert r.status_code == 404 and r.json()["detail"][0]["field"] == "target" and r.headers["x-attachment-receipt"]
    r = c.post(
        f"{base}/attachments",
        data={"target": f"delivery:{did}", "receipt": r.headers["x-attachment-receipt"]},
        headers=ikm,
    )
    assert r.status_code == 201, r.text
    bast = r.json()
    assert (bast["filename"], bast["content_type"], bast["target"]) == (
        "BAST.pdf",
        "application/pdf",
        f"delivery:{did}",
    )
    # the other party attaches the invoice scan (JPEG) to the order
    r = c.post(
        f"{base}/attachments", data={"target": f"order:{oid}"}, files={"file": ("faktur.jpg", JPEG)}, headers=big
    )
    assert r.status_code == 201 and r.json()["content_type"] == "image/jpeg"
    listed = c.get(f"{base}/attachments", headers=big).json()
    assert [a["filename"] for a in listed] == ["BAST.pdf", "faktur.jpg"] and "stored_path" not in listed[0]
    got = c.get(f"{base}/attachments/{bast['id']}", headers=big)
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"
    # a stranger neither lists, downloads nor attaches; anonymous callers are asked to sign in
    stranger = bearer(parties.stranger_token)
    assert c.get(f"{base}/attachments", headers=stranger).status_code == 404
    assert c.get(f"{base}/attachments/{bast['id']}", headers=stranger).status_code == 404
    r = c.post(f"{base}/attachments", data={"target": f"order:{oid}"}, files={"file": ("p.png", PNG)}, headers=stranger)
    assert r.status_code == 404
    assert c.get(f"{base}/attachments").status_code == 401
    with session_scope(engine) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "partnership.attachment")).all()
        assert len(events) == 2


def test_cli_attach_list_and_download(
    client: TestClient,
    parties: Parties,  # noqa: F811
    env_db: str,
    tmp_path: Path,
) -> None:
    pid, oid = _active(client, parties)
    runner = CliRunner()
    scan = tmp_path / "faktur scan.png"
    scan.write_bytes(PNG)
    args = ["partnerships", "attach", pid, "--target", f"order:{oid}", "--file", str(scan), "--as", parties.ikm_email]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert "faktur scan.png" in result.output and "image/png" in result.output
    # the same file through the API: the CLI wrote it through the same service
    listed = client.get(f"/api/v1/partnerships/{pid}/attachments", headers=bearer(parties.big_token)).json()
    assert [(a["filename"], a["uploaded_by"]) for a in listed] == [("faktur scan.png", parties.ikm_email)]
    out = tmp_path / "copy.png"
    result = runner.invoke(cli_app, ["partnerships", "attachments", pid, "--as", parties.big_email])
    assert result.exit_code == 0 and "faktur scan.png" in result.output
    args = [
        "partnerships",
        "attachments",
        pid,
        "--as",
        parties.big_email,
        "--id",
        str(listed[0]["id"]),
        "--out",
        str(out),
    ]
    assert runner.invoke(cli_app, args).exit_code == 0 and out.read_bytes() == PNG
    # not a PDF, JPEG or PNG: refused with the reason
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"hello")
    args = ["partnerships", "attach", pid, "--target", f"order:{oid}", "--file", str(bad), "--as", parties.ikm_email]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 1 and "PDF" in result.output
