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
from jejaring.matching.models import Need
from jejaring.matching.schemas import NeedIn
from jejaring.partnerships import agreement, ledger, notify, outcomes, service
from jejaring.partnerships.models import Invoice, Partnership, StatusChange
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


Parties = tuple[Firm, Firm]
ORDER = OrderIn(
    number="PO-001",
    issued_on=date(2026, 2, 1),
    description="Bracket knalpot",
    quantity=1000,
    unit="buah",
    unit_price=25_000,
)
DELIVERY = DeliveryIn(
    delivered_on=date(2026, 2, 20), quantity=1000, bast_number="BAST-001", received_by="Bagian Gudang"
)
INVOICE = InvoiceIn(number="INV-001", issued_on=date(2026, 2, 21), amount=25_000_000)
EVALUATION = EvaluationIn(
    period="2026-Q1", quality=4, timeliness=5, payment=2, communication=4, comment="Pembayaran terlambat"
)


def _need(session: Session, big: Firm) -> Need:
    need = matching_service.create_need(
        session,
        actor=owner(big),
        data=NeedIn(
            firm=big.public_id,
            kind="subkontrak",
            title="Subkontrak bracket knalpot dan komponen stamping",
            description="bracket knalpot, komponen stamping untuk kendaraan roda empat",
            kbli_code="29300",
            location="32.16",
        ),
    )
    session.commit()
    return need


def _proposed(session: Session, firms: Parties, origin_ref: str | None = None) -> Partnership:
    big, ikm = firms
    data = ProposalIn(
        proposer_firm=big.public_id,
        partner_firm=ikm.public_id,
        pattern="subkontrak",
        title="Subkontrak bracket knalpot",
        origin_ref=origin_ref,
    )
    return service.propose(session, actor=owner(big), data=data)


def _negotiating(session: Session, firms: Parties) -> Partnership:
    p = _proposed(session, firms)
    service.transition(session, actor=owner(firms[1]), partnership=p, to="negosiasi")
    return p


def _active(session: Session, firms: Parties) -> Partnership:
    p = _negotiating(session, firms)
    buyer, supplier = owner(firms[0]), owner(firms[1])
    agreement.save(session, actor=supplier, partnership=p, data=FULL_AGREEMENT)
    agreement.sign(session, actor=buyer, partnership=p)
    agreement.sign(session, actor=supplier, partnership=p)
    service.transition(session, actor=buyer, partnership=p, to="aktif")
    return p


def _invoiced(session: Session, firms: Parties) -> tuple[Partnership, Invoice]:
    p = _active(session, firms)
    order = ledger.add_order(session, actor=owner(firms[0]), partnership=p, data=ORDER)
    supplier = owner(firms[1])
    ledger.add_delivery(session, actor=supplier, partnership=p, order=order, data=DELIVERY)
    return p, ledger.add_invoice(session, actor=supplier, partnership=p, order=order, data=INVOICE)


def _paid_late(session: Session, firms: Parties) -> tuple[Partnership, Invoice, date]:
    p, invoice = _invoiced(session, firms)
    late = invoice.due_on + timedelta(days=5)
    payment = PaymentIn(paid_on=late, amount=25_000_000, reference="TRF-1")
    ledger.add_payment(session, actor=owner(firms[0]), partnership=p, invoice=invoice, data=payment)
    return p, invoice, late


def test_match_finds_the_ikm_and_says_why(session: Session, settings: Settings, firms: Parties) -> None:
    big, ikm = firms
    outcome = matching_search.match_need(session, settings, need=_need(session, big))
    ids = [r.candidate.doc.public_id for r in outcome.ranked]
    assert ikm.public_id in ids, ids
    assert outcome.ranked[ids.index(ikm.public_id)].why, "every result says why"


def test_proposal_from_a_match(session: Session, firms: Parties) -> None:
    big, ikm = firms
    p = _proposed(session, firms, origin_ref=_need(session, big).public_id)
    assert p.status == "usulan" and p.larger_firm_id == big.id and p.smaller_firm_id == ikm.id
    assert p.origin == "match"


def test_only_the_recipient_moves_to_negotiation(session: Session, firms: Parties) -> None:
    p = _proposed(session, firms)
    with pytest.raises(DomainError) as e:
        service.transition(session, actor=owner(firms[0]), partnership=p, to="negosiasi")
    assert e.value.key == "partnerships.error.recipient_only"
    service.transition(session, actor=owner(firms[1]), partnership=p, to="negosiasi")
    assert p.status == "negosiasi"


def test_an_incomplete_agreement_cannot_be_signed(session: Session, firms: Parties) -> None:
    p = _negotiating(session, firms)
    buyer = owner(firms[0])
    agreement.save(session, actor=buyer, partnership=p, data=AgreementIn(business_activity="stamping"))
    with pytest.raises(DomainError) as e:
        agreement.sign(session, actor=buyer, partnership=p)
    assert e.value.key == "partnerships.error.agreement_incomplete"
    assert "dispute_settlement" in e.value.params["fields"] and "checklist:sub_payment" in e.value.params["fields"]


def test_both_signatures_agree_and_lock_the_agreement(session: Session, firms: Parties) -> None:
    p = _negotiating(session, firms)
    buyer, supplier = owner(firms[0]), owner(firms[1])
    agreement.save(session, actor=supplier, partnership=p, data=FULL_AGREEMENT)
    assert agreement.missing(p) == []
    agreement.sign(session, actor=buyer, partnership=p)
    assert p.status == "negosiasi"
    agreement.sign(session, actor=supplier, partnership=p)
    assert p.status == "disepakati"
    with pytest.raises(DomainError):  # the agreement is locked once agreed
        agreement.save(session, actor=buyer, partnership=p, data=FULL_AGREEMENT)


def test_deliveries_may_not_exceed_the_order(session: Session, firms: Parties) -> None:
    p = _active(session, firms)
    order = ledger.add_order(session, actor=owner(firms[0]), partnership=p, data=ORDER)
    too_many = DeliveryIn(delivered_on=date(2026, 2, 20), quantity=1500, bast_number="BAST-1", received_by="Gudang")
    with pytest.raises(DomainError):
        ledger.add_delivery(session, actor=owner(firms[1]), partnership=p, order=order, data=too_many)
    ledger.add_delivery(session, actor=owner(firms[1]), partnership=p, order=order, data=DELIVERY)
    assert ledger.delivered_quantity(order) == 1000


def test_invoices_may_not_exceed_the_delivered_value(session: Session, firms: Parties) -> None:
    p = _active(session, firms)
    supplier = owner(firms[1])
    order = ledger.add_order(session, actor=owner(firms[0]), partnership=p, data=ORDER)
    ledger.add_delivery(session, actor=supplier, partnership=p, order=order, data=DELIVERY)
    too_much = InvoiceIn(number="INV-X", issued_on=date(2026, 2, 21), amount=30_000_000)
    with pytest.raises(DomainError):
        ledger.add_invoice(session, actor=supplier, partnership=p, order=order, data=too_much)
    invoice = ledger.add_invoice(session, actor=supplier, partnership=p, order=order, data=INVOICE)
    assert invoice.due_on == date(2026, 2, 21) + timedelta(days=30)


def test_a_late_payment_is_flagged_once_to_both_parties(session: Session, firms: Parties) -> None:
    big, ikm = firms
    _, invoice = _invoiced(session, firms)
    late = invoice.due_on + timedelta(days=5)
    assert ledger.invoice_status(invoice, late) == "terlambat"
    assert ledger.check_overdue(session, today=late) == 1
    assert ledger.check_overdue(session, today=late) == 0
    overdue_notes = [n for n in notify.for_firms(session, firm_ids=frozenset({big.id, ikm.id})) if n.kind == "overdue"]
    assert {n.firm_id for n in overdue_notes} == {big.id, ikm.id}
    before = outcomes.outcome_metrics(session, by="total", today=late)[0]
    assert before["value_paid"] == 0 and before["on_time_payment_rate"] == 0.0


def test_a_late_payment_settles_the_invoice(session: Session, firms: Parties) -> None:
    _, invoice, late = _paid_late(session, firms)
    assert ledger.invoice_status(invoice, late) == "lunas"
    assert ledger.paid_on_time(invoice) is False


def test_one_evaluation_per_period(session: Session, firms: Parties) -> None:
    p = _active(session, firms)
    supplier = owner(firms[1])
    ledger.add_evaluation(session, actor=supplier, partnership=p, data=EVALUATION)
    again = EvaluationIn(period="2026-Q1", quality=4, timeliness=5, payment=2, communication=4)
    with pytest.raises(DomainError):
        ledger.add_evaluation(session, actor=supplier, partnership=p, data=again)


def test_outcome_figures(session: Session, firms: Parties) -> None:
    p, _, late = _paid_late(session, firms)
    ledger.add_evaluation(session, actor=owner(firms[1]), partnership=p, data=EVALUATION)
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


def test_status_history_and_the_end_of_a_partnership(session: Session, firms: Parties) -> None:
    p = _active(session, firms)
    session.commit()
    history = [h.to_status for h in session.scalars(select(StatusChange).where(StatusChange.partnership_id == p.id))]
    assert history == ["usulan", "negosiasi", "disepakati", "aktif"]
    supplier = owner(firms[1])
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
