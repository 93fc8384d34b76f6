"""`jejaring capability …` as a user runs it, the synthetic demo assessments, and halal deadlines."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jejaring.capability import deadlines, demo, scoring
from jejaring.capability.models import Assessment
from jejaring.cli import app
from jejaring.core.db import get_engine, session_scope
from tests.capability.helpers import ADMIN_ACTOR, demo_firms, officer

runner = CliRunner()


def test_cli_assess_plan_programmes(env_db: str) -> None:
    with session_scope(get_engine(env_db)) as session:
        firm = demo_firms(session)["Tempe Murni Sejahtera"].public_id
    r = runner.invoke(app, ["capability", "assess", firm, "-a", "quality_control=1", "-a", "packaging=3", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["version"] == 1 and out["answers"]["quality_control"] == 1 and out["answers"]["cert_halal"] == 1
    r = runner.invoke(app, ["capability", "plan", firm, "--region", "eu_uk", "--budget", "0", "--json"])
    assert r.exit_code == 0, r.output
    plan = json.loads(r.output)
    assert plan["target"].startswith("Makanan dan minuman") and plan["plan"]["cost_firm"] == 0
    r = runner.invoke(
        app,
        ["capability", "programmes", "create", "--name", "Bimtek DIY", "--province", "34", "--start", "2027-01-01",
         "--end", "2027-03-01", "--budget", "9000000", "-i", "bimtek_quality"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    pid = r.output.strip()
    r = runner.invoke(app, ["capability", "programmes", "rank", pid, "--json"])
    assert r.exit_code == 0, r.output
    assert [i["firm"] for i in json.loads(r.output)["items"]] == [firm]


def test_synthetic_assessments(session: Session) -> None:
    demo_firms(session)
    n = demo.seed_assessments(session, share=1.0, seed=3)
    assert n > 0
    assert demo.seed_if_empty(session) == 0  # only once
    rows = session.scalars(select(Assessment)).all()
    assert len(rows) == n and all(a.assessor_kind == "synthetic" for a in rows)
    # certificate criteria come only from the registry: a firm without SNI in the registry never has it
    firms = demo_firms(session)
    tempe = firms["Tempe Murni Sejahtera"]
    a = session.scalar(select(Assessment).where(Assessment.firm_id == tempe.id))
    assert a is not None
    answers = scoring.decode(a.vector)
    assert answers["cert_halal"] == 1 and answers["cert_sni"] == 0
    assert session.scalar(select(func.count()).select_from(Assessment).where(Assessment.is_latest.is_(False))) == 0


def test_halal_deadlines(session: Session) -> None:
    firms = demo_firms(session)
    roti, indofood = firms["Roti Kenari Makmur"], firms["PT Indofood Nusantara Pangan"]
    jati = firms["CV Jati Ukir Mandiri"]
    assert [d.deadline for d in deadlines.for_firm(roti, today=date(2026, 1, 1))] == [date(2026, 10, 17)]
    assert deadlines.for_firm(roti, today=date(2026, 1, 1))[0].state == "met"  # it holds Halal
    assert [d.deadline for d in deadlines.for_firm(indofood)] == [date(2024, 10, 17)]  # large food firm
    assert deadlines.for_firm(jati) == []  # furniture: no halal obligation
    keripik = firms["Keripik Pisang Bu Nur"]  # Lampung, food, holds Halal → not in the officer's list
    rows = deadlines.officer_list(session, actor=officer(keripik.province_code), today=date(2026, 1, 1))
    assert keripik.id not in {f.id for f, _ in rows}
    tempe = firms["Tempe Murni Sejahtera"]  # Yogyakarta, small food firm: drop its Halal certificate
    tempe.certifications = [c for c in tempe.certifications if c.certificate_code != "HALAL"]
    session.flush()
    rows = deadlines.officer_list(session, actor=officer("34"), province="33", today=date(2026, 1, 1))
    assert [(f.name, d.deadline, d.state) for f, d in rows] == [("Tempe Murni Sejahtera", date(2026, 10, 17), "soon")]
    everywhere = deadlines.officer_list(session, actor=ADMIN_ACTOR, today=date(2026, 1, 1))
    assert tempe.id in {f.id for f, _ in everywhere}
    assert all(not d.met for _, d in everywhere)
    assert [d.days_left for _, d in everywhere] == sorted(d.days_left for _, d in everywhere)


def test_tkdn_precheck(session: Session) -> None:
    from jejaring.capability import precheck

    firms = demo_firms(session)
    small, medium = firms["Mebel Ukir Sumber Rejeki"], firms["CV Jati Ukir Mandiri"]
    states = {c.code: c.state for c in precheck.tkdn_ik(small)}
    assert states["small_industry"] == "ok" and states["own_production"] == "confirm"
    assert states["nib_kbli"] == ("ok" if small.nib_present else "problem")
    assert {c.code: c.state for c in precheck.tkdn_ik(medium)}["small_industry"] == "problem"  # 35 workers
    assert len(precheck.tkdn_ik(small, "en")) == 6
