"""Programmes: officers create them, select IKM from a ranked list, record participation and completion,
reassess, and read the outcomes per programme, province and year."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import Forbidden, authorize, scope_province
from jejaring.accounts.roles import Actor
from jejaring.capability import catalogue, ranking, scoring, service
from jejaring.capability.enums import EnrolmentStatus, ProgrammeStatus
from jejaring.capability.interventions import all_interventions
from jejaring.capability.models import Assessment, Enrolment, Programme
from jejaring.capability.schemas import AssessmentIn, ProgrammeIn
from jejaring.core.db import find_by_public_id, utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.ids import IdPrefix, new_public_id
from jejaring.partnerships import outcomes as partnership_outcomes
from jejaring.registry import service as registry_service

STEPS: dict[str, set[str]] = {  # from → allowed next statuses
    EnrolmentStatus.SELECTED: {EnrolmentStatus.PARTICIPATING, EnrolmentStatus.DROPPED},
    EnrolmentStatus.PARTICIPATING: {EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED},
    EnrolmentStatus.COMPLETED: set(),
    EnrolmentStatus.DROPPED: set(),
}


def _items(session: Session, codes: list[str]) -> list[catalogue.Intervention]:
    known = {iv.code: iv for iv in all_interventions(session)}
    out = []
    for code in codes:
        iv = known.get(code)
        if iv is None:
            raise DomainError("capability.error.unknown_intervention", field="interventions", value=code)
        out.append(iv)
    return out


def create(session: Session, *, actor: Actor, data: ProgrammeIn) -> Programme:
    """A new programme in the officer's province."""
    authorize(actor, "capability.programme", data.province_code)
    _items(session, data.interventions)
    p = Programme(
        public_id=new_public_id(IdPrefix.PROGRAMME),
        name=data.name,
        province_code=data.province_code,
        year=data.start_date.year,
        start_date=data.start_date,
        end_date=data.end_date,
        budget=data.budget,
        cohort_size=data.cohort_size,
        interventions=";".join(data.interventions),
        status=str(ProgrammeStatus.PLANNED),
        created_by=actor.label[:255],
    )
    session.add(p)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="capability.programme.create",
        entity_type="capability_programme",
        entity_id=p.public_id,
        province_code=p.province_code,
        after=data.model_dump(mode="json"),
    )
    return p


def visible(session: Session, *, actor: Actor) -> list[Programme]:
    """Programmes the actor may see: an officer their province's, ministry users all."""
    own = scope_province(actor)
    stmt = select(Programme).order_by(Programme.start_date.desc(), Programme.id.desc())
    if own:
        stmt = stmt.where(Programme.province_code == own)
    return list(session.scalars(stmt.limit(500)))


def get(session: Session, *, actor: Actor, public_id: str) -> Programme:
    """One programme the actor may see (404 otherwise)."""
    p = find_by_public_id(session, Programme, public_id)
    own = scope_province(actor)
    if p is None or (own and p.province_code != own):
        raise NotFound("capability.error.programme_not_found", field="public_id", value=public_id)
    return p


def candidates(session: Session, *, actor: Actor, programme: Programme, limit: int = 100) -> dict[str, Any]:
    """IKM of the programme's province ranked by expected gain per rupiah (not yet enrolled)."""
    authorize(actor, "capability.programme", programme.province_code)
    ranked, n = ranking.rank(
        session,
        province=programme.province_code,
        items=_items(session, programme.intervention_codes),
        exclude_programme=programme.id,
        limit=limit,
    )
    firms = registry_service.firms_by_ids(session, ids=[c.firm_id for c in ranked])
    rows = [{"firm": firms[c.firm_id], "candidate": c} for c in ranked if c.firm_id in firms]
    return {"ranked": n, "rows": rows}


def enrolments(session: Session, *, programme: Programme) -> list[tuple[Enrolment, Any]]:
    """The programme's enrolments with their firms."""
    rows = list(session.scalars(select(Enrolment).where(Enrolment.programme_id == programme.id).order_by(Enrolment.id)))
    firms = registry_service.firms_by_ids(session, ids=[e.firm_id for e in rows])
    return [(e, firms.get(e.firm_id)) for e in rows]


def enrol(session: Session, *, actor: Actor, programme: Programme, firm_public_ids: list[str]) -> list[Enrolment]:
    """Select firms of the programme's province for it, keeping their current assessment as the 'before'."""
    authorize(actor, "capability.programme", programme.province_code)
    items = _items(session, programme.intervention_codes)
    taken = {e.firm_id for e, _ in enrolments(session, programme=programme)}
    out = []
    for pid in firm_public_ids:
        firm = registry_service.get_firm(session, public_id=pid)
        if firm.province_code != programme.province_code:
            raise Forbidden("capability.error.other_province")
        if firm.id in taken:
            continue
        if len(taken) >= programme.cohort_size:
            raise DomainError("capability.error.cohort_full", field="firms", size=programme.cohort_size)
        if programme.status == ProgrammeStatus.CLOSED:
            raise DomainError("capability.error.closed", field="firms")
        before = service.latest(session, firm=firm)
        group = catalogue.product_group(firm.kbli_code)
        target, _ = ranking._profile(items, firm.size_class, group)
        cost = sum(iv.cost_gov for iv in ranking.open_to(items, firm.size_class, group))
        gain = 0.0
        if before is not None:
            ranked = ranking.levels_matrix([before.vector])[0]
            weights = [c.weight for c in catalogue.criteria()]
            gain = float(sum(w * max(0.0, float(t - v)) for w, t, v in zip(weights, target, ranked, strict=True)))
        if spent(session, programme=programme) + cost > programme.budget:
            raise DomainError("capability.error.over_budget", field="firms", firm=firm.name, budget=programme.budget)
        e = Enrolment(
            programme_id=programme.id,
            firm_id=firm.id,
            status=str(EnrolmentStatus.SELECTED),
            expected_gain=round(gain, 3),
            cost_gov=cost,
            before_id=before.id if before else None,
            certificates_before=";".join(service.firm_certificates(firm)),
        )
        session.add(e)
        session.flush()
        taken.add(firm.id)
        audit.record(
            session,
            actor=actor,
            action="capability.programme.enrol",
            entity_type="capability_enrolment",
            entity_id=f"{programme.public_id}/{firm.public_id}",
            province_code=programme.province_code,
            after={"status": e.status, "expected_gain": e.expected_gain},
        )
        out.append(e)
    if programme.status == ProgrammeStatus.PLANNED and out:
        programme.status = str(ProgrammeStatus.RUNNING)
    return out


def spent(session: Session, *, programme: Programme) -> int:
    """Government cost committed to the programme's enrolments (dropped ones excluded)."""
    rows = session.scalars(
        select(Enrolment.cost_gov).where(
            Enrolment.programme_id == programme.id, Enrolment.status != str(EnrolmentStatus.DROPPED)
        )
    )
    return int(sum(rows))


def close(session: Session, *, actor: Actor, programme: Programme) -> None:
    """Close a programme: no more enrolments; completion and reassessment stay possible."""
    authorize(actor, "capability.programme", programme.province_code)
    before = programme.status
    programme.status = str(ProgrammeStatus.CLOSED)
    audit.record(
        session,
        actor=actor,
        action="capability.programme.close",
        entity_type="capability_programme",
        entity_id=programme.public_id,
        province_code=programme.province_code,
        before={"status": before},
        after={"status": programme.status},
    )
    session.flush()


def get_enrolment(session: Session, *, programme: Programme, firm_public_id: str) -> Enrolment:
    """The enrolment of one firm in the programme."""
    firm_id = registry_service.firm_id_of(session, firm_public_id)
    e = session.scalar(select(Enrolment).where(Enrolment.programme_id == programme.id, Enrolment.firm_id == firm_id))
    if e is None:
        raise NotFound("capability.error.enrolment_not_found", field="firm", value=firm_public_id)
    return e


def set_status(session: Session, *, actor: Actor, programme: Programme, enrolment: Enrolment, status: str) -> None:
    """Record participation, completion or dropping out (in that order)."""
    authorize(actor, "capability.programme", programme.province_code)
    if status not in STEPS.get(enrolment.status, set()):
        raise DomainError("capability.error.invalid_step", field="status", current=enrolment.status, target=status)
    before = enrolment.status
    enrolment.status = status
    if status == EnrolmentStatus.COMPLETED:
        enrolment.completed_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="capability.programme.status",
        entity_type="capability_enrolment",
        entity_id=str(enrolment.id),
        province_code=programme.province_code,
        before={"status": before},
        after={"status": status},
    )
    session.flush()


def reassess(
    session: Session, *, actor: Actor, programme: Programme, enrolment: Enrolment, data: AssessmentIn
) -> Assessment:
    """A new assessment after the programme, linked as the enrolment's 'after'."""
    authorize(actor, "capability.programme", programme.province_code)
    if enrolment.status != EnrolmentStatus.COMPLETED:
        raise DomainError("capability.error.not_completed", field="status", current=enrolment.status)
    row = service.submit(session, actor=actor, data=data)
    if row.firm_id != enrolment.firm_id:
        raise DomainError("capability.error.wrong_firm", field="firm", value=data.firm)
    enrolment.after_id = row.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="capability.programme.reassess",
        entity_type="capability_programme",
        entity_id=programme.public_id,
        province_code=programme.province_code,
        after={"firm": data.firm, "assessment": row.id},
    )
    return row


GROUPINGS = ("programme", "province", "year")


def _certificates_gained(before: str, after: str) -> int:
    """Certificate criteria answered 'no' before and 'yes' after."""
    lb, la = scoring.levels(before), scoring.levels(after)
    return sum(1 for c in la if c.startswith("cert_") and la[c] >= 1 and lb.get(c, 0.0) < 1)


def outcomes(session: Session, *, actor: Actor, by: str = "programme") -> list[dict[str, Any]]:
    """Before/after scores, certificates obtained and partnerships per programme, province or year."""
    if by not in GROUPINGS:
        raise DomainError("capability.error.grouping", field="by", value=by)
    progs = visible(session, actor=actor)
    links = {r["group"]: r for r in partnership_outcomes.outcome_metrics(session, by="programme")}
    groups: dict[str, dict[str, Any]] = defaultdict(
        lambda: (
            {"programmes": 0, "enrolled": 0, "completed": 0, "reassessed": 0, "before": 0.0, "after": 0.0}
            | {"certificates_obtained": 0, "partnerships": 0, "agreements": 0, "with_orders": 0, "budget": 0}
        )
    )
    for p in progs:
        key = {"programme": p.public_id, "province": p.province_code, "year": str(p.year)}[by]
        g = groups[key]
        if by == "programme":
            g["name"] = p.name
        g["programmes"] += 1
        g["budget"] += p.budget
        for source in (links.get(p.public_id), links.get(p.name)):
            if source:
                g["partnerships"] += source["proposals"]
                g["agreements"] += source["agreements"]
                g["with_orders"] += source["first_order"]
        for e, firm in enrolments(session, programme=p):
            g["enrolled"] += 1
            g["completed"] += e.status == EnrolmentStatus.COMPLETED
            gained_by_answers = 0
            if e.before_id and e.after_id:
                before, after = session.get(Assessment, e.before_id), session.get(Assessment, e.after_id)
                if before and after:
                    g["reassessed"] += 1
                    g["before"] += before.overall
                    g["after"] += after.overall
                    gained_by_answers = _certificates_gained(before.vector, after.vector)
            if firm is not None and e.status == EnrolmentStatus.COMPLETED:
                had = {c for c in e.certificates_before.split(";") if c}
                in_registry = len(set(service.firm_certificates(firm)) - had)
                g["certificates_obtained"] += max(in_registry, gained_by_answers)
    out = []
    for key, g in sorted(groups.items()):
        n = g["reassessed"]
        before = round(g.pop("before") / n, 1) if n else None
        after = round(g.pop("after") / n, 1) if n else None
        out.append({"group": key, **g, "score_before": before, "score_after": after})
    return out
