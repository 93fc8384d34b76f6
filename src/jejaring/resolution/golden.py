"""Golden record: merge and split firms, with survivorship rules and the full history kept.

Survivorship: values from verified sources first, then from the most recent reference year, then
the most recently updated record; within that order the first non-empty value wins. Each firm's own
values are snapshotted before its first merge, so a split restores them exactly.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError
from jejaring.registry.models import Firm, FirmPrivate, FirmRole
from jejaring.registry.service import classify_size, name_key
from jejaring.resolution.models import FirmSnapshot, MergeEvent

FIRM_FIELDS = (
    "name",
    "nib",
    "address",
    "district_code",
    "desa",
    "latitude",
    "longitude",
    "kbli_code",
    "products",
    "workers",
    "investment",
    "capacity",
    "capacity_unit",
    "production_value",
    "brand",
    "founded_year",
    "reference_year",
)
PRIVATE_FIELDS = ("owner_name", "phone", "email")


def snapshot(session: Session, firm: Firm) -> FirmSnapshot:
    """The firm's own values (taken once, before its first merge)."""
    snap = session.get(FirmSnapshot, firm.id)
    if snap is not None:
        return snap
    values: dict[str, Any] = {f: getattr(firm, f) for f in FIRM_FIELDS}
    private = firm.private
    values.update({f: getattr(private, f) if private else None for f in PRIVATE_FIELDS})
    values["roles"] = firm.role_codes
    values["updated_at"] = firm.updated_at.isoformat() if firm.updated_at else None
    snap = FirmSnapshot(firm_id=firm.id, values=json.dumps(values, default=str), verified=0)
    session.add(snap)
    session.flush()
    return snap


def members(session: Session, survivor: Firm) -> list[Firm]:
    """The survivor and every firm merged into it, directly or through earlier merges."""
    out, frontier = [survivor], [survivor.id]
    while frontier:
        children = list(session.scalars(select(Firm).where(Firm.merged_into_id.in_(frontier))))
        out.extend(children)
        frontier = [c.id for c in children]
    return out


def _ordered_snapshots(session: Session, firms: list[Firm]) -> list[dict[str, Any]]:
    snaps = []
    for f in firms:
        s = snapshot(session, f)
        values = json.loads(s.values)
        values["_verified"] = s.verified
        values["_id"] = f.id
        snaps.append(values)
    snaps.sort(key=lambda v: v.get("updated_at") or "", reverse=True)  # newest first among equals
    snaps.sort(key=lambda v: (-v["_verified"], -(v.get("reference_year") or 0)))  # stable sort keeps that order
    return snaps


def recompute(session: Session, survivor: Firm) -> None:
    """Rebuild the survivor's values from all its members' snapshots by the survivorship rules."""
    group = members(session, survivor)
    snaps = _ordered_snapshots(session, group)
    for field in (*FIRM_FIELDS, *PRIVATE_FIELDS):
        value = next((s[field] for s in snaps if s.get(field) not in (None, "")), None)
        if field in PRIVATE_FIELDS:
            if survivor.private is None:
                survivor.private = FirmPrivate()
            setattr(survivor.private, field, value)
        else:
            setattr(survivor, field, value)
    survivor.name_key = name_key(survivor.name)
    survivor.kbli_division = survivor.kbli_code[:2] if survivor.kbli_code else None
    survivor.size_class = classify_size(survivor.workers, survivor.investment)
    roles = sorted({r for s in snaps for r in s.get("roles", [])})
    current = set(survivor.role_codes)
    for r in survivor.roles[:]:
        if r.role not in roles:
            survivor.roles.remove(r)
    for r in roles:
        if r not in current:
            survivor.roles.append(FirmRole(role=r))
    survivor.updated_at = utcnow()
    session.flush()


def merge(
    session: Session,
    *,
    survivor: Firm,
    merged: Firm,
    reason: str,
    candidate_id: int | None = None,
    run_id: int | None = None,
    actor: str | None = None,
    rebuild: bool = True,
) -> MergeEvent:
    """Fold ``merged`` into ``survivor``; the merged firm's public ID keeps resolving (to the survivor).

    ``rebuild=False`` leaves the golden record to the caller (who merges a whole component, then calls
    ``recompute`` once).
    """
    if survivor.id == merged.id:
        raise DomainError("resolution.error.same_firm", field="firm")
    if survivor.status != "active" or merged.status != "active":
        raise DomainError("resolution.error.not_active", field="firm", value=merged.public_id)
    snapshot(session, survivor)
    snapshot(session, merged)
    merged.status = "merged"
    merged.merged_into_id = survivor.id
    event = MergeEvent(
        survivor_id=survivor.id,
        merged_id=merged.id,
        reason=reason,
        candidate_id=candidate_id,
        run_id=run_id,
        created_by=actor,
    )
    session.add(event)
    if rebuild:
        session.flush()
        recompute(session, survivor)
    return event


def split(session: Session, *, merged: Firm, actor: str | None = None) -> Firm:
    """Undo the merge of ``merged``: it becomes an active firm again with its own values."""
    if merged.status != "merged" or merged.merged_into_id is None:
        raise DomainError("resolution.error.not_merged", field="firm", value=merged.public_id)
    survivor = session.get(Firm, merged.merged_into_id)
    event = session.scalar(
        select(MergeEvent)
        .where(MergeEvent.merged_id == merged.id, MergeEvent.undone_at.is_(None))
        .order_by(MergeEvent.id.desc())
    )
    if event is not None:
        event.undone_at = utcnow()
        event.undone_by = actor
    merged.status = "active"
    merged.merged_into_id = None
    session.flush()
    recompute(session, merged)
    if survivor is not None:
        recompute(session, survivor)
    return merged
