"""The intervention catalogue in use: the packaged default (the ministry's programmes) plus the ones
offices add (``capability_intervention``)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import Actor
from jejaring.capability import catalogue
from jejaring.capability.catalogue import Intervention
from jejaring.capability.models import CustomIntervention
from jejaring.capability.schemas import InterventionIn
from jejaring.core.errors import DomainError


def _as_intervention(row: CustomIntervention) -> Intervention:
    return Intervention(
        code=row.code,
        kind=row.kind,
        provider=row.provider,
        name_id=row.name_id,
        name_en=row.name_en,
        cost_firm=row.cost_firm,
        cost_gov=row.cost_gov,
        duration=row.duration,
        lifts=json.loads(row.lifts),
        source=row.source,
        requires=json.loads(row.requires),
        eligible_sizes=tuple(s for s in row.eligible_sizes.split(";") if s),
        eligible_groups=tuple(g for g in row.eligible_groups.split(";") if g),
        extra={"custom": True, "province_code": row.province_code},
    )


def all_interventions(session: Session) -> list[Intervention]:
    """The default catalogue followed by the interventions offices added."""
    custom = session.scalars(select(CustomIntervention).order_by(CustomIntervention.id))
    return [*catalogue.interventions(), *(_as_intervention(r) for r in custom)]


def get(session: Session, code: str) -> Intervention | None:
    """One intervention by code, default or added."""
    return next((iv for iv in all_interventions(session) if iv.code == code), None)


def add(session: Session, *, actor: Actor, data: InterventionIn) -> Intervention:
    """Add an intervention (an officer for their province, an admin also nationally)."""
    authorize(actor, "capability.programme", data.province_code)  # None: national, admins only
    index = catalogue.criterion_index()
    for code in (*data.requires, *data.lifts):
        if code not in index:
            raise DomainError("capability.error.unknown_criterion", field="lifts", value=code)
    if get(session, data.code) is not None:
        raise DomainError("capability.error.duplicate_intervention", field="code", value=data.code)
    row = CustomIntervention(
        **data.model_dump(exclude={"requires", "lifts", "eligible_sizes", "eligible_groups"}),
        requires=json.dumps(data.requires, sort_keys=True),
        lifts=json.dumps(data.lifts, sort_keys=True),
        eligible_sizes=";".join(data.eligible_sizes),
        eligible_groups=";".join(data.eligible_groups),
        created_by=actor.label[:255],
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="capability.intervention.add",
        entity_type="capability_intervention",
        entity_id=row.code,
        province_code=row.province_code,
        after=data.model_dump(mode="json"),
    )
    return _as_intervention(row)
