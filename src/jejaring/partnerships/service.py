"""Partnership lifecycle: proposals and state transitions, each made by the right party and logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import Forbidden, Unauthenticated, scope_province
from jejaring.accounts.roles import ADMIN, ANALIS, Actor
from jejaring.core.db import find_by_public_id, utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.ids import IdPrefix, new_public_id
from jejaring.partnerships import access, notify
from jejaring.partnerships.enums import REALISED, PartnershipStatus
from jejaring.partnerships.models import Agreement, ConsortiumMember, Partnership, StatusChange
from jejaring.partnerships.schemas import ConsortiumIn, ProposalIn
from jejaring.reference import service as reference_service
from jejaring.registry import service as registry_service

if TYPE_CHECKING:
    from jejaring.registry.models import Firm

# (from, to) → who may make the transition: "recipient" (the party that did not propose), "either",
# or "system" (happens when both parties have signed the agreement).
S = PartnershipStatus
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.USULAN, S.NEGOSIASI): "recipient",
    (S.USULAN, S.DIHENTIKAN): "either",
    (S.NEGOSIASI, S.DISEPAKATI): "system",
    (S.NEGOSIASI, S.DIHENTIKAN): "either",
    (S.DISEPAKATI, S.AKTIF): "either",
    (S.DISEPAKATI, S.DIHENTIKAN): "either",
    (S.AKTIF, S.SELESAI): "either",
    (S.AKTIF, S.DIHENTIKAN): "either",
}
NOTE_REQUIRED = {S.DIHENTIKAN}


def _size_rank(firm: Firm) -> tuple[int, int, int]:
    order = {"besar": 3, "menengah": 2, "kecil": 1}
    return (order.get(firm.size_class or "", 0), firm.investment or 0, firm.workers or 0)


def propose(session: Session, *, actor: Actor, data: ProposalIn) -> Partnership:
    """A party proposes a partnership to another firm; the larger party is determined from the registry."""
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    proposer = registry_service.get_firm(session, public_id=data.proposer_firm)
    partner = registry_service.get_firm(session, public_id=data.partner_firm)
    if proposer.id not in actor.firm_ids:
        raise Forbidden("partnerships.error.not_your_firm")
    if proposer.id == partner.id:
        raise DomainError("partnerships.error.same_firm", field="partner_firm")
    if not reference_service.has_pattern(session, data.pattern):
        raise DomainError("partnerships.error.unknown_pattern", field="pattern", value=data.pattern)
    larger, smaller = sorted((proposer, partner), key=_size_rank, reverse=True)
    origin = "match" if data.origin_ref else "direct"
    p = open_proposal(session, data=data, larger=larger, smaller=smaller, proposer=proposer, origin=origin)
    _log(session, p, None, PartnershipStatus.USULAN, actor, proposer.id, data.note)
    notify.notify(session, firm_id=partner.id, partnership=p, kind="proposal", key="partnerships.note.proposal")
    return p


def open_proposal(
    session: Session, *, data: ProposalIn | ConsortiumIn, larger: Firm, smaller: Firm, proposer: Firm, origin: str
) -> Partnership:
    """A new proposed partnership (in the smaller party's province) with its empty agreement, flushed."""
    p = Partnership(
        public_id=new_public_id(IdPrefix.PARTNERSHIP),
        title=data.title,
        pattern_code=data.pattern,
        larger_firm_id=larger.id,
        smaller_firm_id=smaller.id,
        proposer_firm_id=proposer.id,
        status=PartnershipStatus.USULAN,
        origin=origin,
        origin_ref=data.origin_ref,
        programme=data.programme,
        province_code=smaller.province_code,
        proposal_note=data.note,
    )
    session.add(p)
    session.flush()
    session.add(Agreement(partnership_id=p.id))
    return p


def record_proposal(session: Session, actor: Actor, p: Partnership, firm_id: int, note: str | None) -> None:
    """The first history line (and audit row) of a new proposal."""
    _log(session, p, None, PartnershipStatus.USULAN, actor, firm_id, note)


def _log(
    session: Session, p: Partnership, old: str | None, new: str, actor: Actor, firm_id: int | None, note: str | None
) -> None:
    session.add(
        StatusChange(
            partnership_id=p.id, from_status=old, to_status=new, actor=actor.label, party_firm_id=firm_id, note=note
        )
    )
    audit.log(
        session,
        actor,
        f"partnership.{new}",
        "partnership",
        p,
        before={"status": old},
        after={"status": new, "note": note},
    )
    session.flush()


def transition(
    session: Session, *, actor: Actor, partnership: Partnership, to: str, note: str | None = None
) -> Partnership:
    """Move a partnership to state ``to`` if that transition exists and the actor is the right party."""
    frm = partnership.status
    who = TRANSITIONS.get((frm, to))
    if who is None or who == "system":
        raise DomainError("partnerships.error.invalid_transition", field="status", current=frm, target=to)
    firm_id = access.require_party(actor, partnership)
    if who == "recipient" and firm_id == partnership.proposer_firm_id:
        raise DomainError("partnerships.error.recipient_only", field="status", target=to)
    if to in NOTE_REQUIRED and not (note and note.strip()):
        raise DomainError("partnerships.error.note_required", field="note")
    partnership.status = to
    _log(session, partnership, frm, to, actor, firm_id, note)
    for other in access.others(partnership, firm_id):
        notify.notify(
            session, firm_id=other, partnership=partnership, kind="status", key=f"partnerships.note.status.{to}"
        )
    return partnership


def mark_agreed(session: Session, *, actor: Actor, partnership: Partnership) -> None:
    """Both parties signed: negosiasi → disepakati (the system transition)."""
    _log(
        session,
        partnership,
        partnership.status,
        PartnershipStatus.DISEPAKATI,
        actor,
        access.signatory_firm_id(actor, partnership),
        None,
    )
    partnership.status = PartnershipStatus.DISEPAKATI
    for firm_id in access.all_parties(partnership):
        notify.notify(
            session, firm_id=firm_id, partnership=partnership, kind="status", key="partnerships.note.status.disepakati"
        )


def get(session: Session, *, actor: Actor, public_id: str) -> Partnership:
    """A partnership the actor may see (404 for others, so existence does not leak)."""
    p = find_by_public_id(session, Partnership, public_id)
    if p is None:
        raise NotFound("partnerships.error.not_found", field="public_id", value=public_id)
    larger, smaller = parties(session, p)
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    if not access.can_view(actor, p, larger, smaller):
        raise NotFound("partnerships.error.not_found", field="public_id", value=public_id)
    return p


def parties(session: Session, p: Partnership) -> tuple[Firm, Firm]:
    """The larger and the smaller party."""
    larger, smaller = (
        registry_service.firm_by_id(session, p.larger_firm_id),
        registry_service.firm_by_id(session, p.smaller_firm_id),
    )
    assert larger is not None and smaller is not None
    return larger, smaller


def list_for(session: Session, *, actor: Actor, status: str | None = None) -> list[Partnership]:
    """Partnerships the actor may see: their firms' for owners; their province's for officers; all for admins."""
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    stmt = select(Partnership).order_by(Partnership.updated_at.desc())
    if actor.role not in (ADMIN, ANALIS):
        conditions: list[Any] = []
        if actor.firm_ids:
            ids = list(actor.firm_ids)
            conditions += [Partnership.larger_firm_id.in_(ids), Partnership.smaller_firm_id.in_(ids)]
            conditions.append(Partnership.members.any(ConsortiumMember.firm_id.in_(ids)))
        if actor.role == "petugas_dinas":
            province = scope_province(actor)
            larger = registry_service.firm_ids_in_province(province)
            conditions += [Partnership.province_code == province, Partnership.larger_firm_id.in_(larger)]
        if not conditions:
            return []
        stmt = stmt.where(or_(*conditions))
    if status:
        stmt = stmt.where(Partnership.status == status)
    return list(session.scalars(stmt.limit(500)))


def track_record(session: Session, *, where: Callable[[Any], ColumnElement[bool]]) -> list[tuple[int, int]]:
    """(firm id, partnership id) for each party of every realised partnership whose firm id passes ``where``."""
    realised = Partnership.status.in_(REALISED)
    return [
        (firm_id, pid)
        for column in (Partnership.larger_firm_id, Partnership.smaller_firm_id)
        for firm_id, pid in session.execute(select(column, Partnership.id).where(where(column), realised))
    ]


LINKED_STATES = ("disepakati", "aktif", "selesai")  # a partnership that became a working relationship


def link_facts(session: Session) -> list[dict[str, Any]]:
    """Partnerships that became working relationships, with their orders' value in the latest 12 months.

    One row per partnership: public ID, larger and smaller firm ids, pattern, status, the year it began
    (first order, else creation), order count and ``value_per_year`` (orders issued in the 12 months up to
    the latest order; None without orders).
    """
    from datetime import timedelta

    from jejaring.partnerships.models import PurchaseOrder

    out: dict[int, dict[str, Any]] = {}
    stmt = select(Partnership).where(Partnership.status.in_(LINKED_STATES)).order_by(Partnership.id)
    for p in session.scalars(stmt):
        out[p.id] = {
            "public_id": p.public_id,
            "larger_firm_id": p.larger_firm_id,
            "smaller_firm_id": p.smaller_firm_id,
            "pattern": p.pattern_code,
            "status": p.status,
            "title": p.title,
            "since": p.created_at.year,
            "orders": 0,
            "value_per_year": None,
        }
    orders: dict[int, list[tuple[Any, int]]] = {}
    for pid, issued, qty, price in session.execute(
        select(PurchaseOrder.partnership_id, PurchaseOrder.issued_on, PurchaseOrder.quantity, PurchaseOrder.unit_price)
    ):
        if pid in out:
            orders.setdefault(pid, []).append((issued, round(qty * price)))
    for pid, items in orders.items():
        last = max(d for d, _ in items)
        out[pid]["orders"] = len(items)
        out[pid]["since"] = min(d for d, _ in items).year
        out[pid]["value_per_year"] = sum(v for d, v in items if d > last - timedelta(days=365))
    return list(out.values())


def import_history(session: Session, *, actor: Actor, rows: list[dict[str, Any]]) -> int:
    """Record past partnerships (a migration of an office's records, or the demo's history): one row each with
    larger/smaller firm ids, pattern, title, start and end year, status (aktif, selesai, dihentikan), contract
    value and a reference. The agreement is marked signed; the contract becomes one order, delivered when
    finished and paid on time. Rows whose reference was imported before are skipped. Returns rows recorded."""
    from datetime import date

    from jejaring.accounts.authz import authorize
    from jejaring.partnerships.models import Delivery, Invoice, Payment, PurchaseOrder

    authorize(actor, "partnerships.import_history")
    refs = [str(r["ref"]) for r in rows]
    done = set(session.scalars(select(Partnership.origin_ref).where(Partnership.origin_ref.in_(refs))))
    made = 0
    for r in rows:
        if str(r["ref"]) in done or r["larger_firm_id"] == r["smaller_firm_id"]:
            continue
        start = date(int(r["start_year"]), 1, 15)
        p = Partnership(
            public_id=new_public_id(IdPrefix.PARTNERSHIP),
            title=str(r["title"])[:300],
            pattern_code=r["pattern"],
            larger_firm_id=r["larger_firm_id"],
            smaller_firm_id=r["smaller_firm_id"],
            proposer_firm_id=r["larger_firm_id"],
            status=r["status"],
            origin="history",
            origin_ref=str(r["ref"]),
            province_code=r["province_code"],
        )
        session.add(p)
        session.flush()
        signed = utcnow().replace(year=start.year, month=1, day=15)
        agreed = r["status"] != "dihentikan"
        session.add(
            Agreement(
                partnership_id=p.id,
                start_date=start,
                payment_period_days=30,
                signed_larger_at=signed if agreed else None,
                signed_smaller_at=signed if agreed else None,
            )
        )
        session.add(StatusChange(partnership_id=p.id, from_status=None, to_status=r["status"], actor=actor.label))
        if agreed and r.get("value"):
            order = PurchaseOrder(
                partnership_id=p.id,
                number=f"{r['ref']}-1",
                issued_on=start,
                description=str(r["title"])[:300],
                quantity=1.0,
                unit="kontrak",
                unit_price=int(r["value"]),
            )
            session.add(order)
            session.flush()
            if r["status"] == "selesai":
                end = date(int(r.get("end_year") or start.year), 6, 30)
                session.add(
                    Delivery(
                        order_id=order.id,
                        delivered_on=end,
                        quantity=1.0,
                        bast_number=f"BAST-{r['ref']}",
                        received_by="-",
                    )
                )
                invoice = Invoice(
                    order_id=order.id,
                    number=f"INV-{r['ref']}",
                    issued_on=end,
                    due_on=date.fromordinal(end.toordinal() + 30),
                    amount=int(r["value"]),
                )
                session.add(invoice)
                session.flush()
                session.add(
                    Payment(
                        invoice_id=invoice.id, paid_on=date.fromordinal(end.toordinal() + 20), amount=int(r["value"])
                    )
                )
        made += 1
    audit.record(
        session, actor=actor, action="partnership.import_history", entity_type="partnership", after={"rows": made}
    )
    session.flush()
    return made


def outcomes_by_origin(session: Session, *, refs: list[str]) -> dict[str, dict[str, Any]]:
    """Per origin reference (e.g. an event meeting's public ID): proposals, agreements, first orders, value.

    Value is what was delivered (delivered quantity × unit price), as in ``outcomes.outcome_metrics``.
    """
    from jejaring.partnerships import ledger

    out: dict[str, dict[str, Any]] = {}
    if not refs:
        return out
    for p in session.scalars(select(Partnership).where(Partnership.origin_ref.in_(refs))):
        g = out.setdefault(p.origin_ref or "", {"proposals": 0, "agreements": 0, "first_order": 0, "value": 0})
        ag = p.agreement
        g["proposals"] += 1
        g["agreements"] += bool(ag and ag.signed_larger_at and ag.signed_smaller_at)
        g["first_order"] += len(p.orders) >= 1
        g["value"] += sum(round(ledger.delivered_quantity(o) * o.unit_price) for o in p.orders)
    return out
