"""Assessments: pre-fill from the registry, versioned submission, scoped reads, gaps and plans for a firm."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize, scope_province
from jejaring.accounts.roles import PEMILIK, Actor
from jejaring.capability import catalogue, scoring
from jejaring.capability.enums import AssessorKind
from jejaring.capability.gaps import Gap, Target, gaps, market_target, need_target, pattern_target
from jejaring.capability.interventions import all_interventions
from jejaring.capability.models import Assessment
from jejaring.capability.plan import Plan, make_plan
from jejaring.capability.schemas import AssessmentIn, PlanIn, TargetIn
from jejaring.matching import service as matching_service
from jejaring.reference import catalog
from jejaring.reference import service as reference_service
from jejaring.registry import service as registry_service

if TYPE_CHECKING:
    from jejaring.registry.models import Firm


def firm_certificates(firm: Firm) -> list[str]:
    """Certificate codes the registry holds for the firm."""
    return sorted({c.certificate_code for c in firm.certifications})


def prefill(firm: Firm) -> dict[str, int]:
    """Answers the registry already knows: certificates, registered brand, NIB, HS codes."""
    certs = set(firm_certificates(firm))
    known: dict[str, int] = {}
    for c in catalogue.criteria():
        for rule in filter(None, c.prefill.split("|")):
            if rule.startswith("cert:"):
                rule = rule[5:]
            hit = (
                (rule == "brand" and bool(firm.brand))
                or (rule == "nib" and firm.nib_present)
                or (rule == "hs" and any(p.hs_codes for p in firm.product_items))
                or rule in certs
            )
            if hit:
                known[c.code] = c.max_value
    return known


def _firm(session: Session, public_id: str) -> Firm:
    return registry_service.get_firm(session, public_id=public_id)


def _read(actor: Actor, firm: Firm) -> None:
    authorize(actor, "capability.read", firm)


def latest(session: Session, *, firm: Firm) -> Assessment | None:
    """The firm's current assessment (no permission check: callers check)."""
    return session.scalar(select(Assessment).where(Assessment.firm_id == firm.id, Assessment.is_latest.is_(True)))


def latest_for(session: Session, *, actor: Actor, firm_public_id: str) -> tuple[Firm, Assessment | None]:
    """The firm and its current assessment, for an actor who may see it (owner, province officer, ministry)."""
    firm = _firm(session, firm_public_id)
    _read(actor, firm)
    return firm, latest(session, firm=firm)


def history(session: Session, *, actor: Actor, firm_public_id: str) -> list[Assessment]:
    """Every version of the firm's assessment, newest first."""
    firm = _firm(session, firm_public_id)
    _read(actor, firm)
    stmt = select(Assessment).where(Assessment.firm_id == firm.id).order_by(Assessment.version.desc())
    return list(session.scalars(stmt))


def form_answers(session: Session, *, actor: Actor, firm: Firm) -> tuple[dict[str, int | None], set[str]]:
    """Answers to show in the form: the latest assessment, else what the registry knows; and the pre-filled codes."""
    _read(actor, firm)
    known = prefill(firm)
    current = latest(session, firm=firm)
    if current is not None:
        answers = scoring.decode(current.vector)
        for code, value in known.items():
            if answers.get(code) is None:
                answers[code] = value
        return answers, set(known)
    return {c.code: known.get(c.code) for c in catalogue.criteria()}, set(known)


def submit(session: Session, *, actor: Actor, data: AssessmentIn, kind: AssessorKind | None = None) -> Assessment:
    """Record a new version of the firm's assessment (owner: self-assessment; officer: officer's)."""
    firm = _firm(session, data.firm)
    authorize(actor, "capability.assess", firm)
    known = prefill(firm)
    answers: dict[str, int | None] = {**known, **{k: v for k, v in data.answers.items() if v is not None}}
    vector = scoring.encode(answers)
    scores = scoring.scores(vector)
    previous = latest(session, firm=firm)
    version = (session.scalar(select(func.max(Assessment.version)).where(Assessment.firm_id == firm.id)) or 0) + 1
    session.execute(
        update(Assessment).where(Assessment.firm_id == firm.id, Assessment.is_latest.is_(True)).values(is_latest=False)
    )
    if kind is None:
        kind = AssessorKind.SELF if actor.role == PEMILIK else AssessorKind.OFFICER
    row = Assessment(
        firm_id=firm.id,
        province_code=firm.province_code,
        size_class=firm.size_class,
        product_group=catalogue.product_group(firm.kbli_code),
        version=version,
        assessor_kind=str(kind),
        assessor=actor.label[:255],
        catalogue_version=catalogue.version(),
        vector=vector,
        prefilled=";".join(sorted(c for c in known if data.answers.get(c) is None)),
        scores=json.dumps(scores, sort_keys=True),
        overall=scores["overall"],
        is_latest=True,
        note=data.note,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="capability.assess",
        entity_type="capability_assessment",
        entity_id=f"{firm.public_id}#{version}",
        province_code=firm.province_code,
        before={"vector": previous.vector, "overall": previous.overall} if previous else None,
        after={"vector": vector, "overall": scores["overall"], "kind": str(kind)},
    )
    return row


def scores_of(assessment: Assessment) -> dict[str, float]:
    """The stored scores of an assessment."""
    return dict(json.loads(assessment.scores))


def target_for(session: Session, *, firm: Firm, data: TargetIn, lang: str = "id") -> Target:
    """The target profile asked for: a buyer's need (through matching), a pattern, or a market region."""
    if data.kind == "need":
        assert data.need is not None
        need = matching_service.get_need(session, public_id=data.need)
        return need_target(
            ref=need.public_id,
            title=need.title,
            certificates=need.certificate_codes,
            quantity=need.quantity,
            unit=need.unit,
            period=need.period,
            firm_capacity=firm.capacity,
            firm_capacity_unit=firm.capacity_unit,
            certificate_names={
                c.code: catalog.certificate_name(c.code, lang) for c in reference_service.list_certificates(session)
            },
            lang=lang,
        )
    if data.kind == "pattern":
        assert data.pattern is not None
        names = {p.code: (p.name_en if lang == "en" else p.name_id) for p in reference_service.list_patterns(session)}
        return pattern_target(data.pattern, lang, name=names.get(data.pattern))
    assert data.region is not None
    return market_target(data.group or catalogue.product_group(firm.kbli_code), data.region, lang)


def firm_levels(session: Session, firm: Firm) -> dict[str, float]:
    """The firm's criterion levels: its latest assessment, else what the registry knows."""
    current = latest(session, firm=firm)
    if current is not None:
        return scoring.levels(current.vector)
    return scoring.levels(scoring.encode(prefill(firm)))


def firm_gaps(
    session: Session, *, actor: Actor, firm_public_id: str, data: TargetIn, lang: str = "id"
) -> tuple[Firm, Target, list[Gap]]:
    """The firm's gaps against the target, largest weighted first."""
    firm = _firm(session, firm_public_id)
    _read(actor, firm)
    target = target_for(session, firm=firm, data=data, lang=lang)
    return firm, target, gaps(firm_levels(session, firm), target, lang)


def firm_plan(
    session: Session, *, actor: Actor, firm_public_id: str, data: PlanIn, lang: str = "id"
) -> tuple[Firm, Target, list[Gap], Plan]:
    """The development plan closing the most weighted gap to the target within the firm's budget and time."""
    firm, target, found = firm_gaps(session, actor=actor, firm_public_id=firm_public_id, data=data, lang=lang)
    plan = make_plan(
        levels=firm_levels(session, firm),
        gaps=found,
        catalogue=all_interventions(session),
        budget_firm=data.budget,
        months=data.months,
        budget_gov=data.budget_gov,
        size_class=firm.size_class,
        group=catalogue.product_group(firm.kbli_code),
        lang=lang,
    )
    return firm, target, found, plan


def list_latest(
    session: Session, *, actor: Actor, province: str | None = None, page: int = 1, page_size: int = 50
) -> tuple[list[tuple[Assessment, Firm]], int]:
    """Current assessments an officer or analyst may see (an officer: their province only), lowest score first."""
    own = scope_province(actor)
    province = own or province
    stmt = select(Assessment).where(Assessment.is_latest.is_(True))
    if province:
        stmt = stmt.where(Assessment.province_code == province)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(
        session.scalars(
            stmt.order_by(Assessment.overall, Assessment.id).offset((page - 1) * page_size).limit(page_size)
        )
    )
    firms = registry_service.firms_by_ids(session, ids=[a.firm_id for a in rows])
    return [(a, firms[a.firm_id]) for a in rows if a.firm_id in firms], total


def summary(assessment: Assessment) -> dict[str, Any]:
    """An assessment as JSON."""
    return {
        "version": assessment.version,
        "kind": assessment.assessor_kind,
        "assessor": assessment.assessor,
        "catalogue_version": assessment.catalogue_version,
        "answers": scoring.decode(assessment.vector),
        "prefilled": [c for c in assessment.prefilled.split(";") if c],
        "scores": scores_of(assessment),
        "created_at": assessment.created_at.isoformat(),
    }
