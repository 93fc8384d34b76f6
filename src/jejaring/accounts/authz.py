"""Authorisation, decided in the service layer: ``authorize(actor, action, resource)`` and scope helpers.

Every rule lives in ``POLICY``; an action that is not listed is refused. Resources are duck-typed: anything
with ``province_code`` (and optionally ``regency_code`` and ``id`` for a firm) can be checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from jejaring.accounts.roles import ADMIN, ANALIS, PEMILIK, PENYELENGGARA, PETUGAS, Actor
from jejaring.core.errors import DomainError


class Unauthenticated(DomainError):
    """Sign-in (or a valid API token) is needed."""

    status_code = 401


class Forbidden(DomainError):
    """Signed in, but not allowed to do this."""

    status_code = 403


class Throttled(DomainError):
    """Too many attempts; try again later."""

    status_code = 429


class Located(Protocol):
    """Anything that sits in a province (and maybe a regency)."""

    province_code: str


def _region(resource: Any) -> tuple[str | None, str | None]:
    if resource is None:
        return None, None
    if isinstance(resource, str):  # "33" or "33.20"
        return resource[:2], resource if len(resource) > 2 else None
    if isinstance(resource, dict):
        return resource.get("province_code"), resource.get("regency_code")
    return getattr(resource, "province_code", None), getattr(resource, "regency_code", None)


def in_scope(actor: Actor, resource: Any) -> bool:
    """True when ``resource``'s region lies inside the actor's region (admins and analysts: everywhere)."""
    if actor.role in (ADMIN, ANALIS):
        return True
    if actor.role != PETUGAS or not actor.province_code:
        return False
    province, regency = _region(resource)
    if province is None or province != actor.province_code:
        return False
    return not actor.regency_code or regency == actor.regency_code


def owns_firm(actor: Actor, firm: Any) -> bool:
    """True when the actor is an owner of ``firm`` (approved claim)."""
    return actor.role == PEMILIK and getattr(firm, "id", None) in actor.firm_ids


def _officer(actor: Actor, resource: Any) -> bool:
    return actor.role == ADMIN or (actor.role == PETUGAS and in_scope(actor, resource))


Rule = Callable[[Actor, Any], bool]

POLICY: dict[str, tuple[bool, Rule]] = {
    # action: (is a write, rule)
    "firm.create": (True, _officer),
    "firm.register": (True, lambda a, r: a.role == PEMILIK),  # an owner registers their own new firm
    "firm.edit": (True, lambda a, r: _officer(a, r) or owns_firm(a, r)),
    "firm.read_private": (False, lambda a, r: _officer(a, r) or owns_firm(a, r)),
    "firm.act": (True, lambda a, r: a.role == ADMIN or owns_firm(a, r)),  # needs/offers on behalf of a firm
    # a need or offer posted without a firm: only the one who posted it (or an admin) may close it
    "listing.close": (
        True,
        lambda a, r: a.role == ADMIN or (getattr(r, "created_by", None) is not None and r.created_by == a.label),
    ),
    "sentra.create": (True, _officer),
    "province.read": (False, lambda a, r: a.role in (ADMIN, ANALIS) or (a.role == PETUGAS and in_scope(a, r))),
    "province.write": (True, _officer),  # uploads, quarantine, corrections, review queue
    "resolution.review": (  # entity-resolution review queue, merge and split
        True,
        lambda a, r: a.role in (ADMIN, ANALIS) or (a.role == PETUGAS and in_scope(a, r)),
    ),
    "resolution.run": (True, lambda a, r: a.role in (ADMIN, ANALIS)),  # national runs
    "claim.submit": (True, lambda a, r: a.role == PEMILIK),
    "claim.review": (True, _officer),
    "audit.read": (False, lambda a, r: a.role == ADMIN or (a.role == PETUGAS and r is not None and in_scope(a, r))),
    "user.manage": (True, lambda a, r: a.role == ADMIN),
    "event.manage": (True, lambda a, r: a.role in (ADMIN, PENYELENGGARA)),
    "event.participate": (True, lambda a, r: _officer(a, r) or owns_firm(a, r)),  # r: the firm taking part
    "event.view_own": (False, lambda a, r: a.role in (ADMIN, PENYELENGGARA) or _officer(a, r) or owns_firm(a, r)),
    "insights.read": (False, lambda a, r: a.role in (ADMIN, ANALIS, PETUGAS)),
    "account.self": (True, lambda a, r: True),  # own password and tokens
    "notification.read": (False, lambda a, r: r is None or getattr(r, "user_id", None) == a.user_id),
    "notification.mark": (True, lambda a, r: r is None or getattr(r, "user_id", None) == a.user_id),
    "ecosystem.declare": (True, _officer),  # declared linkages (keterkaitan) of a province
    "ecosystem.collect": (True, lambda a, r: a.role == ADMIN),
    "partnerships.import_history": (
        True,
        lambda a, r: a.role == ADMIN,
    ),  # past partnerships, e.g. the demo's  # rebuild derived links nationally
    "ecosystem.read_values": (False, lambda a, r: a.role in (ADMIN, ANALIS) or (a.role == PETUGAS and in_scope(a, r))),
    "capability.assess": (True, lambda a, r: _officer(a, r) or owns_firm(a, r)),  # self- or officer assessment
    "capability.read": (False, lambda a, r: a.role == ANALIS or _officer(a, r) or owns_firm(a, r)),
    "capability.programme": (True, _officer),  # create programmes, enrol, record completion (their province)
    "markets.set_hs": (True, lambda a, r: _officer(a, r) or owns_firm(a, r)),  # a firm's HS codes
    # matching: a need, or an interest, posted without a firm (acting for a firm is firm.act)
    "listing.post": (True, lambda a, r: True),
    # --- h19: the stored gap rollup (computed nationally)
    "ecosystem.rollup": (True, lambda a, r: a.role == ADMIN),
}


def authorize(actor: Actor, action: str, resource: Any = None) -> None:
    """Raise ``Unauthenticated`` (401) or ``Forbidden`` (403) unless ``actor`` may do ``action`` on ``resource``."""
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    entry = POLICY.get(action)
    if entry is None:
        raise Forbidden("accounts.error.forbidden")
    is_write, rule = entry
    if is_write and not actor.can_write:
        raise Forbidden("accounts.error.token_scope")
    if not rule(actor, resource):
        raise Forbidden("accounts.error.forbidden")


def allowed(actor: Actor, action: str, resource: Any = None) -> bool:
    """``authorize`` as a boolean, for templates and menus."""
    try:
        authorize(actor, action, resource)
    except (Unauthenticated, Forbidden):
        return False
    return True


def can_edit_firm(actor: Actor, firm: Any) -> bool:
    """True when the actor may change ``firm`` (admin, the province's officer, or an approved owner)."""
    return allowed(actor, "firm.edit", firm)


def can_see_private(actor: Actor, firm: Any) -> bool:
    """True when the actor may see the firm's owner, phone, e-mail and NIB."""
    return allowed(actor, "firm.read_private", firm)


def scope_province(actor: Actor) -> str | None:
    """The province the actor's province-level reads are limited to: None means all (admin, analis).

    Raises ``Unauthenticated``/``Forbidden`` for actors with no access to provincial data at all.
    """
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    if actor.role in (ADMIN, ANALIS):
        return None
    if actor.role == PETUGAS and actor.province_code:
        return actor.province_code
    raise Forbidden("accounts.error.forbidden")


def scope_regency(actor: Actor) -> str | None:
    """The regency a regency-level officer is limited to (None: no regency limit)."""
    scope_province(actor)
    return actor.regency_code if actor.role == PETUGAS else None
