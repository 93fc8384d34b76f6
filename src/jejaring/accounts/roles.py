"""Roles and the ``Actor``: who is acting, as every service sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ADMIN = "admin"  # pusat: everything
ANALIS = "analis"  # analis kementerian: reads the national picture, no personal data
PETUGAS = "petugas_dinas"  # one province, optionally one regency
PEMILIK = "pemilik_usaha"  # their own firms
PENYELENGGARA = "penyelenggara_acara"  # business-matching events
ROLES = (ADMIN, ANALIS, PETUGAS, PEMILIK, PENYELENGGARA)
PUBLIC = "publik"  # the anonymous public (not a stored role)

Via = Literal["anonymous", "session", "token", "cli", "system"]
SCOPES = ("read", "write")


@dataclass(frozen=True)
class Actor:
    """The one acting: a signed-in user, an API token's user, the CLI, or the anonymous public."""

    role: str = PUBLIC
    user_id: int | None = None
    email: str | None = None
    name: str | None = None
    province_code: str | None = None
    regency_code: str | None = None
    firm_ids: frozenset[int] = field(default_factory=frozenset)
    scopes: frozenset[str] = frozenset({"read"})
    via: Via = "anonymous"
    token_id: int | None = None
    must_change_password: bool = False

    @property
    def is_authenticated(self) -> bool:
        """True for anyone but the anonymous public."""
        return self.via != "anonymous"

    @property
    def can_write(self) -> bool:
        """True when the credential used allows writes (read-only API tokens do not)."""
        return "write" in self.scopes

    @property
    def label(self) -> str:
        """How the actor appears in the audit log."""
        return self.email or self.via

    def has_role(self, *roles: str) -> bool:
        """True when the actor has one of ``roles``."""
        return self.role in roles

    def may(self, action: str, resource: Any = None) -> bool:
        """True when ``authz.authorize`` would allow ``action`` on ``resource`` (for templates and menus)."""
        from jejaring.accounts.authz import allowed

        return allowed(self, action, resource)


ANONYMOUS = Actor()


def system_actor(label: Literal["cli", "system"] = "system") -> Actor:
    """An all-powerful actor for the CLI and background jobs (they run with the operator's rights)."""
    return Actor(role=ADMIN, email=label, name=label, scopes=frozenset(SCOPES), via=label)
