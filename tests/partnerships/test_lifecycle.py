"""The PP 7/2021 partnership path on SQLite and PostgreSQL: proposal → agreement → orders → BAST →
invoice → late payment flagged → payment → evaluation → outcome figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts.authz import Forbidden
from jejaring.accounts.roles import ADMIN, PEMILIK, PETUGAS, Actor
from jejaring.core.config import Settings
from jejaring.core.errors import DomainError, NotFound
from jejaring.matching import search as matching_search
from jejaring.matching import service as matching_service
from jejaring.matching.schemas import NeedIn
from jejaring.partnerships import agreement, ledger, notify, outcomes, service
from jejaring.partnerships.models import StatusChange
from jejaring.partnerships.schemas import (
    AgreementIn,
    DeliveryIn,
    EvaluationIn,
    InvoiceIn,
    OrderIn,
    PaymentIn,
    ProposalIn,
)
from jejaring.registry import demo
from jejaring.registry.models import Firm


def owner(firm: Firm) -> Actor:
    return Actor(
        role=PEMILIK,
        user_id=None,
        email=f"owner-{firm.id}@example.id",
        firm_ids=frozenset({firm.id}),
        scopes=frozenset({"read", "write"}),
        via="session",
    )


@pytest.fixture
def firms(session: Session) -> tuple[Firm, Firm]:
    demo.load_demo_if_empty(session)
    session.commit()
    big = session.scalar(select(Firm).where(Firm.name == "PT Astra Komponen Nusantara"))
    ikm = session.scalar(select(Firm).where(Firm.name == "CV Presisi Komponen Otomotif"))
    assert big is not None and ikm is not None
    return big, ikm


FULL_AGREEMENT = AgreementIn(
    identity_larger="PT Astra Komponen Nusantara, NIB …, Kawasan Industri MM2100, Bekasi",
    identity_smaller="CV Presisi Komponen Otomotif, Kawasan Jababeka Blok F, Bekasi",
    business_activity="Pembuatan bracket knalpot dan komponen stamping",
    rights_obligations="Pihak besar menyediakan gambar teknik dan bahan baku; IKM memproduksi sesuai spesifikasi",
    development_form="Pendampingan mutu ISO 9001 dan pelatihan operator press",
    start_date=date(2026, 1, 1),
    duration_months=24,
    payment_period_days=30,
    payment_mechanism="Transfer bank 30 hari setelah faktur",
    dispute_settlement="Musyawarah, lalu Badan Arbitrase Nasional Indonesia",
    checklist=["sub_spec", "sub_support", "sub_payment"],
    independence_declared=True,
)


def test_full_path(session: Session, settings: Settings, firms: tuple[Firm, Firm]) -> None:
    big, ikm = firms
    buyer, supplier = owner(big), owner(ikm)
    # match: the large industry posts a need and finds the IKM among the ranked, explained partners
    need = matching_service.create_need(
        session,
        data=NeedIn(
            firm=big.public_id,
            kind="subkontrak",
            title="Subkontrak bracket knalpot dan komponen stamping",
            description="bracket knalpot, komponen stamping untuk kendaraan roda empat",
            kbli_code="29300",
            location="32.16",
        ),
        created_by=buyer.label,
    )
    session.commit()
    outcome = matching_search.match_need(session, settings, need=need)
    ids = [r.candidate.doc.public_id for r in outcome.ranked]
    assert ikm.public_id in ids, ids
    hit = outcome.ranked[ids.index(ikm.public_id)]
    assert hit.why, "every result says why"
    # proposal: handed over from the match to the partnership flow
    p = service.propose(
        session,
        actor=buyer,
        data=ProposalIn(
            proposer_firm=big.public_id,
            partner_firm=ikm.public_id,
            pattern="subkontrak",
            title="Subkontrak bracket knalpot",
            origin_ref=need.public_id,
        ),
    )
    assert p.status == "usulan" and p.larger_firm_id == big.id and p.smaller_firm_id == ikm.id
    assert p.origin == "match"
    # the proposer cannot move it to negotiation; the recipient can
    with pytest.raises(DomainError) as e:
        service.transition(session, actor=buyer, partnership=p, to="negosiasi")
    assert e.value.key == "partnerships.error.recipient_only"
    service.transition(session, actor=supplier, partnership=p, to="negosiasi")
    # signing an incomplete agreement is refused, naming what is missing
    agreement.save(session, actor=buyer, partnership=p, data=AgreementIn(business_activity="stamping"))
    with pytest.raises(DomainError) as e:
        agreement.sign(session, actor=buyer, partnership=p)
    assert e.value.key == "partnerships.error.agreement_incomplete"
    assert "dispute_settlement" in e.value.params["fields"] and "checklist:sub_payment" in e.value.params["fields"]
    agreement.save(session, actor=supplier, partnership=p, data=FULL_AGREEMENT)
    assert agreement.missing(p) == []
    agreement.sign(session, actor=buyer, partnership=p)
    assert p.status == "negosiasi"
    agreement.sign(session, actor=supplier, partnership=p)
    assert p.status == "disepakati"
    with pytest.raises(DomainError):  # the agreement is locked once agreed
        agreement.save(session, actor=buyer, partnership=p, data=FULL_AGREEMENT)
    service.transition(session, actor=buyer, partnership=p, to="aktif")
    # orders, deliveries with BAST, invoices
    order = ledger.add_order(
        session,
        actor=buyer,
        partnership=p,
        data=OrderIn(
            number="PO-001",
            issued_on=date(2026, 2, 1),
            description="Bracket knalpot",
            quantity=1000,
            unit="buah",
            unit_price=25_000,
        ),
    )
    with pytest.raises(DomainError):
        ledger.add_delivery(
            session,
            actor=supplier,
            partnership=p,
            order=order,
            data=DeliveryIn(delivered_on=date(2026, 2, 20), quantity=1500, bast_number="BAST-1", received_by="Gudang"),
        )
    ledger.add_delivery(
        session,
        actor=supplier,
        partnership=p,
        order=order,
        data=DeliveryIn(
            delivered_on=date(2026, 2, 20), quantity=1000, bast_number="BAST-001", received_by="Bagian Gudang"
        ),
    )
    with pytest.raises(DomainError):
        ledger.add_invoice(
            session,
            actor=supplier,
            partnership=p,
            order=order,
            data=InvoiceIn(number="INV-X", issued_on=date(2026, 2, 21), amount=30_000_000),
        )
    invoice = ledger.add_invoice(
        session,
        actor=supplier,
        partnership=p,
        order=order,
        data=InvoiceIn(number="INV-001", issued_on=date(2026, 2, 21), amount=25_000_000),
    )
    assert invoice.due_on == date(2026, 2, 21) + timedelta(days=30)
    # late payment is flagged once, to both parties
    late = invoice.due_on + timedelta(days=5)
    assert ledger.invoice_status(invoice, late) == "terlambat"
    assert ledger.check_overdue(session, today=late) == 1
    assert ledger.check_overdue(session, today=late) == 0
    overdue_notes = [n for n in notify.for_firms(session, firm_ids=frozenset({big.id, ikm.id})) if n.kind == "overdue"]
    assert {n.firm_id for n in overdue_notes} == {big.id, ikm.id}
    before = outcomes.outcome_metrics(session, by="total", today=late)[0]
    assert before["value_paid"] == 0 and before["on_time_payment_rate"] == 0.0
    ledger.add_payment(
        session,
        actor=buyer,
        partnership=p,
        invoice=invoice,
        data=PaymentIn(paid_on=late, amount=25_000_000, reference="TRF-1"),
    )
    assert ledger.invoice_status(invoice, late) == "lunas"
    assert ledger.paid_on_time(invoice) is False
    ledger.add_evaluation(
        session,
        actor=supplier,
        partnership=p,
        data=EvaluationIn(
            period="2026-Q1", quality=4, timeliness=5, payment=2, communication=4, comment="Pembayaran terlambat"
        ),
    )
    with pytest.raises(DomainError):
        ledger.add_evaluation(
            session,
            actor=supplier,
            partnership=p,
            data=EvaluationIn(period="2026-Q1", quality=4, timeliness=5, payment=2, communication=4),
        )
    session.commit()
    # outcome figures: realised, by province of the IKM party, sector and pattern
    total = outcomes.outcome_metrics(session, by="total", today=late)[0]
    assert total["proposals"] == 1 and total["agreements"] == 1 and total["first_order"] == 1
    assert total["repeat_orders"] == 0
    assert total["value_delivered"] == 25_000_000 and total["value_paid"] == 25_000_000
    assert total["on_time_payment_rate"] == 0.0
    by_province = {r["group"]: r for r in outcomes.outcome_metrics(session, by="province", today=late)}
    assert by_province["32"]["value_paid"] == 25_000_000
    assert {r["group"] for r in outcomes.outcome_metrics(session, by="pattern")} == {"subkontrak"}
    history = [h.to_status for h in session.scalars(select(StatusChange).where(StatusChange.partnership_id == p.id))]
    assert history == ["usulan", "negosiasi", "disepakati", "aktif"]
    service.transition(session, actor=supplier, partnership=p, to="selesai")
    with pytest.raises(DomainError):
        service.transition(session, actor=supplier, partnership=p, to="aktif")


def test_invalid_transitions_and_visibility(session: Session, firms: tuple[Firm, Firm]) -> None:
    big, ikm = firms
    buyer, supplier = owner(big), owner(ikm)
    p = service.propose(
        session,
        actor=buyer,
        data=ProposalIn(
            proposer_firm=big.public_id, partner_firm=ikm.public_id, pattern="rantai_pasok", title="Rantai pasok"
        ),
    )
    for target in ("aktif", "selesai", "disepakati", "usulan"):
        with pytest.raises(DomainError) as e:
            service.transition(session, actor=supplier, partnership=p, to=target)
        assert e.value.key == "partnerships.error.invalid_transition"
    with pytest.raises(DomainError) as e:
        service.transition(session, actor=supplier, partnership=p, to="dihentikan")
    assert e.value.key == "partnerships.error.note_required"
    stranger = Actor(role=PEMILIK, firm_ids=frozenset({999_999}), scopes=frozenset({"read", "write"}), via="session")
    with pytest.raises(NotFound):
        service.get(session, actor=stranger, public_id=p.public_id)
    with pytest.raises(Forbidden):
        service.transition(session, actor=stranger, partnership=p, to="dihentikan", note="x")
    assert service.list_for(session, actor=stranger) == []
    officer_here = Actor(role=PETUGAS, province_code="32", scopes=frozenset({"read", "write"}), via="session")
    officer_elsewhere = Actor(role=PETUGAS, province_code="51", scopes=frozenset({"read", "write"}), via="session")
    assert service.get(session, actor=officer_here, public_id=p.public_id).id == p.id
    with pytest.raises(NotFound):
        service.get(session, actor=officer_elsewhere, public_id=p.public_id)
    with pytest.raises(Forbidden):  # officials see, but only parties act
        service.transition(session, actor=officer_here, partnership=p, to="dihentikan", note="x")
    admin = Actor(role=ADMIN, scopes=frozenset({"read", "write"}), via="session")
    assert [x.id for x in service.list_for(session, actor=admin)] == [p.id]
    with pytest.raises(Forbidden):  # a firm the actor does not own cannot propose
        service.propose(
            session,
            actor=supplier,
            data=ProposalIn(proposer_firm=big.public_id, partner_firm=ikm.public_id, pattern="subkontrak", title="x"),
        )
    service.transition(session, actor=supplier, partnership=p, to="dihentikan", note="Kapasitas tidak cukup")
    assert p.status == "dihentikan"


def test_independence_check_flags_shared_owner(session: Session, firms: tuple[Firm, Firm]) -> None:
    big, ikm = firms
    assert ikm.private is not None and big.private is not None
    big.private.owner_name = "H. Hendra Gunawan"
    ikm.private.owner_name = "Hendra Gunawan"
    session.flush()
    flags = agreement.independence_flags(big, ikm)
    assert {"key": "partnerships.flag.same_owner"} in flags
