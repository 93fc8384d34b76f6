"""JSON API of capability (/api/v1/capability): catalogue, assessments, gaps, plans, deadlines, programmes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from jejaring.accounts.deps import UserDep
from jejaring.capability import catalogue, deadlines, precheck, programmes, service
from jejaring.capability import interventions as intervention_service
from jejaring.capability.catalogue import Intervention
from jejaring.capability.interventions import all_interventions
from jejaring.capability.models import Programme
from jejaring.capability.schemas import (
    AssessmentIn,
    EnrolIn,
    EnrolmentStatusIn,
    InterventionIn,
    PlanIn,
    ProgrammeIn,
    TargetIn,
)
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(prefix="/capability", tags=["capability"])


@router.get("/criteria")
def criteria(lang: LangDep) -> dict[str, Any]:
    """The criteria catalogue: dimensions (ITC grid pillars) and criteria with weight and source."""
    return {
        "version": catalogue.version(),
        "dimensions": list(catalogue.dimensions()),
        "criteria": [
            {**c.__dict__, "text": c.text(lang), "why": c.why(lang), "max": c.max_value} for c in catalogue.criteria()
        ],
    }


def _intervention_json(iv: Intervention, lang: str) -> dict[str, Any]:
    return {**iv.__dict__, "name": iv.name(lang), "eligibility": iv.eligibility(lang)}


@router.get("/interventions")
def interventions(session: SessionDep, lang: LangDep) -> list[dict[str, Any]]:
    """The intervention catalogue: the ministry's programmes by default, then those offices added."""
    return [_intervention_json(iv, lang) for iv in all_interventions(session)]


@router.post("/interventions", status_code=201)
def add_intervention(data: InterventionIn, session: SessionDep, actor: UserDep, lang: LangDep) -> dict[str, Any]:
    """Add an intervention to the catalogue (officers for their province, admins nationally)."""
    return _intervention_json(intervention_service.add(session, actor=actor, data=data), lang)


@router.get("/firms/{public_id}/assessment")
def firm_assessment(public_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """The firm's current assessment and the versions before it."""
    versions = service.history(session, actor=actor, firm_public_id=public_id)
    return {
        "firm": public_id,
        "current": service.summary(versions[0]) if versions else None,
        "versions": [service.summary(a) for a in versions],
    }


@router.post("/assessments", status_code=201)
def submit(data: AssessmentIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Record a new assessment (owners: self-assessment of their firm; officers: firms of their province)."""
    return service.summary(service.submit(session, actor=actor, data=data))


@router.get("/assessments")
def list_assessments(
    session: SessionDep,
    actor: UserDep,
    province: str | None = Query(None, pattern=r"^\d{2}$"),
    page: int = Query(1, ge=1),
) -> dict[str, Any]:
    """Current assessments an officer (their province) or the ministry may see, lowest score first."""
    rows, total = service.list_latest(session, actor=actor, province=province, page=page)
    return {"total": total, "items": [{"firm": f.public_id, "name": f.name, **service.summary(a)} for a, f in rows]}


def _plan_in(
    kind: str = Query("market", pattern="^(need|pattern|market)$"),
    need: str | None = None,
    pattern: str | None = None,
    region: str | None = None,
    group: str | None = None,
    budget: int = Query(5_000_000, ge=0),
    months: float = Query(12, gt=0, le=60),
) -> PlanIn:
    data = {"kind": kind, "need": need, "pattern": pattern, "region": region, "group": group}
    try:
        return PlanIn.model_validate({**data, "budget": budget, "months": months})
    except ValidationError as exc:  # e.g. kind=market without a region: 422, not 500
        raise RequestValidationError(exc.errors(include_url=False)) from exc


PlanQuery = Annotated[PlanIn, Depends(_plan_in)]


@router.get("/firms/{public_id}/gaps")
def gaps(public_id: str, q: PlanQuery, session: SessionDep, actor: UserDep, lang: LangDep) -> dict[str, Any]:
    """The firm's gaps to a buyer's need, a partnership pattern or a market region, in words."""
    data = TargetIn(**q.model_dump(include={"kind", "need", "pattern", "region", "group"}))
    _, target, found = service.firm_gaps(session, actor=actor, firm_public_id=public_id, data=data, lang=lang)
    return {"target": target.label, "notes": target.notes, "gaps": [g.to_json() for g in found]}


@router.get("/firms/{public_id}/plan")
def plan(public_id: str, q: PlanQuery, session: SessionDep, actor: UserDep, lang: LangDep) -> dict[str, Any]:
    """The development plan: interventions closing the most weighted gap within budget and months."""
    _, target, found, result = service.firm_plan(session, actor=actor, firm_public_id=public_id, data=q, lang=lang)
    return {"target": target.label, "gaps": [g.to_json() for g in found], "plan": result.to_json()}


@router.get("/firms/{public_id}/deadlines")
def firm_deadlines(public_id: str, session: SessionDep, actor: UserDep, lang: LangDep) -> list[dict[str, Any]]:
    """Mandatory certification deadlines that apply to the firm's products."""
    firm, _ = service.latest_for(session, actor=actor, firm_public_id=public_id)
    return [d.to_json() for d in deadlines.for_firm(firm, lang=lang)]


@router.get("/firms/{public_id}/tkdn-precheck")
def tkdn_precheck(public_id: str, session: SessionDep, actor: UserDep, lang: LangDep) -> list[dict[str, Any]]:
    """The TKDN-IK pre-check: common reasons for rejection, checked against the registry where possible."""
    firm, _ = service.latest_for(session, actor=actor, firm_public_id=public_id)
    return [c.__dict__ for c in precheck.tkdn_ik(firm, lang)]


@router.get("/deadlines")
def officer_deadlines(
    session: SessionDep, actor: UserDep, lang: LangDep, province: str | None = Query(None, pattern=r"^\d{2}$")
) -> list[dict[str, Any]]:
    """Firms of the officer's province with an unmet halal deadline, nearest first."""
    rows = deadlines.officer_list(session, actor=actor, province=province)
    return [{"firm": f.public_id, "name": f.name, **d.to_json()} for f, d in rows]


def _programme_json(p: Programme) -> dict[str, Any]:
    return {
        "id": p.public_id,
        "name": p.name,
        "province": p.province_code,
        "year": p.year,
        "start_date": p.start_date.isoformat(),
        "end_date": p.end_date.isoformat(),
        "budget": p.budget,
        "cohort_size": p.cohort_size,
        "interventions": p.intervention_codes,
        "status": p.status,
    }


@router.post("/programmes/{public_id}/close")
def close_programme(public_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Close a programme to new participants."""
    p = programmes.get(session, actor=actor, public_id=public_id)
    programmes.close(session, actor=actor, programme=p)
    return _programme_json(p)


@router.get("/programmes")
def list_programmes(session: SessionDep, actor: UserDep) -> list[dict[str, Any]]:
    """Programmes the caller may see (officers: their province)."""
    return [_programme_json(p) for p in programmes.visible(session, actor=actor)]


@router.post("/programmes", status_code=201)
def create_programme(data: ProgrammeIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Create a programme (officers of the province, admins)."""
    return _programme_json(programmes.create(session, actor=actor, data=data))


def _enrolments(session: Session, p: Programme) -> list[dict[str, Any]]:
    return [
        {
            "firm": f.public_id if f else None,
            "name": f.name if f else None,
            "status": e.status,
            "expected_gain": e.expected_gain,
            "before": e.before_id is not None,
            "after": e.after_id is not None,
        }
        for e, f in programmes.enrolments(session, programme=p)
    ]


@router.get("/programmes/{public_id}")
def read_programme(public_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """One programme with its enrolments."""
    p = programmes.get(session, actor=actor, public_id=public_id)
    return {**_programme_json(p), "enrolments": _enrolments(session, p)}


@router.get("/programmes/{public_id}/candidates")
def candidates(
    public_id: str, session: SessionDep, actor: UserDep, limit: int = Query(100, ge=1, le=1000)
) -> dict[str, Any]:
    """IKM of the programme's province ranked by expected gain per Rp1 juta."""
    p = programmes.get(session, actor=actor, public_id=public_id)
    found = programmes.candidates(session, actor=actor, programme=p, limit=limit)
    return {
        "ranked": found["ranked"],
        "items": [
            {"firm": r["firm"].public_id, "name": r["firm"].name, **r["candidate"].__dict__} for r in found["rows"]
        ],
    }


@router.post("/programmes/{public_id}/enrolments", status_code=201)
def enrol(public_id: str, data: EnrolIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Enrol firms (public IDs) of the programme's province."""
    p = programmes.get(session, actor=actor, public_id=public_id)
    programmes.enrol(session, actor=actor, programme=p, firm_public_ids=data.firms)
    return {**_programme_json(p), "enrolments": _enrolments(session, p)}


@router.post("/programmes/{public_id}/enrolments/{firm}/status")
def enrolment_status(
    public_id: str, firm: str, data: EnrolmentStatusIn, session: SessionDep, actor: UserDep
) -> dict[str, Any]:
    """Record participation, completion or dropping out."""
    p = programmes.get(session, actor=actor, public_id=public_id)
    e = programmes.get_enrolment(session, programme=p, firm_public_id=firm)
    programmes.set_status(session, actor=actor, programme=p, enrolment=e, status=data.status)
    return {"firm": firm, "status": e.status}


@router.post("/programmes/{public_id}/enrolments/{firm}/reassess", status_code=201)
def reassess(public_id: str, firm: str, data: AssessmentIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """The assessment after the programme (the enrolment must be completed)."""
    p = programmes.get(session, actor=actor, public_id=public_id)
    e = programmes.get_enrolment(session, programme=p, firm_public_id=firm)
    return service.summary(programmes.reassess(session, actor=actor, programme=p, enrolment=e, data=data))


@router.get("/outcomes")
def outcomes(
    session: SessionDep, actor: UserDep, by: str = Query("programme", pattern="^(programme|province|year)$")
) -> list[dict[str, Any]]:
    """Programme outcomes: before/after scores, certificates obtained, partnerships — per programme, province, year."""
    return programmes.outcomes(session, actor=actor, by=by)
