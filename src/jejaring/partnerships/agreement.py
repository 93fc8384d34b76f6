"""The agreement: mandatory contents, the pattern's checklist, the independence check, and signing."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.roles import Actor
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError
from jejaring.core.text import clean_address, clean_owner, phone_e164
from jejaring.partnerships import access, consortium, notify, service
from jejaring.partnerships.enums import EDITABLE, PartnershipStatus
from jejaring.partnerships.models import Agreement, Partnership
from jejaring.partnerships.schemas import AgreementIn

if TYPE_CHECKING:
    from jejaring.registry.models import Firm

# PP 7/2021: the agreement states at least these (each required before signing).
MANDATORY = (
    "identity_larger",
    "identity_smaller",
    "business_activity",
    "rights_obligations",
    "development_form",
    "start_date",
    "duration_months",
    "payment_period_days",
    "payment_mechanism",
    "dispute_settlement",
)
EDITABLE_STATES = EDITABLE


@lru_cache
def checklists() -> dict[str, list[dict[str, str]]]:
    """Pattern → its checklist items (``item``, ``text_id``, ``text_en``)."""
    text = resources.files("jejaring.partnerships").joinpath("data/checklists.csv").read_text("utf-8")
    out: dict[str, list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        out.setdefault(row["pattern"], []).append(row)
    return out


def independence_flags(larger: Firm, smaller: Firm) -> list[dict[str, str]]:
    """Signs that the larger party may own or control the smaller one (PP 7/2021 forbids it), with reasons."""
    flags = []
    if larger.nib and smaller.nib and larger.nib == smaller.nib:
        flags.append({"key": "partnerships.flag.same_nib"})
    lp, sp = larger.private, smaller.private
    if lp and sp:
        if lp.owner_name and sp.owner_name and clean_owner(lp.owner_name) == clean_owner(sp.owner_name):
            flags.append({"key": "partnerships.flag.same_owner"})
        if lp.phone and sp.phone and phone_e164(lp.phone) and phone_e164(lp.phone) == phone_e164(sp.phone):
            flags.append({"key": "partnerships.flag.same_phone"})
        if lp.email and sp.email and lp.email.strip().lower() == sp.email.strip().lower():
            flags.append({"key": "partnerships.flag.same_email"})
    same_place = larger.regency_code == smaller.regency_code
    same_street = bool(larger.address and smaller.address) and clean_address(larger.address) == clean_address(
        smaller.address
    )
    if same_place and same_street:
        flags.append({"key": "partnerships.flag.same_address"})
    return flags


def save(session: Session, *, actor: Actor, partnership: Partnership, data: AgreementIn) -> Agreement:
    """Save the agreement's contents (either party, before it is agreed); any change voids signatures."""
    firm_id = access.require_party(actor, partnership)
    if partnership.status not in EDITABLE_STATES:
        raise DomainError("partnerships.error.agreement_locked", field="status", current=partnership.status)
    allowed = {i["item"] for i in checklists().get(partnership.pattern_code, [])}
    unknown = [c for c in data.checklist if c not in allowed]
    if unknown:
        raise DomainError("partnerships.error.unknown_checklist_item", field="checklist", value=", ".join(unknown))
    ag = partnership.agreement or Agreement(partnership_id=partnership.id)
    before = {f: getattr(ag, f, None) for f in (*MANDATORY, "checklist", "independence_declared", "bilingual")}
    was_signed = consortium.any_signed(partnership)
    for field, value in data.model_dump().items():
        setattr(ag, field, json.dumps(sorted(set(value))) if field == "checklist" else value)
    larger, smaller = service.parties(session, partnership)
    ag.independence_flags = json.dumps(independence_flags(larger, smaller))
    changed = [f for f in before if before[f] != getattr(ag, f, None)]
    if changed:  # any change voids the signatures; every party is told which clauses changed
        ag.signed_larger_at = None
        ag.signed_smaller_at = None
        consortium.clear_member_signatures(partnership)
        key = "partnerships.note.agreement_changed_signed" if was_signed else "partnerships.note.agreement_changed"
        for party in access.all_parties(partnership):
            if party != firm_id or was_signed:
                notify.notify(
                    session,
                    firm_id=party,
                    partnership=partnership,
                    kind="agreement",
                    key=key,
                    count=len(changed),
                )
    session.add(ag)
    if partnership.status == PartnershipStatus.USULAN and firm_id != partnership.proposer_firm_id:
        service.transition(session, actor=actor, partnership=partnership, to=PartnershipStatus.NEGOSIASI)
    after = audit.snapshot(ag, list(before))
    after["signatures_cleared"] = bool(changed and was_signed)
    audit.log(session, actor, "partnership.agreement.save", "partnership", partnership, before=before, after=after)
    session.flush()
    return ag


def missing(partnership: Partnership) -> list[str]:
    """What still stops signing: empty mandatory contents, unticked checklist items, the declaration."""
    ag = partnership.agreement
    if ag is None:
        return list(MANDATORY)
    gaps = [f for f in MANDATORY if getattr(ag, f) in (None, "")]
    ticked = set(json.loads(ag.checklist or "[]"))
    gaps += [
        f"checklist:{i['item']}" for i in checklists().get(partnership.pattern_code, []) if i["item"] not in ticked
    ]
    if not ag.independence_declared:
        gaps.append("independence_declared")
    if ag.bilingual and not (ag.text_en or "").strip():
        gaps.append("text_en")
    return gaps


def sign(
    session: Session,
    *,
    actor: Actor,
    partnership: Partnership,
    signer_name: str | None = None,
    signer_title: str | None = None,
) -> Agreement:
    """The actor's party signs (by name and title, printed on the agreement); when both have signed, the
    partnership becomes ``disepakati``."""
    firm_id = access.require_party(actor, partnership, members=True)
    if partnership.status != PartnershipStatus.NEGOSIASI:
        raise DomainError("partnerships.error.sign_state", field="status", current=partnership.status)
    gaps = missing(partnership)
    if gaps:
        raise DomainError("partnerships.error.agreement_incomplete", field="agreement", fields=", ".join(gaps))
    ag = partnership.agreement
    assert ag is not None
    member = consortium.member_row(partnership, firm_id)
    side = "larger" if firm_id == partnership.larger_firm_id else ("member" if member else "smaller")
    mine = {"larger": ag.signed_larger_at, "smaller": ag.signed_smaller_at}.get(side, member and member.signed_at)
    if mine is not None:
        raise DomainError("partnerships.error.already_signed", field="agreement")
    now = utcnow()
    name = " ".join((signer_name or actor.name or actor.label).split())[:200]
    title = " ".join((signer_title or "Pemilik").split())[:200]
    if side == "larger":
        ag.signed_larger_at, ag.signer_larger_name, ag.signer_larger_title = now, name, title
    elif side == "smaller":
        ag.signed_smaller_at, ag.signer_smaller_name, ag.signer_smaller_title = now, name, title
    elif member is not None:
        member.signed_at, member.signer_name, member.signer_title = now, name, title
    for other in access.others(partnership, firm_id):
        notify.notify(session, firm_id=other, partnership=partnership, kind="signature", key="partnerships.note.signed")
    after = {"party": side, "signed_at": now, "signer": name, "title": title}
    audit.log(session, actor, "partnership.sign", "partnership", partnership, after=after)
    if consortium.all_signed(partnership):
        service.mark_agreed(session, actor=actor, partnership=partnership)
    return ag
