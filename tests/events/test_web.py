"""Events through the real app (JSON API with tokens, HTML pages) and the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from jejaring.accounts import security
from jejaring.accounts.models import FirmOwner
from jejaring.cli import app as cli_app
from jejaring.core.db import session_scope
from jejaring.events import demo as events_demo
from jejaring.registry import demo
from jejaring.registry.models import Firm
from tests.accounts.helpers import bearer, create_token, create_user, csrf_of, login


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def tokens(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as session:
        demo.load_demo_if_empty(session)
        out = {}
        for key, name in (("big", "PT Astra Komponen Nusantara"), ("ikm", "CV Presisi Komponen Otomotif")):
            firm = session.scalar(select(Firm).where(Firm.name == name))
            assert firm is not None
            user = create_user(session, role="pemilik_usaha", email=f"{key}@uji.example")
            session.add(FirmOwner(user_id=user.id, firm_id=firm.id))
            out[key] = create_token(session, user=user, scopes=["read", "write"])
            out[f"{key}_firm"] = firm.public_id
        other = create_user(session, role="pemilik_usaha", email="lain@uji.example")
        out["stranger"] = create_token(session, user=other, scopes=["read", "write"])
        org = create_user(session, role="penyelenggara_acara", email="panitia@uji.example")
        out["organiser"] = create_token(session, user=org, scopes=["read", "write"])
    return out


def test_api_flow_and_scoping(client: TestClient, tokens: dict[str, str]) -> None:
    base = "/api/v1/events"
    event = {"name": "Temu Bisnis API", "starts_on": "2030-01-10", "slots_per_day": 4, "tables": 2}
    assert client.post(base, json=event, headers=bearer(tokens["ikm"])).status_code == 403
    r = client.post(base, json=event, headers=bearer(tokens["organiser"]))
    assert r.status_code == 201, r.text
    eid = r.json()["public_id"]
    for key in ("big", "ikm"):
        firm = tokens[f"{key}_firm"]
        r = client.post(f"{base}/{eid}/participants", json={"firm": firm}, headers=bearer(tokens[key]))
        assert r.status_code == 201, r.text
    ask = {"from_firm": tokens["ikm_firm"], "to_firm": tokens["big_firm"], "priority": 3}
    assert client.post(f"{base}/{eid}/requests", json=ask, headers=bearer(tokens["big"])).status_code == 403
    r = client.post(f"{base}/{eid}/requests", json=ask, headers=bearer(tokens["ikm"]))
    assert r.status_code == 201, r.text
    rid = r.json()["public_id"]
    own = f"{base}/{eid}/participants/{tokens['big_firm']}/requests"
    assert client.get(own, headers=bearer(tokens["stranger"])).status_code == 403
    assert [x["public_id"] for x in client.get(own, headers=bearer(tokens["big"])).json()] == [rid]
    answer = f"{base}/requests/{rid}/answer"
    assert client.post(answer, json={"accept": True}, headers=bearer(tokens["ikm"])).status_code == 403
    assert client.post(answer, json={"accept": True}, headers=bearer(tokens["big"])).json()["status"] == "diterima"
    r = client.post(f"{base}/{eid}/schedule?seconds=5", headers=bearer(tokens["organiser"]))
    assert r.status_code == 200 and r.json()["meetings"] == 1 and r.json()["optimal"]
    assert client.post(f"{base}/{eid}/publish", headers=bearer(tokens["organiser"])).json() == {"published": 1}
    agenda = f"{base}/{eid}/participants/{tokens['ikm_firm']}/agenda"
    items = client.get(agenda, headers=bearer(tokens["ikm"])).json()
    assert len(items) == 1 and items[0]["partner"] == tokens["big_firm"] and items[0]["start"] == "2030-01-10T09:00:00"
    assert client.get(agenda, headers=bearer(tokens["stranger"])).status_code == 403
    dash = client.get(f"{base}/{eid}/dashboard", headers=bearer(tokens["organiser"])).json()
    assert dash["meetings"] == 1 and dash["acceptance_rate"] == 1.0
    r = client.get(f"{base}/report", headers=bearer(tokens["organiser"]))
    assert r.status_code == 200 and r.json()[0]["meetings"] == 1


def test_pages_for_organiser_and_participant(client: TestClient, tokens: dict[str, str], engine: Engine) -> None:
    with session_scope(engine) as session:
        eid = events_demo.load_demo_event(session)
    assert eid is not None
    login(client, "panitia@uji.example")
    page = client.get(f"/events/{eid}")
    assert page.status_code == 200 and 'id="dashboard"' in page.text
    for path in ("tables", "report"):
        assert client.get(f"/events/{eid}/{path}").status_code == 200
    agendas = client.get(f"/events/{eid}/agendas")
    assert agendas.status_code == 200 and agendas.text.count('class="agenda"') == 12  # the demo's participants
    assert client.get("/events/report").status_code == 200
    import re

    firm = re.search(rf"/events/{re.escape(eid)}/firms/(F-[0-9A-Z]{{8}}-[0-9A-Z*])", page.text)
    assert firm is not None
    assert 'id="agenda"' in client.get(f"/events/{eid}/firms/{firm.group(1)}").text
    ics = client.get(f"/events/{eid}/firms/{firm.group(1)}/agenda.ics")
    assert ics.headers["content-type"].startswith("text/calendar") and ics.text.startswith("BEGIN:VCALENDAR")
    client.post("/logout", data={"csrf_token": ""})


def test_a_bad_event_form_comes_back_with_the_input_and_named_reasons(
    client: TestClient, tokens: dict[str, str]
) -> None:
    login(client, "panitia@uji.example")
    form = {
        "csrf_token": csrf_of(client, "/events/new"),
        "name": "Temu Bisnis Mebel Jepara",
        "starts_on": "2030-06-01",
        "timezone": "Asia/Makassar",
        "slots_per_day": "banyak",
        "registration_opens": "2030-05-20",
        "registration_closes": "2030-05-01",
        "target_regions": ["33", "35"],
    }
    page = client.post("/events?lang=en", data=form)
    assert page.status_code == 422 and 'id="form-errors"' in page.text
    assert "<strong>Slots per day</strong>" in page.text
    assert 'value="Temu Bisnis Mebel Jepara"' in page.text and 'value="banyak"' in page.text
    assert '<option value="Asia/Makassar" selected' in page.text
    assert '<option value="33" selected' in page.text and '<option value="35" selected' in page.text
    form["slots_per_day"] = "8"
    page = client.post("/events", data=form)
    assert page.status_code == 422 and 'id="error-registration_closes"' in page.text
    assert "Tanggal tutup pendaftaran sebelum tanggal buka" in page.text
    form["registration_closes"] = "2030-05-30"
    created = client.post("/events", data=form, follow_redirects=True)
    assert created.status_code == 200 and "Jawa Tengah, Jawa Timur" in created.text and "WITA" in created.text


def test_cli_create_schedule_report(env_db: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli_app, ["db", "upgrade"]).exit_code == 0
    r = runner.invoke(cli_app, ["events", "create", "--name", "Temu CLI", "--starts-on", "2030-02-01"])
    assert r.exit_code == 0, r.output
    eid = r.output.strip().split()[-1]
    r = runner.invoke(cli_app, ["events", "schedule", eid, "--seconds", "2", "--publish"])
    assert r.exit_code == 0, r.output
    assert "published: 0" in r.output
    r = runner.invoke(cli_app, ["events", "report", "--json"])
    assert r.exit_code == 0
    rows = json.loads(r.output)
    assert rows[0]["event"] == eid and rows[0]["meetings"] == 0
