"""Links collected from partnerships and their orders, accepted proposals and sentra membership (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts.authz import Forbidden
from jejaring.accounts.roles import ANALIS, Actor, system_actor
from jejaring.ecosystem import service
from jejaring.ecosystem.models import Link
from jejaring.matching import service as matching_service
from jejaring.matching.schemas import NeedIn, ProposalIn
from jejaring.partnerships import service as partnerships_service
from tests.ecosystem.conftest import firm, sentra


def test_collect_links(session: Session) -> None:
    actor = system_actor()
    ikm = firm(session, "Keripik Sari", "35.07", kbli_code="10794")
    big = firm(session, "PT Pangan Besar", "35.78", roles=("industri_besar",))
    bank = firm(session, "BPR Makmur", "35.07", roles=("lembaga_keuangan",))
    oven = firm(session, "Servis Oven Malang", "35.07", roles=("layanan_purna_jual",))
    flour = firm(session, "Tepung Jaya", "35.73", roles=("pemasok_bahan_baku",))
    sentra(session, "Sentra Keripik Tempe Sanan", "35.73", "10794", [ikm, oven])
    rows = [
        {
            "ref": "K-1",
            "larger_firm_id": big.id,
            "smaller_firm_id": ikm.id,
            "pattern": "rantai_pasok",
            "title": "Keripik",
            "start_year": 2021,
            "end_year": 2022,
            "status": "selesai",
            "value": 250_000_000,
            "province_code": "35",
        },
        {
            "ref": "K-2",
            "larger_firm_id": bank.id,
            "smaller_firm_id": ikm.id,
            "pattern": "bagi_hasil",
            "title": "Modal",
            "start_year": 2023,
            "end_year": None,
            "status": "aktif",
            "value": None,
            "province_code": "35",
        },
        {
            "ref": "K-3",
            "larger_firm_id": flour.id,
            "smaller_firm_id": ikm.id,
            "pattern": "subkontrak",
            "title": "Batal",
            "start_year": 2020,
            "end_year": None,
            "status": "dihentikan",
            "value": 5,
            "province_code": "35",
        },
    ]
    assert partnerships_service.import_history(session, actor=actor, rows=rows) == 3
    assert partnerships_service.import_history(session, actor=actor, rows=rows) == 0  # by reference: once
    need = matching_service.create_need(
        session, actor=actor, data=NeedIn(firm=ikm.public_id, kind="bahan_baku", title="Tepung terigu 1 ton per bulan")
    )
    proposal = matching_service.propose(
        session, actor=actor, data=ProposalIn(to_firm=flour.public_id, need=need.public_id)
    )
    proposal.status = "accepted"  # the supplier accepted (the matching flow's step)
    session.flush()
    with pytest.raises(Forbidden):
        service.collect_links(session, actor=Actor(role=ANALIS, via="session", scopes=frozenset({"read", "write"})))
    counts = service.collect_links(session, actor=actor)
    assert counts == {"order": 1, "partnership": 1, "proposal": 1, "sentra": 1}
    links = {(lk.source, lk.kind, lk.partner_firm_id): lk for lk in session.scalars(select(Link))}
    assert set(links) == {
        ("order", "pemasaran_perdagangan", big.id),  # the large firm buys the IKM's output
        ("partnership", "pembiayaan", bank.id),  # bagi hasil: finance
        ("proposal", "bahan_baku", flour.id),  # the IKM's need for flour, accepted by the supplier
        ("sentra", "purna_jual", oven.id),  # a repair firm in the same sentra serves its members
    }
    order = links[("order", "pemasaran_perdagangan", big.id)]
    assert order.firm_id == ikm.id and order.value_per_year == 250_000_000 and order.since == 2021
    assert all(lk.province_code == "35" and lk.regency_code == "35.07" for lk in links.values())
    assert service.collect_links(session, actor=actor) == counts  # rebuilt, not duplicated
    assert len(list(session.scalars(select(Link)))) == 4
