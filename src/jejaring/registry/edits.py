"""Writes to the registry on behalf of a person: authorised in the service layer and written to the audit log.

``create_firm``/``create_sentra`` in ``service`` stay the trusted building blocks for imports and demo data;
anything a user asks for goes through these functions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import Actor
from jejaring.core.errors import DomainError
from jejaring.reference import catalog
from jejaring.reference import service as reference_service
from jejaring.reference import wilayah as wilayah_ref
from jejaring.registry import service
from jejaring.registry.models import Certification, Firm, FirmPrivate, Sentra
from jejaring.registry.schemas import FirmCreate, FirmPrivateOut, FirmUpdate, SentraCreate

PUBLIC_FIELDS = (
    "name",
    "address",
    "kbli_code",
    "products",
    "workers",
    "investment",
    "capacity",
    "capacity_unit",
    "production_value",
    "brand",
    "founded_year",
    "size_class",
    "desa",
    "latitude",
    "longitude",
)
PRIVATE_FIELDS = ("owner_name", "phone", "email")


def _region(regency_code: str) -> dict[str, str]:
    reg = wilayah_ref.regency(regency_code)
    if reg is None:
        raise DomainError("error.unknown_regency", field="regency_code", value=regency_code)
    return {"province_code": reg["province_code"], "regency_code": regency_code}


def _set_certificates(session: Session, firm: Firm, codes: list[str]) -> None:
    """Keep the certificates listed (with their numbers), add the new ones, drop the others."""
    lookup = catalog.certificate_lookup()
    wanted = []
    for code in codes:
        found = lookup.get(code.strip().lower())
        if found is None:
            raise DomainError("error.unknown_certificate", field="certificates", value=code)
        wanted.append(found)
    kept = [c for c in firm.certifications if c.certificate_code in wanted]
    have = {c.certificate_code for c in kept}
    firm.certifications = kept + [Certification(certificate_code=c) for c in dict.fromkeys(wanted) if c not in have]
    session.flush()


def firm_snapshot(firm: Firm) -> dict[str, Any]:
    """Public and private fields of a firm, for the audit log (which only admins and officers read)."""
    data = audit.snapshot(firm, PUBLIC_FIELDS)
    data["certificates"] = sorted(c.certificate_code for c in firm.certifications)
    private = firm.private
    data.update({f: getattr(private, f) if private else None for f in PRIVATE_FIELDS})
    return data


def create_firm_as(session: Session, *, actor: Actor, data: FirmCreate) -> Firm:
    """Register a firm for ``actor`` (admin, or the officer of the firm's province)."""
    authorize(actor, "firm.create", _region(data.regency_code))
    firm = service.create_firm(session, data=data, source=service.SourceInfo(uploaded_by=actor.label))
    audit.log(session, actor, "firm.create", "firm", firm, after=firm_snapshot(firm))
    return firm


def create_sentra_as(session: Session, *, actor: Actor, data: SentraCreate) -> Sentra:
    """Register a sentra for ``actor`` (admin, or the officer of its province)."""
    authorize(actor, "sentra.create", _region(data.regency_code))
    sentra = service.create_sentra(session, data=data, source=service.SourceInfo(uploaded_by=actor.label))
    after = audit.snapshot(sentra, ("name", "regency_code", "commodity", "kbli_code", "unit_count", "workers"))
    audit.log(session, actor, "sentra.create", "sentra", sentra, after=after)
    return sentra


def update_firm(session: Session, *, actor: Actor, firm: Firm, data: FirmUpdate) -> Firm:
    """Change the fields sent in ``data`` (owner, officer of the province, or admin); audited before/after."""
    authorize(actor, "firm.edit", firm)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and not changes["name"]:
        raise DomainError("accounts.error.name_required", field="name")
    if changes.get("kbli_code") and not reference_service.has_kbli(session, changes["kbli_code"]):
        raise DomainError("error.unknown_kbli", field="kbli_code", value=changes["kbli_code"])
    before = firm_snapshot(firm)
    for field in PUBLIC_FIELDS:
        if field in changes:
            setattr(firm, field, changes[field])
    if "name" in changes:
        firm.name_key = service.name_key(firm.name)
    if "kbli_code" in changes:
        firm.kbli_division = firm.kbli_code[:2] if firm.kbli_code else None
    firm.size_class = service.classify_size(firm.workers, firm.investment)
    if changes.get("certificates") is not None:
        _set_certificates(session, firm, changes["certificates"])
    private_changes = {f: changes[f] for f in PRIVATE_FIELDS if f in changes}
    if private_changes:
        if firm.private is None:
            firm.private = FirmPrivate()
        for field, value in private_changes.items():
            setattr(firm.private, field, value)
    session.flush()
    after = firm_snapshot(firm)
    if after != before:
        firm.row_hash = None  # its content is no longer the uploaded row's: that row, uploaded again, is validated
        old, new = audit.changes(before, after)
        audit.log(session, actor, "firm.edit", "firm", firm, before=old, after=new)
    return firm


def firm_private(session: Session, *, actor: Actor, firm: Firm) -> FirmPrivateOut:
    """Owner, phone, e-mail and NIB of a firm, for its owner, its province's officer or an admin only."""
    authorize(actor, "firm.read_private", firm)
    private = firm.private
    return FirmPrivateOut(
        public_id=firm.public_id,
        nib=firm.nib,
        owner_name=private.owner_name if private else None,
        phone=private.phone if private else None,
        email=private.email if private else None,
    )
