"""HTML pages of partnerships: list, proposal, detail with history, agreement form, printable agreement,
notifications and realised outcomes (ledger forms in ``ledger_views``, consortium proposals in
``consortium_views``)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.accounts.roles import Actor
from jejaring.partnerships import (
    agreement,
    consortium,
    consortium_views,
    drafting,
    ledger,
    ledger_views,
    notify,
    outcomes,
    printing,
    service,
)
from jejaring.partnerships.models import Partnership
from jejaring.partnerships.pages import act, back, detail_context
from jejaring.partnerships.schemas import (
    AgreementIn,
    EvaluationIn,
    ProposalIn,
)
from jejaring.reference import catalog
from jejaring.registry import service as registry_service
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.forms import form_model
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)
router.include_router(consortium_views.router)
router.include_router(ledger_views.router)


@router.get("/partnerships")
def list_page(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The caller's partnerships and notifications."""
    rows = service.list_for(session, actor=actor)
    notes = notify.for_firms(session, firm_ids=actor.firm_ids)
    context = {
        "rows": [(p, *service.parties(session, p)) for p in rows],
        "notes": [(n, json.loads(n.params)) for n in notes[:20]],
        "can_propose": bool(actor.firm_ids),
        "pattern_names": {
            x["code"]: x["name_id" if lang == "id" else "name_en"] for x in catalog.partnership_patterns()
        },
    }
    return render(request, "partnerships/list.html", context, lang=lang)


@router.get("/partnerships/new")
def new_page(
    request: Request, session: SessionDep, lang: LangDep, actor: UserDep, partner: str = "", origin: str = ""
) -> Response:
    """The proposal form (from a match result or direct)."""

    mine = [registry_service.firm_by_id(session, fid) for fid in sorted(actor.firm_ids)]
    partner_firm = registry_service.get_firm(session, public_id=partner) if partner else None
    context = {
        "mine": [f for f in mine if f is not None],
        "partner": partner_firm,
        "origin": origin,
        "patterns": catalog.partnership_patterns(),
    }
    return render(request, "partnerships/new.html", context, lang=lang)


@router.post("/partnerships")
async def propose(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Submit a proposal."""
    data = await form_model(request, ProposalIn)
    return back(service.propose(session, actor=actor, data=data))


@router.get("/partnerships/outcomes")
def outcomes_page(
    request: Request, session: SessionDep, lang: LangDep, _actor: ActorDep, by: str = "province"
) -> Response:
    """Realised outcomes (public aggregates)."""
    if by not in outcomes.GROUPINGS:
        by = "province"
    rows = outcomes.outcome_metrics(session, by=by)
    return render(
        request, "partnerships/outcomes.html", {"rows": rows, "by": by, "groupings": outcomes.GROUPINGS}, lang=lang
    )


@router.get("/partnerships/{public_id}")
def detail_page(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """One partnership: parties, state and history, agreement status, orders, invoices, evaluations."""
    p = service.get(session, actor=actor, public_id=public_id)
    return render(request, "partnerships/detail.html", detail_context(session, actor, p, lang), lang=lang)


@router.get("/partnerships/{public_id}/agreement")
def agreement_page(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The agreement form."""
    p = service.get(session, actor=actor, public_id=public_id)
    context = detail_context(session, actor, p, lang)
    context["draft"] = drafting.draft(session, actor=actor, partnership=p)
    return render(request, "partnerships/agreement.html", context, lang=lang)


@router.post("/partnerships/{public_id}/agreement")
async def save_agreement(
    public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Save the agreement's contents (a refusal shows the form again with what was typed)."""

    async def do(p: Partnership) -> None:
        data = await form_model(request, AgreementIn, lists=("checklist",))
        agreement.save(session, actor=actor, partnership=p, data=data)

    return await act(request, session, actor, lang, public_id, do, "#agreement", "partnerships/agreement.html")


def _print_context(session: Session, actor: Actor, p: Partnership, lang: str) -> dict[str, Any]:
    context = detail_context(session, actor, p, lang)
    dates = [s.signed_at for s in context["signatories"] if s.signed_at is not None]
    context["place"] = printing.place_of(context["smaller"])
    context["signed_on"] = max(dates) if dates and consortium.all_signed(p) else None
    return context


@router.get("/partnerships/{public_id}/agreement/print")
def print_page(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The printable agreement (Bahasa Indonesia; bilingual when a party is foreign)."""
    p = service.get(session, actor=actor, public_id=public_id)
    return render(request, "partnerships/print.html", _print_context(session, actor, p, lang), lang=lang)


@router.get("/partnerships/{public_id}/agreement.pdf")
def agreement_pdf(public_id: str, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The agreement as a PDF download."""
    p = service.get(session, actor=actor, public_id=public_id)
    content = printing.agreement_pdf(_print_context(session, actor, p, lang))
    headers = {
        "Content-Disposition": f'attachment; filename="perjanjian-{p.public_id}.pdf"',
        "Cache-Control": "no-store",
    }
    return Response(content, media_type="application/pdf", headers=headers)


@router.post("/partnerships/{public_id}/sign")
async def sign(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Sign for the caller's party."""
    form = await request.form()
    name, title = str(form.get("signer_name", "")).strip(), str(form.get("signer_title", "")).strip()

    def do(p: Partnership) -> None:
        agreement.sign(
            session, actor=actor, partnership=p, signer_name=name[:200] or None, signer_title=title[:200] or None
        )

    return await act(request, session, actor, lang, public_id, do, "#agreement")


@router.post("/partnerships/{public_id}/transition")
async def transition(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Move the partnership to another state."""
    form = await request.form()
    to, note = str(form.get("to", "")), form.get("note")

    def do(p: Partnership) -> None:
        service.transition(session, actor=actor, partnership=p, to=to, note=str(note) if note else None)

    return await act(request, session, actor, lang, public_id, do, "#actions")


@router.post("/partnerships/{public_id}/evaluations")
async def add_evaluation(
    public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Evaluate the other party."""

    async def do(p: Partnership) -> None:
        ledger.add_evaluation(session, actor=actor, partnership=p, data=await form_model(request, EvaluationIn))

    return await act(request, session, actor, lang, public_id, do, "#evaluations")
