"""Every write leaves an audit row: the service functions taking ``*, actor`` are enumerated from the source,
each one is either a read (listed with a reason) or has a scenario here that calls it and finds its audit row."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.accounts import claims, resets, tokens
from jejaring.accounts import service as accounts_service
from jejaring.accounts.models import AuditEvent, User
from jejaring.accounts.roles import ADMIN, PEMILIK, Actor, system_actor
from jejaring.accounts.schemas import ClaimReview, TokenCreate
from jejaring.core.config import Settings
from jejaring.partnerships import agreement, ledger
from jejaring.partnerships import service as partnerships_service
from jejaring.partnerships.models import Partnership
from jejaring.partnerships.schemas import DeliveryIn, EvaluationIn, InvoiceIn, OrderIn, PaymentIn, ProposalIn
from jejaring.registry import demo, edits
from jejaring.registry.models import Firm
from jejaring.registry.schemas import FirmCreate, FirmUpdate, SentraCreate
from jejaring.resolution import service as resolution_service
from jejaring.resolution.models import MatchCandidate
from tests import audit_scenarios
from tests.accounts.helpers import PASSWORD, create_user
from tests.partnerships.test_lifecycle import FULL_AGREEMENT, owner

SRC = Path(__file__).resolve().parents[1] / "src" / "jejaring"
EDGE_MODULES = {"views", "api", "cli", "deps", "middleware", "wiring", "admin_views", "claim_views", "edit_views"}
CLI = system_actor("cli")
ADMIN_ACTOR = Actor(role=ADMIN, user_id=None, email="admin@uji", scopes=frozenset({"read", "write"}), via="session")

READS = {  # functions that take the actor only to decide what it may see
    "accounts.audit.list_events": "lists audit events",
    "accounts.audit.record": "is the audit row itself",
    "accounts.service.list_users": "lists users",
    "accounts.tokens.list_tokens": "lists a user's tokens",
    "accounts.claims.get_claim": "reads one claim",
    "accounts.claims.list_claims": "lists claims",
    "registry.edits.firm_private": "reads the private fields of a firm",
    "partnerships.service.get": "reads one partnership",
    "partnerships.service.list_for": "lists partnerships",
    **audit_scenarios.READS,
}


def _is_actor(annotation: ast.expr | None) -> bool:
    return isinstance(annotation, ast.Name) and annotation.id == "Actor"


def actor_functions() -> set[str]:
    """``domain.module.function`` of every public function outside the web/CLI edges with a keyword ``actor``."""
    found = set()
    for path in SRC.rglob("*.py"):
        if path.stem in EDGE_MODULES or "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if any(arg.arg == "actor" and _is_actor(arg.annotation) for arg in node.args.kwonlyargs):
                found.add(f"{module}.{node.name}")
    return found


# --- scenarios: each prepares its data and returns the write to run and the audit action it must leave ----------

Write = tuple[Callable[[], object], str]


def _firms(session: Session) -> tuple[Firm, Firm]:
    demo.load_demo_if_empty(session)
    session.flush()
    big = session.scalar(select(Firm).where(Firm.name == "PT Astra Komponen Nusantara"))
    ikm = session.scalar(select(Firm).where(Firm.name == "CV Presisi Komponen Otomotif"))
    assert big is not None and ikm is not None
    return big, ikm


def _partnership(session: Session, stage: str = "usulan") -> tuple[Partnership, Actor, Actor]:
    big, ikm = _firms(session)
    buyer, supplier = owner(big), owner(ikm)
    data = ProposalIn(proposer_firm=big.public_id, partner_firm=ikm.public_id, pattern="subkontrak", title="Uji")
    p = partnerships_service.propose(session, actor=buyer, data=data)
    if stage == "usulan":
        return p, buyer, supplier
    partnerships_service.transition(session, actor=supplier, partnership=p, to="negosiasi")
    agreement.save(session, actor=supplier, partnership=p, data=FULL_AGREEMENT)
    if stage == "negosiasi":
        return p, buyer, supplier
    agreement.sign(session, actor=buyer, partnership=p)
    agreement.sign(session, actor=supplier, partnership=p)
    partnerships_service.transition(session, actor=buyer, partnership=p, to="aktif")
    return p, buyer, supplier


ORDER = OrderIn(
    number="PO-1", issued_on=date(2026, 2, 1), description="Bracket", quantity=10, unit="buah", unit_price=1000
)
INVOICE = InvoiceIn(number="INV-1", issued_on=date(2026, 2, 3), amount=10_000)


def _user(session: Session) -> User:
    return create_user(session, role="analis", email="sasaran@uji.example")


def _candidate(session: Session) -> MatchCandidate:
    a, b = _firms(session)
    lo, hi = sorted((a.id, b.id))
    cand = MatchCandidate(
        firm_a_id=lo, firm_b_id=hi, province_code=a.province_code, match_probability=0.8, match_weight=2.0
    )
    session.add(cand)
    session.flush()
    return cand


def s_create_user(session: Session, settings: Settings) -> Write:
    return (lambda: _user(session)), "user.create"


def s_set_active(session: Session, settings: Settings) -> Write:
    user = _user(session)
    return (lambda: accounts_service.set_active(session, actor=CLI, user=user, active=False)), "user.disable"


def s_change_password(session: Session, settings: Settings) -> Write:
    user = _user(session)
    me = accounts_service.actor_for(session, user=user, via="session", scopes=frozenset({"read", "write"}))
    new = "kata-sandi-baru-456"
    return (
        lambda: accounts_service.change_password(session, actor=me, user=user, current=PASSWORD, new=new)
    ), "user.password"


def s_set_password(session: Session, settings: Settings) -> Write:
    user = _user(session)
    return (lambda: accounts_service.set_password(session, actor=CLI, user=user, password="sandi-baru-789x")), (
        "user.password"
    )


def s_create_reset_link(session: Session, settings: Settings) -> Write:
    user = _user(session)
    return (lambda: resets.create_reset_link(session, actor=CLI, user=user, settings=settings)), "user.reset_link"


def s_create_token(session: Session, settings: Settings) -> Write:
    user = _user(session)
    data = TokenCreate.model_validate({"name": "uji", "scopes": ["read"]})
    return (lambda: tokens.create_token(session, actor=CLI, user=user, data=data)), "token.create"


def s_revoke_token(session: Session, settings: Settings) -> Write:
    user = _user(session)
    row, _ = tokens.create_token(session, actor=CLI, user=user, data=TokenCreate.model_validate({"name": "u"}))
    return (lambda: tokens.revoke_token(session, actor=CLI, token_id=row.id)), "token.revoke"


def _claimant(session: Session) -> tuple[Actor, Firm]:
    user = create_user(session, role=PEMILIK, email="pemilik@uji.example")
    actor = accounts_service.actor_for(session, user=user, via="session", scopes=frozenset({"read", "write"}))
    return actor, _firms(session)[1]


def s_submit_claim(session: Session, settings: Settings) -> Write:
    actor, firm = _claimant(session)
    text = "Saya pemilik usaha ini sejak 2015, NIB terlampir."
    return (
        lambda: claims.submit_claim(
            session, actor=actor, firm=firm, evidence_text=text, evidence=None, settings=settings
        )
    ), "claim.submit"


def s_review_claim(session: Session, settings: Settings) -> Write:
    actor, firm = _claimant(session)
    text = "Saya pemilik usaha ini sejak 2015, NIB terlampir."
    claim = claims.submit_claim(session, actor=actor, firm=firm, evidence_text=text, evidence=None, settings=settings)
    review = ClaimReview(decision="approve")
    return (lambda: claims.review_claim(session, actor=ADMIN_ACTOR, claim=claim, review=review)), "claim.approved"


def s_create_firm_as(session: Session, settings: Settings) -> Write:
    data = FirmCreate.model_validate({"name": "CV Uji Audit", "regency_code": "33.20"})
    return (lambda: edits.create_firm_as(session, actor=ADMIN_ACTOR, data=data)), "firm.create"


def s_create_sentra_as(session: Session, settings: Settings) -> Write:
    data = SentraCreate.model_validate({"name": "Sentra Uji", "regency_code": "33.20"})
    return (lambda: edits.create_sentra_as(session, actor=ADMIN_ACTOR, data=data)), "sentra.create"


def s_update_firm(session: Session, settings: Settings) -> Write:
    firm = _firms(session)[1]
    data = FirmUpdate(workers=77)
    return (lambda: edits.update_firm(session, actor=ADMIN_ACTOR, firm=firm, data=data)), "firm.edit"


def s_propose(session: Session, settings: Settings) -> Write:
    big, ikm = _firms(session)
    data = ProposalIn(proposer_firm=big.public_id, partner_firm=ikm.public_id, pattern="subkontrak", title="Uji")
    return (lambda: partnerships_service.propose(session, actor=owner(big), data=data)), "partnership.usulan"


def s_transition(session: Session, settings: Settings) -> Write:
    p, _, supplier = _partnership(session)
    return (
        lambda: partnerships_service.transition(session, actor=supplier, partnership=p, to="negosiasi")
    ), "partnership.negosiasi"


def s_mark_agreed(session: Session, settings: Settings) -> Write:
    p, buyer, _ = _partnership(session, "negosiasi")
    return (lambda: partnerships_service.mark_agreed(session, actor=buyer, partnership=p)), "partnership.disepakati"


def s_save(session: Session, settings: Settings) -> Write:
    p, buyer, supplier = _partnership(session)
    partnerships_service.transition(session, actor=supplier, partnership=p, to="negosiasi")
    return (
        lambda: agreement.save(session, actor=buyer, partnership=p, data=FULL_AGREEMENT)
    ), "partnership.agreement.save"


def s_sign(session: Session, settings: Settings) -> Write:
    p, buyer, _ = _partnership(session, "negosiasi")
    return (lambda: agreement.sign(session, actor=buyer, partnership=p)), "partnership.sign"


def s_add_order(session: Session, settings: Settings) -> Write:
    p, buyer, _ = _partnership(session, "aktif")
    return (lambda: ledger.add_order(session, actor=buyer, partnership=p, data=ORDER)), "partnership.order"


def s_add_delivery(session: Session, settings: Settings) -> Write:
    p, buyer, supplier = _partnership(session, "aktif")
    order = ledger.add_order(session, actor=buyer, partnership=p, data=ORDER)
    data = DeliveryIn(delivered_on=date(2026, 2, 2), quantity=10, bast_number="BAST-1", received_by="Gudang")
    return (
        lambda: ledger.add_delivery(session, actor=supplier, partnership=p, order=order, data=data)
    ), "partnership.delivery"


def s_add_invoice(session: Session, settings: Settings) -> Write:
    p, buyer, supplier = _partnership(session, "aktif")
    order = ledger.add_order(session, actor=buyer, partnership=p, data=ORDER)
    data = DeliveryIn(delivered_on=date(2026, 2, 2), quantity=10, bast_number="BAST-1", received_by="Gudang")
    ledger.add_delivery(session, actor=supplier, partnership=p, order=order, data=data)
    return (
        lambda: ledger.add_invoice(session, actor=supplier, partnership=p, order=order, data=INVOICE)
    ), "partnership.invoice"


def s_add_payment(session: Session, settings: Settings) -> Write:
    p, buyer, supplier = _partnership(session, "aktif")
    order = ledger.add_order(session, actor=buyer, partnership=p, data=ORDER)
    data = DeliveryIn(delivered_on=date(2026, 2, 2), quantity=10, bast_number="BAST-1", received_by="Gudang")
    ledger.add_delivery(session, actor=supplier, partnership=p, order=order, data=data)
    invoice = ledger.add_invoice(session, actor=supplier, partnership=p, order=order, data=INVOICE)
    pay = PaymentIn(paid_on=date(2026, 2, 10), amount=10_000, reference="TRF-1")
    return (
        lambda: ledger.add_payment(session, actor=buyer, partnership=p, invoice=invoice, data=pay)
    ), "partnership.payment"


def s_add_evaluation(session: Session, settings: Settings) -> Write:
    p, _, supplier = _partnership(session, "aktif")
    data = EvaluationIn(period="2026-Q1", quality=4, timeliness=5, payment=3, communication=4)
    return (lambda: ledger.add_evaluation(session, actor=supplier, partnership=p, data=data)), "partnership.evaluation"


def s_confirm(session: Session, settings: Settings) -> Write:
    cand = _candidate(session)
    return (lambda: resolution_service.confirm(session, actor=CLI, candidate_id=cand.id)), "resolution.confirm"


def s_reject(session: Session, settings: Settings) -> Write:
    cand = _candidate(session)
    return (lambda: resolution_service.reject(session, actor=CLI, candidate_id=cand.id)), "resolution.reject"


def s_bulk_decide(session: Session, settings: Settings) -> Write:
    cand = _candidate(session)
    return (
        lambda: resolution_service.bulk_decide(session, actor=CLI, candidate_ids=[cand.id], decision="reject")
    ), "resolution.reject"


def s_merge_manually(session: Session, settings: Settings) -> Write:
    a, b = _firms(session)
    return (
        lambda: resolution_service.merge_manually(session, actor=CLI, survivor_id=a.public_id, merged_id=b.public_id)
    ), "resolution.merge"


def s_split_firm(session: Session, settings: Settings) -> Write:
    a, b = _firms(session)
    resolution_service.merge_manually(session, actor=CLI, survivor_id=a.public_id, merged_id=b.public_id)
    return (lambda: resolution_service.split_firm(session, actor=CLI, public_id=b.public_id)), "resolution.split"


def s_run(session: Session, settings: Settings) -> Write:
    _firms(session)
    return (lambda: resolution_service.run(session, actor=CLI, full=True)), "resolution.run"


SCENARIOS: dict[str, Callable[[Session, Settings], Write]] = {
    "accounts.service.create_user": s_create_user,
    "accounts.service.set_active": s_set_active,
    "accounts.service.change_password": s_change_password,
    "accounts.service.set_password": s_set_password,
    "accounts.resets.create_reset_link": s_create_reset_link,
    "accounts.tokens.create_token": s_create_token,
    "accounts.tokens.revoke_token": s_revoke_token,
    "accounts.claims.submit_claim": s_submit_claim,
    "accounts.claims.review_claim": s_review_claim,
    "registry.edits.create_firm_as": s_create_firm_as,
    "registry.edits.create_sentra_as": s_create_sentra_as,
    "registry.edits.update_firm": s_update_firm,
    "partnerships.service.propose": s_propose,
    "partnerships.service.transition": s_transition,
    "partnerships.service.mark_agreed": s_mark_agreed,
    "partnerships.agreement.save": s_save,
    "partnerships.agreement.sign": s_sign,
    "partnerships.ledger.add_order": s_add_order,
    "partnerships.ledger.add_delivery": s_add_delivery,
    "partnerships.ledger.add_invoice": s_add_invoice,
    "partnerships.ledger.add_payment": s_add_payment,
    "partnerships.ledger.add_evaluation": s_add_evaluation,
    "resolution.service.confirm": s_confirm,
    "resolution.service.reject": s_reject,
    "resolution.service.bulk_decide": s_bulk_decide,
    "resolution.service.merge_manually": s_merge_manually,
    "resolution.service.split_firm": s_split_firm,
    "resolution.service.run": s_run,
    **audit_scenarios.SCENARIOS,
}


def test_every_actor_function_is_a_listed_read_or_has_an_audit_scenario() -> None:
    found = actor_functions()
    unclassified = sorted(found - READS.keys() - SCENARIOS.keys())
    assert not unclassified, (
        f"service functions taking `actor` with no audit scenario in {Path(__file__).name}: {unclassified} "
        "(add a scenario proving the write leaves an audit row, or list it in READS with the reason)"
    )
    stale = sorted((READS.keys() | SCENARIOS.keys()) - found)
    assert not stale, f"listed here but no longer in the source: {stale}"


def _count(session: Session, action: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_write_leaves_an_audit_row(name: str, session: Session, settings: Settings) -> None:
    write, action = SCENARIOS[name](session, settings)
    before = _count(session, action)
    write()
    session.flush()
    assert _count(session, action) == before + 1, f"{name} left no {action!r} audit row"


def test_cli_split_and_reset_link_leave_audit_rows(env_db: str) -> None:
    from typer.testing import CliRunner

    from jejaring.cli import app
    from jejaring.core.db import get_engine, session_scope

    with session_scope(get_engine()) as s:
        a, b = _firms(s)
        resolution_service.merge_manually(s, actor=CLI, survivor_id=a.public_id, merged_id=b.public_id)
        merged_id = b.public_id
        _user(s)
    runner = CliRunner()
    split = runner.invoke(app, ["resolve", "split", merged_id])
    assert split.exit_code == 0, split.output
    link = runner.invoke(app, ["users", "reset-link", "sasaran@uji.example"])
    assert link.exit_code == 0, link.output
    with session_scope(get_engine()) as s:
        events = {e.action: e for e in s.scalars(select(AuditEvent).where(AuditEvent.via == "cli"))}
        assert events["resolution.split"].entity_id == merged_id
        assert "user.reset_link" in events
