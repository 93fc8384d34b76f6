"""Consortium partnerships: one partnership of a buyer with several supplying firms (a lead and members, each
with a share), every one of which signs the agreement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import Forbidden, Unauthenticated
from jejaring.accounts.roles import Actor
from jejaring.core.errors import DomainError
from jejaring.core.ids import IdPrefix, new_public_id
from jejaring.partnerships import notify, service
from jejaring.partnerships.enums import MemberRole, PartnershipStatus
from jejaring.partnerships.models import Agreement, ConsortiumMember, Partnership
from jejaring.partnerships.schemas import ConsortiumIn
from jejaring.reference import service as reference_service
from jejaring.registry import service as registry_service

if TYPE_CHECKING:
    from jejaring.registry.models import Firm


@dataclass(frozen=True)
class Signatory:
    """One party as it appears on the agreement: its firm, its place, its share and its signature."""

    firm: Firm
    side: str  # larger | smaller | member
    role: str | None  # lead | member in a consortium
    share: float | None
    unit: str | None
    signed_at: datetime | None
    signer_name: str | None
    signer_title: str | None


def propose(session: Session, *, actor: Actor, data: ConsortiumIn) -> Partnership:
    """The buyer proposes one partnership to a consortium; the lead is the smaller party, every member signs."""
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    buyer = registry_service.get_firm(session, public_id=data.proposer_firm)
    if buyer.id not in actor.firm_ids:
        raise Forbidden("partnerships.error.not_your_firm")
    if not reference_service.has_pattern(session, data.pattern):
        raise DomainError("partnerships.error.unknown_pattern", field="pattern", value=data.pattern)
    leads = [m for m in data.members if m.role == MemberRole.LEAD]
    if len(leads) != 1:
        raise DomainError("partnerships.error.consortium_one_lead", field="members", count=len(leads))
    ids = [m.firm for m in data.members]
    if len(set(ids)) != len(ids):
        raise DomainError("partnerships.error.consortium_duplicate", field="members")
    firms = {m.firm: registry_service.get_firm(session, public_id=m.firm) for m in data.members}
    if buyer.id in {f.id for f in firms.values()}:
        raise DomainError("partnerships.error.same_firm", field="members")
    lead = firms[leads[0].firm]
    p = Partnership(
        public_id=new_public_id(IdPrefix.PARTNERSHIP),
        title=data.title,
        pattern_code=data.pattern,
        larger_firm_id=buyer.id,
        smaller_firm_id=lead.id,
        proposer_firm_id=buyer.id,
        status=PartnershipStatus.USULAN,
        origin="consortium",
        origin_ref=data.origin_ref,
        programme=data.programme,
        province_code=lead.province_code,
        proposal_note=data.note,
    )
    session.add(p)
    session.flush()
    session.add(Agreement(partnership_id=p.id))
    for m in sorted(data.members, key=lambda m: (m.role != MemberRole.LEAD, -m.share)):
        session.add(
            ConsortiumMember(partnership_id=p.id, firm_id=firms[m.firm].id, role=m.role, share=m.share, unit=data.unit)
        )
    session.flush()
    session.refresh(p)
    service.record_proposal(session, actor, p, buyer.id, data.note)
    members = [{"firm": m.firm, "name": firms[m.firm].name, "role": m.role, "share": m.share} for m in data.members]
    audit.log(session, actor, "partnership.members", "partnership", p, after={"members": members, "unit": data.unit})
    for m in data.members:
        notify.notify(
            session,
            firm_id=firms[m.firm].id,
            partnership=p,
            kind="proposal",
            key="partnerships.note.consortium_proposal",
            share=f"{m.share:g}",
            unit=data.unit,
            n=len(data.members),
        )
    session.flush()
    return p


def signatories(session: Session, p: Partnership) -> list[Signatory]:
    """Every party in signing order: the larger party, the smaller party (a consortium's lead), the members."""
    ag = p.agreement
    by_firm = {m.firm_id: m for m in p.members}
    lead = by_firm.get(p.smaller_firm_id)

    def firm(firm_id: int) -> Firm:
        f = registry_service.firm_by_id(session, firm_id)
        assert f is not None
        return f

    out = [
        Signatory(
            firm(p.larger_firm_id),
            "larger",
            None,
            None,
            None,
            ag.signed_larger_at if ag else None,
            ag.signer_larger_name if ag else None,
            ag.signer_larger_title if ag else None,
        ),
        Signatory(
            firm(p.smaller_firm_id),
            "smaller",
            lead.role if lead else None,
            lead.share if lead else None,
            lead.unit if lead else None,
            ag.signed_smaller_at if ag else None,
            ag.signer_smaller_name if ag else None,
            ag.signer_smaller_title if ag else None,
        ),
    ]
    out += [
        Signatory(firm(m.firm_id), "member", m.role, m.share, m.unit, m.signed_at, m.signer_name, m.signer_title)
        for m in p.members
        if m.role == MemberRole.MEMBER
    ]
    return out


def member_row(p: Partnership, firm_id: int) -> ConsortiumMember | None:
    """The non-lead member row of ``firm_id``."""
    return next((m for m in p.members if m.firm_id == firm_id and m.role == MemberRole.MEMBER), None)


def all_signed(p: Partnership) -> bool:
    """Whether every party, consortium members included, has signed."""
    ag = p.agreement
    if ag is None or not (ag.signed_larger_at and ag.signed_smaller_at):
        return False
    return all(m.signed_at for m in p.members if m.role == MemberRole.MEMBER)


def any_signed(p: Partnership) -> bool:
    """Whether any party has signed."""
    ag = p.agreement
    return bool(ag and (ag.signed_larger_at or ag.signed_smaller_at)) or any(m.signed_at for m in p.members)


def clear_member_signatures(p: Partnership) -> None:
    """An agreement change voids the members' signatures as well."""
    for m in p.members:
        m.signed_at = None
        m.signer_name = None
        m.signer_title = None
