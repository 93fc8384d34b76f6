"""Who may write needs, offers and proposals — the one place the accounts domain plugs into.

With the accounts middleware installed (``request.state.actor``), a write needs a signed-in user whose
credential allows writes (CSRF is checked by ``accounts.deps.current_user``), and acting for a firm
needs ``authorize(actor, "firm.act", firm)``: the owner edits only their own needs and offers.
Before the accounts domain is wired in: the JSON API takes ``Authorization: Bearer
<JEJARING_API_WRITE_TOKEN>`` like the registry API; HTML forms work only outside production (demo).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request

from jejaring.core.errors import DomainError


@dataclass(frozen=True)
class Writer:
    """The one writing: a label for the record, and the accounts actor when there is one."""

    label: str
    actor: Any = None

    def check_firm(self, firm: Any) -> None:
        """Refuse acting for ``firm`` unless the actor may (owner of the firm, or admin)."""
        if self.actor is None:
            return
        from jejaring.accounts.authz import authorize

        authorize(self.actor, "firm.act", firm)

    def check_close(self, listing: Any, firm: Any) -> None:
        """Refuse closing ``listing`` unless the actor acts for its firm, or (no firm) posted it, or is admin."""
        if firm is not None:
            self.check_firm(firm)
            return
        if self.actor is None:
            return
        from jejaring.accounts.authz import authorize

        authorize(self.actor, "listing.close", listing)


async def _accounts_writer(request: Request) -> Writer:
    from jejaring.accounts.deps import current_user

    actor = await current_user(request)
    if not actor.is_authenticated:
        raise _unauthenticated()
    if not actor.can_write:
        raise HTTPException(403, "not allowed")
    return Writer(label=actor.label, actor=actor)


def _unauthenticated() -> DomainError:
    try:
        from jejaring.accounts.authz import Unauthenticated

        return Unauthenticated("accounts.error.unauthenticated")
    except ImportError:  # pragma: no cover - accounts not installed
        return DomainError("match.error.unauthenticated")


async def api_writer(request: Request) -> Writer:
    """Dependency for JSON writes."""
    if hasattr(request.state, "actor"):
        return await _accounts_writer(request)
    token = getattr(request.app.state.settings, "api_write_token", "")
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer "):
        raise HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})
    if not token or not hmac.compare_digest(auth.removeprefix("Bearer ").strip(), token):
        raise HTTPException(403, "not allowed")
    return Writer(label="api-token")


async def form_writer(request: Request) -> Writer:
    """Dependency for HTML form writes."""
    if hasattr(request.state, "actor"):
        return await _accounts_writer(request)
    if request.app.state.settings.environment == "production":
        raise HTTPException(403, "sign-in required")
    return Writer(label="demo")
