"""Resolution against the real registry on SQLite and PostgreSQL: runs, queue, merge, split, aliases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jejaring.accounts.roles import ANALIS, PETUGAS, Actor
from jejaring.core.errors import DomainError
from jejaring.registry import service as registry_service
from jejaring.registry.models import Firm
from jejaring.registry.schemas import FirmCreate
from jejaring.resolution import service
from jejaring.resolution.models import MatchCandidate

OFFICER = Actor(
    role=PETUGAS, province_code="33", email="officer@33", scopes=frozenset({"read", "write"}), via="session"
)
ANALYST = Actor(role=ANALIS, email="analis@pusat", scopes=frozenset({"read", "write"}), via="session")


def _firm(session: Session, file: str, row: int, **over) -> Firm:
    data = {
        "name": "CV. Mebel Jati Makmur",
        "regency_code": "33.20",
        "district_code": "33.20.11",
        "desa": "Tahunan",
        "address": "Jl. Raya Tahunan No 5 RT 01/RW 02",
        "kbli_code": "31001",
        "products": "mebel jati",
        "workers": 10,
        "investment": 100_000_000,
        "owner_name": "H. Slamet",
        "phone": "0812-1111-2222",
        "latitude": -6.6,
        "longitude": 110.7,
        "reference_year": 2023,
    }
    data.update(over)
    return registry_service.create_firm(
        session,
        data=FirmCreate.model_validate(data),
        source=registry_service.SourceInfo(office="33", file_name=file, row_number=row),
    )


@pytest.fixture
def firms(session: Session) -> dict[str, Firm]:
    out = {
        # the same firm reported by the province (2023) and the regency (2024) with spelling variants
        "prov": _firm(session, "ikm_33_2023.xlsx", 2),
        "kab": _firm(
            session,
            "ikm_3320_2024.xlsx",
            5,
            name="Mebel Jati Makmor",
            address="Jalan Raya Tahunan nomor 5",
            phone=None,
            latitude=None,
            longitude=None,
            workers=14,
            reference_year=2024,
        ),
        # a hard negative: near-identical name, same village, different owner and phone
        "other": _firm(
            session,
            "ikm_33_2023.xlsx",
            3,
            name="Mebel Jati Makmur Abadi",
            owner_name="Sutrisno",
            phone="0813-9999-0000",
            address="Jl. Raya Tahunan 88",
        ),
        # a borderline pair: similar name, same owner, no other evidence
        "maybe": _firm(
            session,
            "ikm_33_2023.xlsx",
            4,
            name="Batik Sekar Arum",
            regency_code="33.75",
            district_code=None,
            desa=None,
            address="Kauman",
            kbli_code="13134",
            owner_name="Siti Aminah",
            phone=None,
            latitude=None,
            longitude=None,
        ),
        "maybe2": _firm(
            session,
            "ikm_33_2024.xlsx",
            9,
            name="Batik Sekararum",
            regency_code="33.75",
            district_code=None,
            desa=None,
            address="Jl. Hayam Wuruk",
            kbli_code="13134",
            owner_name="Siti Aminah",
            phone=None,
            latitude=None,
            longitude=None,
        ),
    }
    session.commit()
    return out


def test_full_run_merges_duplicates_and_keeps_hard_negatives(session: Session, firms: dict[str, Firm]) -> None:
    run = service.run(session, actor=ANALYST, full=True)
    session.commit()
    assert run.status == "done" and run.records == 5 and run.merged == 1
    prov, kab, other = firms["prov"], firms["kab"], firms["other"]
    session.refresh(prov)
    session.refresh(kab)
    session.refresh(other)
    survivor, merged = (kab, prov) if kab.status == "active" else (prov, kab)
    assert merged.status == "merged" and merged.merged_into_id == survivor.id
    assert survivor.id == kab.id, "most recent reference year survives"
    # golden record: newest non-empty values, older non-empty values fill the gaps
    assert survivor.workers == 14 and survivor.reference_year == 2024
    assert survivor.private is not None and survivor.private.phone == "0812-1111-2222"
    assert survivor.latitude == -6.6
    assert other.status == "active"
    # public IDs survive as aliases
    assert registry_service.get_firm(session, public_id=merged.public_id).id == survivor.id
    # the borderline pair waits for review, with reasons
    queue, total = service.review_queue(session)
    assert total == 1
    pair = {queue[0].firm_a_id, queue[0].firm_b_id}
    assert pair == {firms["maybe"].id, firms["maybe2"].id}
    assert json.loads(queue[0].explanation)
    # clusters list both source rows of the merged firm
    clusters = {c["id"]: c["members"] for c in service.clusters(session)}
    assert sorted((m["file"], m["row"]) for m in clusters[survivor.public_id]) == [
        ("ikm_3320_2024.xlsx", 5),
        ("ikm_33_2023.xlsx", 2),
    ]
    assert len(clusters) == 4


def test_review_confirm_reject_and_bulk(session: Session, firms: dict[str, Firm]) -> None:
    service.run(session, actor=ANALYST, full=True)
    (cand,), _ = service.review_queue(session)
    service.confirm(session, actor=OFFICER, candidate_id=cand.id)
    session.commit()
    a, b = session.get(Firm, cand.firm_a_id), session.get(Firm, cand.firm_b_id)
    assert {a.status, b.status} == {"active", "merged"}
    with pytest.raises(DomainError):
        service.confirm(session, actor=OFFICER, candidate_id=cand.id)
    with pytest.raises(DomainError):
        service.bulk_decide(session, actor=OFFICER, candidate_ids=[cand.id], decision="maybe")


def test_rejected_pair_is_not_proposed_again(session: Session, firms: dict[str, Firm]) -> None:
    service.run(session, actor=ANALYST, full=True)
    (cand,), _ = service.review_queue(session)
    service.reject(session, actor=OFFICER, candidate_id=cand.id)
    session.commit()
    service.run(session, actor=ANALYST, full=True)
    _, total = service.review_queue(session)
    assert total == 0
    assert session.get(MatchCandidate, cand.id).status == "rejected"


def test_split_restores_values_and_is_remembered(session: Session, firms: dict[str, Firm]) -> None:
    service.run(session, actor=ANALYST, full=True)
    session.commit()
    merged = session.scalar(select(Firm).where(Firm.status == "merged"))
    survivor = session.get(Firm, merged.merged_into_id)
    service.split_firm(session, actor=ANALYST, public_id=merged.public_id)
    session.commit()
    session.refresh(survivor)
    session.refresh(merged)
    assert merged.status == "active" and merged.merged_into_id is None
    assert survivor.workers == 14 and survivor.private.phone is None  # its own values again
    assert merged.workers == 10 and merged.private.phone == "0812-1111-2222"
    assert registry_service.get_firm(session, public_id=merged.public_id).id == merged.id
    service.run(session, actor=ANALYST, full=True)  # exact keys or scores must not merge them again
    session.commit()
    session.refresh(merged)
    assert merged.status == "active"


def test_incremental_links_new_rows_against_the_registry(session: Session, firms: dict[str, Firm]) -> None:
    first = service.run(session, actor=ANALYST)  # no earlier run: a full run
    session.commit()
    assert first.kind == "full"
    again = service.run(session, actor=ANALYST)
    assert again.kind == "incremental" and again.pairs_scored == 0
    session.commit()
    late = _firm(session, "ikm_33_2025.xlsx", 7, name="C.V. Mebel Jati Makmur", reference_year=2025)
    session.commit()
    inc = service.run(session, actor=ANALYST)
    session.commit()
    assert inc.kind == "incremental" and inc.merged == 1
    session.refresh(late)
    assert late.status == "active"  # newest reference year survives
    cluster = next(c for c in service.clusters(session) if c["id"] == late.public_id)
    assert len(cluster["members"]) == 3


def test_manual_merge_guards(session: Session, firms: dict[str, Firm]) -> None:
    a, b = firms["other"], firms["maybe"]
    with pytest.raises(DomainError):
        service.merge_manually(session, actor=ANALYST, survivor_id=a.public_id, merged_id=a.public_id)
    service.merge_manually(session, actor=ANALYST, survivor_id=a.public_id, merged_id=b.public_id)
    with pytest.raises(DomainError):
        service.split_firm(session, actor=ANALYST, public_id=a.public_id)


def test_cli_resolve_json(env_db: str) -> None:
    from jejaring.cli import app
    from jejaring.core.db import get_engine, session_scope

    with session_scope(get_engine()) as session:
        _firm(session, "a.xlsx", 2)
        _firm(session, "b.csv", 4, name="CV Mebel Jati Makmur", reference_year=2024)
    result = CliRunner().invoke(app, ["resolve", "--full", "--json"])
    assert result.exit_code == 0, result.output
    clusters = json.loads(result.stdout)["clusters"]
    assert len(clusters) == 1
    assert sorted((m["file"], m["row"]) for m in clusters[0]["members"]) == [("a.xlsx", 2), ("b.csv", 4)]


def test_one_run_merges_every_component_at_once(session: Session, firms: dict[str, Firm]) -> None:
    twin = {"name": "Kerupuk Udang Sari Laut", "regency_code": "35.15", "district_code": None, "desa": None}
    twin.update(address="Jl. Pahlawan 7", kbli_code="10750", owner_name="Hj. Lilik", phone="0813-5555-1212")
    first = _firm(session, "ikm_35_2023.csv", 2, **twin, workers=None, brand="Sari Laut", reference_year=2023)
    second = _firm(
        session, "ikm_35_2024.csv", 2, **{**twin, "name": "UD Kerupuk Udang Sari Laut"}, workers=6, reference_year=2024
    )
    third = _firm(session, "ikm_3515_2024.csv", 8, **{**twin, "phone": None}, workers=None, reference_year=2022)
    session.commit()
    run = service.run(session, actor=ANALYST, full=True)
    session.commit()
    assert run.merged == 3  # prov+kab, and first+second+third
    for firm in (first, second, third):
        session.refresh(firm)
    assert second.status == "active" and first.merged_into_id == second.id and third.merged_into_id == second.id
    assert second.workers == 6 and second.brand == "Sari Laut"  # newest year first, older years fill gaps
    assert {r.role for r in second.roles} == {"ikm"}
    cluster = next(c for c in service.clusters(session, only_multi=True) if c["id"] == second.public_id)
    assert len(cluster["members"]) == 3
    again = service.run(session, actor=ANALYST, full=True)  # nothing left to merge; the queue keeps its one pair
    assert again.merged == 0 and again.queued == 1
