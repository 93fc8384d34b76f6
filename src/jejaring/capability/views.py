"""HTML pages of capability: the firm's assessment, gaps and plan; officers' lists, deadlines and programmes."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.accounts.roles import ADMIN, ANALIS, PETUGAS
from jejaring.capability import catalogue, deadlines, interventions, precheck, programmes, service
from jejaring.capability.interventions import all_interventions
from jejaring.capability.schemas import AssessmentIn, EnrolmentStatusIn, InterventionIn, PlanIn, ProgrammeIn
from jejaring.core.errors import DomainError
from jejaring.matching import service as matching_service
from jejaring.reference import catalog
from jejaring.reference import service as reference_service
from jejaring.registry import service as registry_service
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.forms import validated
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)


def _provinces(session: Session) -> dict[str, str]:
    return {p.code: p.name for p in reference_service.list_provinces(session)}


def _common() -> dict[str, Any]:
    return {
        "criteria": catalogue.criteria(),
        "criteria_by": {c.code: c for c in catalogue.criteria()},
        "dimensions": catalogue.dimensions(),
        "regions": catalogue.targets()["region"],
        "groups": catalogue.targets()["product_group"],
        "patterns": catalog.partnership_patterns(),
    }


@router.get("/capability")
def home(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Owners: their firms' readiness; officers and the ministry: current assessments, lowest first."""
    mine = list(registry_service.firms_by_ids(session, ids=sorted(actor.firm_ids)).values())
    rows: list[Any] = []
    total = 0
    if actor.role in (ADMIN, ANALIS, PETUGAS):
        rows, total = service.list_latest(session, actor=actor)
    alerts = [(f, d) for f in mine for d in deadlines.for_firm(f, lang=lang) if d.state in ("overdue", "soon")]
    context = {
        "mine": mine,
        "alerts": alerts,
        "rows": rows,
        "total": total,
        "officer": actor.role in (ADMIN, ANALIS, PETUGAS),
    }
    return render(request, "capability/home.html", context, lang=lang)


@router.get("/capability/criteria")
def criteria_page(request: Request, session: SessionDep, lang: LangDep, actor: ActorDep) -> Response:
    """The criteria and intervention catalogues with weights, costs and sources (public)."""
    context = {
        **_common(),
        "interventions": all_interventions(session),
        "precheck": catalogue.tkdn_precheck(),
        "can_add": actor.role in (ADMIN, PETUGAS),
        "province": actor.province_code or "",
    }
    return render(request, "capability/criteria.html", context, lang=lang)


def _pairs(text: object) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in str(text or "").split(";"):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        try:
            out[key.strip()] = float(value.strip().replace(",", "."))
        except ValueError as exc:
            raise DomainError("capability.error.pairs", field="lifts", value=part) from exc
    return out


@router.post("/capability/interventions")
async def intervention_add(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Add an intervention to the catalogue (officers for their province, admins nationally)."""
    form = await request.form()
    fields = ("code", "kind", "provider", "name_id", "name_en", "cost_firm", "cost_gov", "duration", "source")
    data: dict[str, Any] = {k: form.get(k) for k in fields}
    data["province_code"] = form.get("province_code") or None
    data["lifts"] = _pairs(form.get("lifts"))
    data["requires"] = _pairs(form.get("requires"))
    interventions.add(session, actor=actor, data=validated(InterventionIn, data))
    return RedirectResponse("/capability/criteria#interventions", status_code=303)


@router.get("/firms/{public_id}/capability/block")
def firm_block(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: ActorDep) -> Response:
    """The short readiness block of the firm page (scores and deadlines), for those who may see it."""
    firm = registry_service.get_firm(session, public_id=public_id)
    allowed = actor.may("capability.read", firm)
    current = service.latest(session, firm=firm) if allowed else None
    context = {
        "firm": firm,
        "allowed": allowed,
        "current": current,
        "scores": service.scores_of(current) if current else {},
        "deadlines": deadlines.for_firm(firm, lang=lang),
        "dimensions": catalogue.dimensions(),
    }
    return render(request, "capability/_block.html", context, lang=lang)


@router.get("/firms/{public_id}/capability")
def firm_page(
    public_id: str,
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: UserDep,
    kind: str = "market",
    region: str = "",
    pattern: str = "",
    need: str = "",
    budget: int = 5_000_000,
    months: float = 12,
) -> Response:
    """The firm's scores per dimension, deadlines, gaps to a chosen target and the development plan."""
    firm, current = service.latest_for(session, actor=actor, firm_public_id=public_id)
    context: dict[str, Any] = {
        **_common(),
        "firm": firm,
        "current": current,
        "scores": service.scores_of(current) if current else {},
        "deadlines": deadlines.for_firm(firm, lang=lang),
        "group": catalogue.product_group(firm.kbli_code),
        "group_label": catalogue.label("product_group", catalogue.product_group(firm.kbli_code), lang),
        "q": {"kind": kind, "region": region, "pattern": pattern, "need": need, "budget": budget, "months": months},
        "needs": matching_service.list_needs(session, limit=30),
        "can_assess": actor.may("capability.assess", firm),
        "target": None,
        "precheck": precheck.tkdn_ik(firm, lang),
    }
    if (kind == "market" and region) or (kind == "pattern" and pattern) or (kind == "need" and need):
        data = validated(
            PlanIn,
            {
                "kind": kind,
                "region": region or None,
                "pattern": pattern or None,
                "need": need or None,
                "budget": budget,
                "months": months,
            },
        )
        _, target, found, plan = service.firm_plan(session, actor=actor, firm_public_id=public_id, data=data, lang=lang)
        context.update(target=target, gaps=found, plan=plan)
    return render(request, "capability/firm.html", context, lang=lang)


@router.get("/firms/{public_id}/capability/assess")
def assess_form(
    public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep, programme: str = ""
) -> Response:
    """The assessment form, pre-filled with the latest answers or what the registry knows (a reassessment
    after a programme when ``programme`` is given)."""
    firm = registry_service.get_firm(session, public_id=public_id)
    answers, known = service.form_answers(session, actor=actor, firm=firm)
    context = {**_common(), "firm": firm, "answers": answers, "known": known, "programme": programme}
    return render(request, "capability/assess.html", context, lang=lang)


@router.post("/firms/{public_id}/capability/assess")
async def assess_submit(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Save a new version of the assessment."""
    form = await request.form()
    answers: dict[str, int | None] = {}
    for c in catalogue.criteria():
        raw = form.get(c.code)
        answers[c.code] = int(raw) if isinstance(raw, str) and raw.isdigit() else None
    note = form.get("note")
    data = validated(AssessmentIn, {"firm": public_id, "answers": answers, "note": note or None})
    programme = form.get("programme")
    if isinstance(programme, str) and programme:
        p = programmes.get(session, actor=actor, public_id=programme)
        e = programmes.get_enrolment(session, programme=p, firm_public_id=public_id)
        programmes.reassess(session, actor=actor, programme=p, enrolment=e, data=data)
        return RedirectResponse(f"/capability/programmes/{p.public_id}", status_code=303)
    service.submit(session, actor=actor, data=data)
    return RedirectResponse(f"/firms/{public_id}/capability", status_code=303)


@router.get("/capability/deadlines")
def deadlines_page(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The officer's list of firms with an unmet halal obligation, nearest deadline first."""
    rows = deadlines.officer_list(session, actor=actor)
    return render(request, "capability/deadlines.html", {"rows": rows}, lang=lang)


@router.get("/capability/programmes")
def programmes_page(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Programmes of the officer's province and the form for a new one."""
    context = {
        "rows": programmes.visible(session, actor=actor),
        "interventions": all_interventions(session),
        "province": actor.province_code or "",
        "today": date.today(),
        "can_create": actor.role in (ADMIN, PETUGAS),
        "provinces": _provinces(session),
    }
    return render(request, "capability/programmes.html", context, lang=lang)


@router.post("/capability/programmes")
async def programme_create(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Create a programme."""
    form = await request.form()
    data = validated(
        ProgrammeIn,
        {
            "name": form.get("name"),
            "province_code": form.get("province_code"),
            "start_date": form.get("start_date"),
            "end_date": form.get("end_date"),
            "budget": form.get("budget"),
            "cohort_size": form.get("cohort_size"),
            "interventions": [v for v in form.getlist("interventions") if isinstance(v, str)],
        },
    )
    p = programmes.create(session, actor=actor, data=data)
    return RedirectResponse(f"/capability/programmes/{p.public_id}", status_code=303)


@router.get("/capability/programmes/{public_id}")
def programme_page(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """A programme: enrolments with their steps, and IKM ranked by expected gain per Rp1 juta."""
    p = programmes.get(session, actor=actor, public_id=public_id)
    can_manage = actor.may("capability.programme", p.province_code)
    context = {
        "p": p,
        "enrolments": programmes.enrolments(session, programme=p),
        "candidates": programmes.candidates(session, actor=actor, programme=p, limit=50) if can_manage else None,
        "can_manage": can_manage,
        "provinces": _provinces(session),
        "spent": programmes.spent(session, programme=p),
        "steps": programmes.STEPS,
        "interventions": [iv for iv in all_interventions(session) if iv.code in p.intervention_codes],
        "outcome": next(iter(o for o in programmes.outcomes(session, actor=actor) if o["group"] == p.public_id), None),
    }
    return render(request, "capability/programme.html", context, lang=lang)


@router.post("/capability/programmes/{public_id}/enrol")
async def programme_enrol(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Enrol the ticked firms."""
    form = await request.form()
    p = programmes.get(session, actor=actor, public_id=public_id)
    firms = [v for v in form.getlist("firms") if isinstance(v, str) and v]
    if firms:
        programmes.enrol(session, actor=actor, programme=p, firm_public_ids=firms)
    return RedirectResponse(f"/capability/programmes/{p.public_id}", status_code=303)


@router.post("/capability/programmes/{public_id}/close")
async def programme_close(public_id: str, session: SessionDep, actor: UserDep) -> Response:
    """Close the programme to new participants."""
    p = programmes.get(session, actor=actor, public_id=public_id)
    programmes.close(session, actor=actor, programme=p)
    return RedirectResponse(f"/capability/programmes/{p.public_id}", status_code=303)


@router.post("/capability/programmes/{public_id}/enrolments/{firm}/status")
async def programme_status(
    public_id: str, firm: str, request: Request, session: SessionDep, actor: UserDep
) -> Response:
    """Record participation, completion or dropping out."""
    form = await request.form()
    data = validated(EnrolmentStatusIn, {"status": form.get("status")})
    p = programmes.get(session, actor=actor, public_id=public_id)
    e = programmes.get_enrolment(session, programme=p, firm_public_id=firm)
    programmes.set_status(session, actor=actor, programme=p, enrolment=e, status=data.status)
    return RedirectResponse(f"/capability/programmes/{p.public_id}", status_code=303)


@router.get("/capability/outcomes")
def outcomes_page(
    request: Request, session: SessionDep, lang: LangDep, actor: UserDep, by: str = "programme"
) -> Response:
    """Programme outcomes per programme, province or year."""
    rows = programmes.outcomes(session, actor=actor, by=by)
    context = {"rows": rows, "by": by, "provinces": _provinces(session)}
    return render(request, "capability/outcomes.html", context, lang=lang)
