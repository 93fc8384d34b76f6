"""HS codes of a firm: text → HS6 suggestions, corrections by owner or officer (authorised, audited)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts.authz import Forbidden, Unauthenticated
from jejaring.accounts.models import AuditEvent
from jejaring.accounts.roles import ANONYMOUS, PEMILIK, PETUGAS, Actor
from jejaring.core.errors import DomainError
from jejaring.markets import hscodes, service
from jejaring.registry import service as registry_service
from jejaring.registry.models import Firm
from jejaring.registry.schemas import FirmCreate

WRITE = frozenset({"read", "write"})


def _firm(session: Session) -> Firm:
    firm = registry_service.create_firm(
        session,
        data=FirmCreate.model_validate(
            {"name": "Mebel Uji", "regency_code": "33.20", "kbli_code": "31001", "products": "kursi rotan"}
        ),
    )
    session.flush()
    return firm


def test_text_to_hs_suggestions_rank_the_right_subheading_first() -> None:
    got = hscodes.suggest("kursi dan meja dari rotan", kbli="31001", top=5)
    assert got and all(s["hs6"].startswith("94") for s in got)
    assert "940383" in [s["hs6"] for s in got[:3]]
    assert got[0]["confidence"] >= got[-1]["confidence"] > 0
    coffee = hscodes.suggest("roasted coffee beans", top=3)
    assert coffee[0]["hs6"].startswith("0901")


def test_owner_and_officer_correct_codes_others_may_not(session: Session, world_dir: Path) -> None:
    firm = _firm(session)
    before = service.recommendations(session, kind="firm", ref=firm.public_id, data_dir=world_dir)
    assert all(p["source"] == "kbli" for p in before["products"])
    owner = Actor(
        role=PEMILIK,
        user_id=None,
        email="pemilik@example.id",
        firm_ids=frozenset({firm.id}),
        scopes=WRITE,
        via="session",
    )
    stranger = Actor(
        role=PEMILIK, email="lain@example.id", firm_ids=frozenset({firm.id + 999}), scopes=WRITE, via="session"
    )
    officer_elsewhere = Actor(role=PETUGAS, email="dinas@example.id", province_code="32", scopes=WRITE, via="session")
    officer = Actor(role=PETUGAS, email="dinas33@example.id", province_code="33", scopes=WRITE, via="session")
    with pytest.raises(Unauthenticated):
        service.set_firm_hs(session, actor=ANONYMOUS, public_id=firm.public_id, hs6="940383")
    for actor in (stranger, officer_elsewhere):
        with pytest.raises(Forbidden):
            service.set_firm_hs(session, actor=actor, public_id=firm.public_id, hs6="940383")
    with pytest.raises(DomainError):
        service.set_firm_hs(session, actor=owner, public_id=firm.public_id, hs6="999999")
    got = service.set_firm_hs(session, actor=owner, public_id=firm.public_id, hs6="940383", product_text="kursi rotan")
    assert [c["hs6"] for c in got["codes"]] == ["940383"] and got["codes"][0]["set_by"] == "pemilik@example.id"
    service.set_firm_hs(session, actor=officer, public_id=firm.public_id, hs6="940161")
    after = service.recommendations(session, kind="firm", ref=firm.public_id, data_dir=world_dir)
    assert {p["hs6"] for p in after["products"]} == {"940383", "940161"}
    assert all(p["source"] == "corrected" for p in after["products"])
    # the planted fast-growing rattan market is among the best three (the 227-economy world puts China first)
    assert "JPN" in [m["market"] for m in after["markets"][:3]]
    service.set_firm_hs(session, actor=officer, public_id=firm.public_id, hs6="940161", remove=True)
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity_id == firm.public_id)).all()
    assert [e.action for e in events] == ["markets.set_hs", "markets.set_hs", "markets.remove_hs"]
    assert {e.actor_label for e in events} == {"pemilik@example.id", "dinas33@example.id"}
    final = service.recommendations(session, kind="firm", ref=firm.public_id, data_dir=world_dir)
    assert {p["hs6"] for p in final["products"]} == {"940383"}
