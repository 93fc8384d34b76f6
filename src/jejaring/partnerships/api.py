"""JSON API of partnerships (/api/v1/partnerships). Only the parties and scoped officials see one."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.orm import Session

from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.accounts.roles import Actor
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate
from jejaring.partnerships import agreement, attachments, consortium, ledger, notify, outcomes, service
from jejaring.partnerships.models import Partnership
from jejaring.partnerships.schemas import (
    AgreementIn,
    ConsortiumIn,
    DeliveryIn,
    EvaluationIn,
    InvoiceIn,
    OrderIn,
    PaymentIn,
    ProposalIn,
    TransitionIn,
)
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(prefix="/partnerships", tags=["partnerships"])


def summary(session: Session, p: Partnership, today: date | None = None) -> dict[str, Any]:
    """A partnership as JSON: parties by public ID, state, agreement, history, ledger with invoice states."""
    today = today or date.today()
    larger, smaller = service.parties(session, p)
    ag = p.agreement
    return {
        "id": p.public_id,
        "title": p.title,
        "pattern": p.pattern_code,
        "status": p.status,
        "larger_party": larger.public_id,
        "smaller_party": smaller.public_id,
        "origin": p.origin,
        "origin_ref": p.origin_ref,
        "programme": p.programme,
        "missing_for_signing": agreement.missing(p) if p.status in agreement.EDITABLE_STATES else [],
        "independence_flags": json.loads(ag.independence_flags) if ag else [],
        "signed": {"larger": bool(ag and ag.signed_larger_at), "smaller": bool(ag and ag.signed_smaller_at)},
        "members": [
            {"firm": m.firm.public_id, "role": m.role, "share": m.share, "unit": m.unit, "signed": bool(m.signed_at)}
            for m in consortium.signatories(session, p)
            if m.role
        ],
        "history": [
            {"from": h.from_status, "to": h.to_status, "by": h.actor, "at": h.at.isoformat(), "note": h.note}
            for h in p.history
        ],
        "orders": [
            {
                "id": o.id,
                "number": o.number,
                "quantity": o.quantity,
                "unit": o.unit,
                "unit_price": o.unit_price,
                "delivered": ledger.delivered_quantity(o),
                "deliveries": [{"id": d.id, "bast": d.bast_number, "quantity": d.quantity} for d in o.deliveries],
                "invoices": [
                    {
                        "id": i.id,
                        "number": i.number,
                        "amount": i.amount,
                        "due_on": i.due_on.isoformat(),
                        "paid": ledger.paid_amount(i),
                        "status": ledger.invoice_status(i, today),
                        "payments": [{"id": pay.id, "amount": pay.amount} for pay in i.payments],
                    }
                    for i in o.invoices
                ],
            }
            for o in p.orders
        ],
        "evaluations": [
            {
                "period": e.period,
                "by": (e.evaluator_firm_id == larger.id and "larger") or "smaller",
                "quality": e.quality,
                "timeliness": e.timeliness,
                "payment": e.payment,
                "communication": e.communication,
            }
            for e in ledger.evaluations(session, p)
        ],
    }


def _get(session: Session, actor: Actor, public_id: str) -> Partnership:
    return service.get(session, actor=actor, public_id=public_id)


@router.get("")
def list_partnerships(session: SessionDep, actor: UserDep, status: str | None = None) -> list[dict[str, Any]]:
    """Partnerships the caller may see."""
    return [summary(session, p) for p in service.list_for(session, actor=actor, status=status)]


@router.post("", status_code=201)
def propose(data: ProposalIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Propose a partnership from one of the caller's firms."""
    return summary(session, service.propose(session, actor=actor, data=data))


@router.post("/consortium", status_code=201)
def propose_consortium(data: ConsortiumIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Propose one partnership to a consortium (a lead and members with their shares) from the caller's firm."""
    return summary(session, consortium.propose(session, actor=actor, data=data))


@router.get("/outcomes")
def outcome_figures(
    session: SessionDep,
    _actor: ActorDep,
    by: str = Query("total", pattern="^(total|province|sector|pattern|programme)$"),
) -> list[dict[str, Any]]:
    """Realised outcomes (aggregates only, public)."""
    return outcomes.outcome_metrics(session, by=by)


@router.get("/notifications")
def notifications(session: SessionDep, actor: UserDep) -> list[dict[str, Any]]:
    """The caller's firms' notifications."""
    from jejaring.core.i18n import translate

    out = []
    for n in notify.for_firms(session, firm_ids=actor.firm_ids):
        params = json.loads(n.params)
        out.append(
            {"kind": n.kind, "message": translate(n.message_key, "id", **params), "at": n.created_at.isoformat()}
        )
    return out


@router.get("/{public_id}")
def read(public_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """One partnership."""
    return summary(session, _get(session, actor, public_id))


@router.put("/{public_id}/agreement")
def save_agreement(public_id: str, data: AgreementIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Save the agreement's contents."""
    p = _get(session, actor, public_id)
    agreement.save(session, actor=actor, partnership=p, data=data)
    return summary(session, p)


@router.post("/{public_id}/sign")
def sign(public_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Sign the agreement for the caller's party."""
    p = _get(session, actor, public_id)
    agreement.sign(session, actor=actor, partnership=p)
    return summary(session, p)


@router.post("/{public_id}/transition")
def transition(public_id: str, data: TransitionIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Move the partnership to another state."""
    p = _get(session, actor, public_id)
    service.transition(session, actor=actor, partnership=p, to=data.to, note=data.note)
    return summary(session, p)


@router.post("/{public_id}/orders", status_code=201)
def add_order(public_id: str, data: OrderIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Record a purchase order."""
    p = _get(session, actor, public_id)
    ledger.add_order(session, actor=actor, partnership=p, data=data)
    return summary(session, p)


@router.post("/{public_id}/orders/{order_id}/deliveries", status_code=201)
def add_delivery(
    public_id: str, order_id: int, data: DeliveryIn, session: SessionDep, actor: UserDep
) -> dict[str, Any]:
    """Record a delivery with its BAST."""
    p = _get(session, actor, public_id)
    ledger.add_delivery(session, actor=actor, partnership=p, order=ledger.get_order(session, p, order_id), data=data)
    return summary(session, p)


@router.post("/{public_id}/orders/{order_id}/invoices", status_code=201)
def add_invoice(public_id: str, order_id: int, data: InvoiceIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Invoice delivered goods."""
    p = _get(session, actor, public_id)
    ledger.add_invoice(session, actor=actor, partnership=p, order=ledger.get_order(session, p, order_id), data=data)
    return summary(session, p)


@router.post("/{public_id}/invoices/{invoice_id}/payments", status_code=201)
def add_payment(
    public_id: str, invoice_id: int, data: PaymentIn, session: SessionDep, actor: UserDep
) -> dict[str, Any]:
    """Record a payment."""
    p = _get(session, actor, public_id)
    inv = ledger.get_invoice(session, p, invoice_id)
    ledger.add_payment(session, actor=actor, partnership=p, invoice=inv, data=data)
    return summary(session, p)


@router.post("/{public_id}/evaluations", status_code=201)
def add_evaluation(public_id: str, data: EvaluationIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Evaluate the other party for a period."""
    p = _get(session, actor, public_id)
    ledger.add_evaluation(session, actor=actor, partnership=p, data=data)
    return summary(session, p)


@router.get("/{public_id}/attachments")
def list_attachments(public_id: str, session: SessionDep, actor: UserDep) -> list[dict[str, object]]:
    """The files on the ledger (BAST scans, invoices, …), for the parties only."""
    p = _get(session, actor, public_id)
    return [attachments.as_dict(a) for a in attachments.for_party(session, actor, p)]


@router.post("/{public_id}/attachments", status_code=201, response_model=None)
async def upload_attachment(
    public_id: str,
    request: Request,
    session: SessionDep,
    actor: UserDep,
    lang: LangDep,
    target: str = Form(
        description='What the file belongs to: "order:ID", "delivery:ID", "invoice:ID" or "payment:ID".'
    ),
    file: UploadFile | None = File(None, description="A PDF, JPEG or PNG (e.g. the BAST scan or the invoice)."),
    receipt: str = Form("", description="The receipt of a file kept by an earlier, refused upload (no re-upload)."),
) -> dict[str, object] | JSONResponse:
    """Attach a file (a party). The file is kept before anything else is checked: a refusal returns its
    receipt in the ``X-Attachment-Receipt`` header, to be sent again (``receipt``) instead of the file."""
    settings = request.app.state.settings
    p = _get(session, actor, public_id)
    kept = None
    if file is not None and file.filename:
        content = await file.read(settings.partnership_attachment_max_mb * 1024 * 1024 + 1)
        kept = attachments.keep(settings, uploader=actor.label, filename=file.filename, content=content)
    elif receipt:
        kept = attachments.kept(settings, uploader=actor.label, receipt=receipt)
    if kept is None:
        raise DomainError("partnerships.error.attachment_missing", field=attachments.FIELD)
    try:
        kind, target_id = attachments.parse_target(target)
        row = attachments.attach(session, actor=actor, partnership=p, kind=kind, target_id=target_id, file=kept)
    except DomainError as exc:
        detail = [{"field": exc.field or "-", "message": translate(exc.key, lang, **exc.params), "code": exc.key}]
        headers = {"X-Attachment-Receipt": kept.receipt}  # the body keeps the declared error shape
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)
    return attachments.as_dict(row)


@router.get("/{public_id}/attachments/{attachment_id}", response_class=FileResponse)
def download_attachment(
    public_id: str, attachment_id: int, request: Request, session: SessionDep, actor: UserDep
) -> FileResponse:
    """Download a file of the ledger (the parties only)."""
    p = _get(session, actor, public_id)
    row, path = attachments.for_download(session, request.app.state.settings, actor, p, attachment_id)
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    return FileResponse(path, media_type=row.content_type, filename=row.filename, headers=headers)
