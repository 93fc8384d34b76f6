"""Who may see and act on a partnership: its parties, and scoped officials (read only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jejaring.accounts.authz import Forbidden, Unauthenticated, in_scope
from jejaring.accounts.roles import ADMIN, ANALIS, PETUGAS, Actor
from jejaring.core.errors import DomainError
from jejaring.partnerships.enums import MemberRole
from jejaring.partnerships.models import Partnership

if TYPE_CHECKING:
    from jejaring.registry.models import Firm


def party_firm_id(actor: Actor, partnership: Partnership) -> int | None:
    """The party (firm id) the actor acts for in this partnership, if any."""
    for firm_id in (partnership.larger_firm_id, partnership.smaller_firm_id):
        if firm_id in actor.firm_ids:
            return firm_id
    return None


def member_firm_id(actor: Actor, partnership: Partnership) -> int | None:
    """The consortium member (not the lead, who is the smaller party) the actor acts for, if any."""
    for m in partnership.members:
        if m.role == MemberRole.MEMBER and m.firm_id in actor.firm_ids:
            return m.firm_id
    return None


def signatory_firm_id(actor: Actor, partnership: Partnership) -> int | None:
    """The firm the actor signs for: a party, or a consortium member."""
    return party_firm_id(actor, partnership) or member_firm_id(actor, partnership)


def all_parties(partnership: Partnership) -> list[int]:
    """Every firm that signs: the larger party, the smaller party (a consortium's lead), the other members."""
    out = [partnership.larger_firm_id, partnership.smaller_firm_id]
    out += [m.firm_id for m in partnership.members if m.role == MemberRole.MEMBER and m.firm_id not in out]
    return out


def others(partnership: Partnership, firm_id: int | None) -> list[int]:
    """Every party except ``firm_id`` (those to tell about what ``firm_id`` did)."""
    return [f for f in all_parties(partnership) if f != firm_id]


def can_view(actor: Actor, partnership: Partnership, larger: Firm, smaller: Firm) -> bool:
    """Parties, admins, analysts, and the officer of either party's province."""
    if not actor.is_authenticated:
        return False
    if signatory_firm_id(actor, partnership) is not None or actor.role in (ADMIN, ANALIS):
        return True
    return actor.role == PETUGAS and (in_scope(actor, larger) or in_scope(actor, smaller))


def require_party(actor: Actor, partnership: Partnership, *, members: bool = False) -> int:
    """The actor's party firm id; only the parties themselves act on a partnership (consortium members other
    than the lead only where ``members`` is set: signing, attaching files)."""
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    if not actor.can_write:
        raise Forbidden("accounts.error.token_scope")
    firm_id = signatory_firm_id(actor, partnership) if members else party_firm_id(actor, partnership)
    if firm_id is None:
        if member_firm_id(actor, partnership) is not None:
            raise DomainError("partnerships.error.member_only_signs", field="status")
        raise Forbidden("partnerships.error.not_a_party")
    return firm_id
