"""Who may see and act on a partnership: its parties, and scoped officials (read only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jejaring.accounts.authz import Forbidden, Unauthenticated, in_scope
from jejaring.accounts.roles import ADMIN, ANALIS, PETUGAS, Actor
from jejaring.partnerships.models import Partnership

if TYPE_CHECKING:
    from jejaring.registry.models import Firm


def party_firm_id(actor: Actor, partnership: Partnership) -> int | None:
    """The party (firm id) the actor acts for in this partnership, if any."""
    for firm_id in (partnership.larger_firm_id, partnership.smaller_firm_id):
        if firm_id in actor.firm_ids:
            return firm_id
    return None


def can_view(actor: Actor, partnership: Partnership, larger: Firm, smaller: Firm) -> bool:
    """Parties, admins, analysts, and the officer of either party's province."""
    if not actor.is_authenticated:
        return False
    if party_firm_id(actor, partnership) is not None or actor.role in (ADMIN, ANALIS):
        return True
    return actor.role == PETUGAS and (in_scope(actor, larger) or in_scope(actor, smaller))


def require_party(actor: Actor, partnership: Partnership) -> int:
    """The actor's party firm id; only the parties themselves act on a partnership."""
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    if not actor.can_write:
        raise Forbidden("accounts.error.token_scope")
    firm_id = party_firm_id(actor, partnership)
    if firm_id is None:
        raise Forbidden("partnerships.error.not_a_party")
    return firm_id
