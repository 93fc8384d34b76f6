"""Owners and their firms: an owner registers a new firm of their own, and lists what they own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize
from jejaring.accounts.models import FirmOwner
from jejaring.accounts.roles import Actor
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError
from jejaring.reference import wilayah as wilayah_ref
from jejaring.registry import service as registry_service
from jejaring.registry.schemas import FirmCreate

if TYPE_CHECKING:
    from jejaring.registry.models import Firm


def register_firm(session: Session, *, actor: Actor, data: FirmCreate) -> Firm:
    """An owner registers a firm not yet in the registry and becomes its owner at once.

    The province's officer sees the registration in the audit log of their province; a firm that is
    already registered (same NIB) must be claimed instead, with evidence.
    """
    reg = wilayah_ref.regency(data.regency_code)
    if reg is None:
        raise DomainError("error.unknown_regency", field="regency_code", value=data.regency_code)
    authorize(actor, "firm.register", {"province_code": reg["province_code"], "regency_code": data.regency_code})
    if data.nib:
        existing = registry_service.find_by_nib(session, nib=data.nib)
        if existing is not None:
            raise DomainError("accounts.firms.nib_registered", field="nib", value=existing.public_id)
    # no office (the column holds an office's kode wilayah, 20 characters): the owner is the source
    source = registry_service.SourceInfo(
        office=None, file_name="Pemilik usaha (daftar sendiri)", uploaded_by=actor.label
    )
    firm = registry_service.create_firm(session, data=data, source=source)
    session.add(FirmOwner(user_id=actor.user_id, firm_id=firm.id, claim_id=None, since=utcnow()))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="firm.register",
        entity_type="firm",
        entity_id=firm.public_id,
        province_code=firm.province_code,
        after={
            "name": firm.name,
            "regency_code": firm.regency_code,
            "nib_present": bool(firm.nib),
            "owner": actor.label,
        },
    )
    return firm


def owned_firms(session: Session, *, user_id: int) -> list[Firm]:
    """The firms ``user_id`` owns, by name."""
    ids = session.scalars(select(FirmOwner.firm_id).where(FirmOwner.user_id == user_id))
    return sorted(registry_service.firms_by_ids(session, ids).values(), key=lambda f: f.name)
