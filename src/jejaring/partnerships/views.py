"""HTML pages of partnerships: list, proposal, detail with history, agreement form, printable agreement,
ledger forms, notifications and realised outcomes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import Forbidden, Unauthenticated
from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.accounts.roles import Actor
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate, validation_message
from jejaring.partnerships import access, agreement, drafting, ledger, notify, outcomes, printing, service
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
        "transitions": _my_transitions(p, access.party_firm_id(actor, p)),
        "my_signature": _my_signature(p, access.party_firm_id(actor, p)),
        "history": _history(session, p),
        "last_change": _last_agreement_change(session, p),
        "error": None,
        "posted": {},
        "error_at": "",
    }


def _my_transitions(p: Partnership, party: int | None) -> list[str]:
    """Only the moves this party may make now (the recipient's moves are not offered to the proposer)."""
    if party is None:
        return []
    out = []
    for (frm, to), who in service.TRANSITIONS.items():
        if frm != p.status or who == "system" or (who == "recipient" and party == p.proposer_firm_id):
            continue
        out.append(to)
    return out


def _my_signature(p: Partnership, party: int | None) -> Any:
    ag = p.agreement
    if ag is None or party is None:
        return None
    return ag.signed_larger_at if party == p.larger_firm_id else ag.signed_smaller_at


def _history(session: Session, p: Partnership) -> list[dict[str, Any]]:
    """Riwayat: every recorded write on the partnership (state changes, agreement edits, signatures, orders,
    BAST, invoices, payments, evaluations) with who and when, from the audit log."""
    return [
        {"at": e.at, "who": e.actor_label, "action": e.action, "after": audit.loads(e.after_json) or {}}
        for e in audit.entity_events(session, entity_type="partnership", entity_id=p.public_id)
    ]


def _last_agreement_change(session: Session, p: Partnership) -> dict[str, Any] | None:
    """The clauses the last agreement edit changed, before and after, for the side-by-side view."""
    events = [
        e
        for e in audit.entity_events(session, entity_type="partnership", entity_id=p.public_id)
        if e.action == "partnership.agreement.save"
    ]
    if not events:
        return None
    last = events[-1]
    before, after = audit.loads(last.before_json) or {}, audit.loads(last.after_json) or {}
    rows = [(k, before.get(k), after.get(k)) for k in after if k != "checklist" and before.get(k) != after.get(k)]
    if before.get("checklist") != after.get("checklist"):
        rows.append(("checklist", before.get("checklist"), after.get("checklist")))
    return {"at": last.at, "who": last.actor_label, "rows": rows} if rows else None


def _message(exc: Exception, lang: str) -> str:
    if isinstance(exc, RequestValidationError):
        parts = []
        for err in exc.errors():
            loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path")]
            field = translate("partnerships.label." + (loc[-1] if loc else "-"), lang)
            parts.append(translate("error.field", lang, field=field, message=validation_message(err, lang)))
        return "; ".join(parts)
    assert isinstance(exc, DomainError)
    return translate(exc.key, lang, **exc.params)


async def _act(
    request: Request,
    session: Session,
    actor: Actor,
    lang: str,
    public_id: str,
    do: Callable[[Partnership], Any],
    anchor: str,
    template: str = "partnerships/detail.html",
) -> Response:
    """Run ``do``; on a refusal, show the same page again with the message and what was typed (no dead end)."""
    p = service.get(session, actor=actor, public_id=public_id)
    form = await request.form()
    try:
        result = do(p)
        if hasattr(result, "__await__"):
            await result
    except (Unauthenticated, Forbidden):
        raise
    except (DomainError, RequestValidationError) as exc:
        session.rollback()
        p = service.get(session, actor=actor, public_id=public_id)
        context = _detail_context(session, actor, p, lang)
        posted = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        context.update({"error": _message(exc, lang), "posted": posted, "error_at": anchor.lstrip("#")})
        return render(request, template, context, lang=lang, status_code=422)
    return _back(p, anchor)


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
    context = _detail_context(session, actor, p, lang)
    context["draft"] = drafting.draft(session, actor=actor, partnership=p)
    return render(request, "partnerships/agreement.html", context, lang=lang)


@router.post("/partnerships/{public_id}/agreement")
async def save_agreement(
    public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Save the agreement's contents (a refusal shows the form again with what was typed)."""

    async def do(p: Partnership) -> None:
        data = await _form(request, AgreementIn, lists=("checklist",))
        agreement.save(session, actor=actor, partnership=p, data=data)

    return await _act(request, session, actor, lang, public_id, do, "#agreement", "partnerships/agreement.html")


def _print_context(session: Session, actor: Actor, p: Partnership, lang: str) -> dict[str, Any]:
    context = _detail_context(session, actor, p, lang)
    ag = p.agreement
    both = ag is not None and ag.signed_larger_at is not None and ag.signed_smaller_at is not None
    context["place"] = printing.place_of(context["smaller"])
    context["signed_on"] = max(ag.signed_larger_at, ag.signed_smaller_at) if both and ag else None  # type: ignore[type-var]
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

    return await _act(request, session, actor, lang, public_id, do, "#agreement")


@router.post("/partnerships/{public_id}/transition")
async def transition(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Move the partnership to another state."""
    form = await request.form()
    to, note = str(form.get("to", "")), form.get("note")

    def do(p: Partnership) -> None:
        service.transition(session, actor=actor, partnership=p, to=to, note=str(note) if note else None)

    return await _act(request, session, actor, lang, public_id, do, "#actions")


@router.post("/partnerships/{public_id}/orders")
async def add_order(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Record a purchase order."""

    async def do(p: Partnership) -> None:
        ledger.add_order(session, actor=actor, partnership=p, data=await _form(request, OrderIn))

    return await _act(request, session, actor, lang, public_id, do, "#orders")


@router.post("/partnerships/{public_id}/orders/{order_id}/deliveries")
async def add_delivery(
    public_id: str, order_id: int, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Record a delivery with its BAST."""

    async def do(p: Partnership) -> None:
        order = ledger.get_order(session, p, order_id)
        data = await _form(request, DeliveryIn)
        ledger.add_delivery(session, actor=actor, partnership=p, order=order, data=data)

    return await _act(request, session, actor, lang, public_id, do, f"#order-{order_id}")


@router.post("/partnerships/{public_id}/orders/{order_id}/invoices")
async def add_invoice(
    public_id: str, order_id: int, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Invoice delivered goods."""

    async def do(p: Partnership) -> None:
        order = ledger.get_order(session, p, order_id)
        data = await _form(request, InvoiceIn)
        ledger.add_invoice(session, actor=actor, partnership=p, order=order, data=data)

    return await _act(request, session, actor, lang, public_id, do, f"#order-{order_id}")


@router.post("/partnerships/{public_id}/invoices/{invoice_id}/payments")
async def add_payment(
    public_id: str, invoice_id: int, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Record a payment."""

    async def do(p: Partnership) -> None:
        invoice = ledger.get_invoice(session, p, invoice_id)
        data = await _form(request, PaymentIn)
        ledger.add_payment(session, actor=actor, partnership=p, invoice=invoice, data=data)

    return await _act(request, session, actor, lang, public_id, do, f"#invoice-{invoice_id}")


@router.post("/partnerships/{public_id}/evaluations")
async def add_evaluation(
    public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Evaluate the other party."""

    async def do(p: Partnership) -> None:
        ledger.add_evaluation(session, actor=actor, partnership=p, data=await _form(request, EvaluationIn))

    return await _act(request, session, actor, lang, public_id, do, "#evaluations")
