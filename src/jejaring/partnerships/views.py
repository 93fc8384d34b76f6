"""HTML pages of partnerships: list, proposal, detail with history, agreement form, printable agreement,
ledger forms, notifications and realised outcomes."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.accounts.roles import Actor
from jejaring.partnerships import access, agreement, ledger, notify, outcomes, service
from jejaring.partnerships.enums import PartnershipStatus
from jejaring.partnerships.models import Partnership
from jejaring.partnerships.schemas import (
    AgreementIn,
    DeliveryIn,
    EvaluationIn,
    InvoiceIn,
    OrderIn,
    PaymentIn,
    ProposalIn,
)
from jejaring.reference import catalog
from jejaring.registry import service as registry_service
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)
M = TypeVar("M", bound=BaseModel)


async def _form(request: Request, model: type[M], *, lists: tuple[str, ...] = ()) -> M:
    form = await request.form()
    data: dict[str, Any] = {}
    for key in model.model_fields:
        if key in lists:
            data[key] = [v for v in form.getlist(key) if isinstance(v, str)]
        elif key in form and form[key] != "":
            value = form[key]
            data[key] = value if isinstance(value, str) else None
    for key, field in model.model_fields.items():
        if field.annotation is bool:
            data[key] = key in form
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


def _back(p: Partnership, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/partnerships/{p.public_id}{anchor}", status_code=303)


def _detail_context(session: Session, actor: Actor, p: Partnership, lang: str) -> dict[str, Any]:
    larger, smaller = service.parties(session, p)
    ag = p.agreement
    today = date.today()
    ledger.check_overdue(session, today=today, partnership=p)
    return {
        "p": p,
        "larger": larger,
        "smaller": smaller,
        "ag": ag,
        "states": list(PartnershipStatus),
        "party": access.party_firm_id(actor, p),
        "missing": agreement.missing(p) if p.status in agreement.EDITABLE_STATES else [],
        "flags": json.loads(ag.independence_flags) if ag else [],
        "checklist": agreement.checklists().get(p.pattern_code, []),
        "ticked": set(json.loads(ag.checklist)) if ag else set(),
        "pattern": next((x for x in catalog.partnership_patterns() if x["code"] == p.pattern_code), {}),
        "ledger": ledger,
        "today": today,
        "evaluations": ledger.evaluations(session, p),
        "transitions": [to for (frm, to), who in service.TRANSITIONS.items() if frm == p.status and who != "system"],
    }


@router.get("/partnerships")
def list_page(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The caller's partnerships and notifications."""
    rows = service.list_for(session, actor=actor)
    notes = notify.for_firms(session, firm_ids=actor.firm_ids)
    context = {
        "rows": [(p, *service.parties(session, p)) for p in rows],
        "notes": [(n, json.loads(n.params)) for n in notes[:20]],
        "can_propose": bool(actor.firm_ids),
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
    data = await _form(request, ProposalIn)
    return _back(service.propose(session, actor=actor, data=data))


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
    return render(request, "partnerships/detail.html", _detail_context(session, actor, p, lang), lang=lang)


@router.get("/partnerships/{public_id}/agreement")
def agreement_page(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The agreement form."""
    p = service.get(session, actor=actor, public_id=public_id)
    return render(request, "partnerships/agreement.html", _detail_context(session, actor, p, lang), lang=lang)


@router.post("/partnerships/{public_id}/agreement")
async def save_agreement(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Save the agreement's contents."""
    p = service.get(session, actor=actor, public_id=public_id)
    data = await _form(request, AgreementIn, lists=("checklist",))
    agreement.save(session, actor=actor, partnership=p, data=data)
    return _back(p, "#agreement")


@router.get("/partnerships/{public_id}/agreement/print")
def print_page(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The printable agreement (Bahasa Indonesia; bilingual when a party is foreign)."""
    p = service.get(session, actor=actor, public_id=public_id)
    return render(request, "partnerships/print.html", _detail_context(session, actor, p, lang), lang=lang)


@router.post("/partnerships/{public_id}/sign")
def sign(public_id: str, session: SessionDep, actor: UserDep) -> Response:
    """Sign for the caller's party."""
    p = service.get(session, actor=actor, public_id=public_id)
    agreement.sign(session, actor=actor, partnership=p)
    return _back(p)


@router.post("/partnerships/{public_id}/transition")
async def transition(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Move the partnership to another state."""
    p = service.get(session, actor=actor, public_id=public_id)
    form = await request.form()
    to, note = str(form.get("to", "")), form.get("note")
    service.transition(session, actor=actor, partnership=p, to=to, note=str(note) if note else None)
    return _back(p)


@router.post("/partnerships/{public_id}/orders")
async def add_order(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Record a purchase order."""
    p = service.get(session, actor=actor, public_id=public_id)
    ledger.add_order(session, actor=actor, partnership=p, data=await _form(request, OrderIn))
    return _back(p, "#orders")


@router.post("/partnerships/{public_id}/orders/{order_id}/deliveries")
async def add_delivery(
    public_id: str, order_id: int, request: Request, session: SessionDep, actor: UserDep
) -> Response:
    """Record a delivery with its BAST."""
    p = service.get(session, actor=actor, public_id=public_id)
    order = ledger.get_order(session, p, order_id)
    ledger.add_delivery(session, actor=actor, partnership=p, order=order, data=await _form(request, DeliveryIn))
    return _back(p, "#orders")


@router.post("/partnerships/{public_id}/orders/{order_id}/invoices")
async def add_invoice(public_id: str, order_id: int, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Invoice delivered goods."""
    p = service.get(session, actor=actor, public_id=public_id)
    order = ledger.get_order(session, p, order_id)
    ledger.add_invoice(session, actor=actor, partnership=p, order=order, data=await _form(request, InvoiceIn))
    return _back(p, "#orders")


@router.post("/partnerships/{public_id}/invoices/{invoice_id}/payments")
async def add_payment(
    public_id: str, invoice_id: int, request: Request, session: SessionDep, actor: UserDep
) -> Response:
    """Record a payment."""
    p = service.get(session, actor=actor, public_id=public_id)
    invoice = ledger.get_invoice(session, p, invoice_id)
    ledger.add_payment(session, actor=actor, partnership=p, invoice=invoice, data=await _form(request, PaymentIn))
    return _back(p, "#orders")


@router.post("/partnerships/{public_id}/evaluations")
async def add_evaluation(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Evaluate the other party."""
    p = service.get(session, actor=actor, public_id=public_id)
    ledger.add_evaluation(session, actor=actor, partnership=p, data=await _form(request, EvaluationIn))
    return _back(p, "#evaluations")
