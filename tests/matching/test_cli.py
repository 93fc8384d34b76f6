"""`jejaring match`, `jejaring index …`, `jejaring needs …` as a user runs them, on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import select
from typer.testing import CliRunner

from jejaring.accounts.models import AuditEvent
from jejaring.cli import app
from jejaring.core.db import get_engine, session_scope
from tests.matching.conftest import Corpus

runner = CliRunner()


def test_index_build_status_and_match_json(env_db: str, corpus: Corpus) -> None:
    r = runner.invoke(app, ["index", "build"])
    assert r.exit_code == 0, r.output
    assert "122" in r.output
    status = json.loads(runner.invoke(app, ["index", "status", "--json"]).output)
    assert status["documents"] == 122 and status["built"] is True
    r = runner.invoke(
        app,
        [
            "match",
            "teak furniture",
            "--cert",
            "SVLK",
            "--near",
            "33.74",
            "--radius-km",
            "150",
            "--lang",
            "en",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert set(data) == {"understood", "results", "consortium"} and data["consortium"] is None
    assert data["results"] and all(set(x) == {"id", "name", "score", "why"} for x in data["results"])
    assert data["results"][0]["id"] == corpus.keys["f1"] or data["results"][0]["id"] == corpus.keys["f2"]
    assert any("km" in line for line in data["results"][0]["why"])
    assert data["understood"]["place"] is None and data["understood"]["certificates"] == []

    # a sentence: what was understood is reported beside the results, and applied
    r = runner.invoke(
        app, ["match", "keripik singkong 3 ton per bulan, bersertifikat halal, dari Jawa Timur", "--json"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    u = data["understood"]
    assert (u["quantity"], u["unit"], u["period"], u["certificates"]) == (3, "ton", "bulan", ["HALAL"])
    assert u["place"]["code"] == "35" and u["place"]["name"] == "Jawa Timur" and u["place"]["firm"] is True
    assert {"radius_km", "deadline", "price_min", "price_max"} <= set(u)
    # only East Java firms with a halal certificate: Keripik Tempe Sanan Malang (the chips from Garut and
    # Bukittinggi are elsewhere, the spicy cassava chips of Malang have no halal certificate)
    assert [x["id"] for x in data["results"]][:1] == [corpus.keys["n23"]]
    assert corpus.keys["n22"] not in [x["id"] for x in data["results"]]
    assert corpus.keys["n25"] not in [x["id"] for x in data["results"]]


def test_match_json_with_consortium_is_clean_json_in_a_real_process(env_db: str, corpus: Corpus) -> None:
    """HiGHS prints a banner from C on first use; the --json output must still parse."""
    env = {**os.environ, "JEJARING_DATABASE_URL": env_db, "JEJARING_DATA_DIR": os.environ["JEJARING_DATA_DIR"]}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "jejaring.cli",
            "match",
            "tepung mocaf",
            "--qty",
            "60",
            "--unit",
            "ton",
            "--cert",
            "Halal",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    c = data["consortium"]
    assert c["status"] == "proposed" and {m["id"] for m in c["members"]} == {corpus.keys["c3"], corpus.keys["c4"]}
    assert c["explanation"] and c["members"][0]["role"] == "lead"


def test_bad_input_is_a_clear_error(env_db: str, corpus: Corpus) -> None:
    r = runner.invoke(app, ["match", "kopi", "--cert", "ISO 9999"])
    assert r.exit_code == 2 and "ISO 9999" in r.output
    r = runner.invoke(app, ["match", "kopi", "--qty", "5"])
    assert r.exit_code == 2 and "Satuan wajib diisi bila jumlah diisi" in r.output
    r = runner.invoke(app, ["match", "kopi", "--near", "Atlantis"])
    assert r.exit_code == 2 and "Atlantis" in r.output and "Traceback" not in r.output


def test_needs_add_list_and_match(env_db: str, corpus: Corpus) -> None:
    r = runner.invoke(
        app,
        ["needs", "add", "servis mesin jahit industri", "--firm", corpus.keys["b6"], "--kind", "layanan_purna_jual"],
    )
    assert r.exit_code == 0, r.output
    need_id = r.output.split()[-1]
    listed = json.loads(runner.invoke(app, ["needs", "list", "--json"]).output)
    assert [n["id"] for n in listed] == [need_id]
    data = json.loads(runner.invoke(app, ["needs", "match", need_id, "--json"]).output)
    assert data["results"][0]["id"] == corpus.keys["m6"]
    assert all(x["id"] != corpus.keys["b6"] for x in data["results"])  # never the buyer itself
    r = runner.invoke(
        app,
        [
            "offers",
            "add",
            "kaos polos",
            "--firm",
            corpus.keys["b7"],
            "--qty",
            "1000",
            "--unit",
            "pcs",
            "--min-order",
            "100",
        ],
    )
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["needs", "match", "N-00000000-0"]).exit_code == 2
    # the operator's writes leave audit rows; a closed need leaves the list of open ones
    assert runner.invoke(app, ["needs", "close", need_id]).exit_code == 0
    assert json.loads(runner.invoke(app, ["needs", "list", "--json"]).output) == []
    assert runner.invoke(app, ["needs", "close", "N-00000000-0"]).exit_code == 2
    with session_scope(get_engine()) as s:
        rows = s.execute(select(AuditEvent.action, AuditEvent.entity_id).where(AuditEvent.via == "cli")).all()
    actions = sorted(a for a, _ in rows)
    assert actions == ["need.close", "need.create", "offer.create"] and (("need.close", need_id) in rows)
