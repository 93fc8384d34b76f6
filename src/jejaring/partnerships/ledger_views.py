"""HTML form posts of the ledger: orders, deliveries (BAST), invoices and payments, each with an optional
attachment kept before the form is processed; attaching a file later; downloads by the parties only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.datastructures import UploadFile

from jejaring.accounts.deps import UserDep
from jejaring.accounts.roles import Actor
from jejaring.core.errors import DomainError
from jejaring.partnerships import attachments, ledger, service
from jejaring.partnerships.enums import AttachmentTarget
from jejaring.partnerships.models import Delivery, Invoice, Partnership, Payment, PurchaseOrder
from jejaring.partnerships.pages import act
from jejaring.partnerships.schemas import DeliveryIn, InvoiceIn, OrderIn, PaymentIn
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.forms import form_model

router = APIRouter(include_in_schema=False)


async def _keep_upload(request: Request, actor: Actor, extra: dict[str, str]) -> attachments.Kept | None:
    """Keep the posted file (or find the one kept by an earlier, refused post) before anything else happens."""
    settings = request.app.state.settings
    form = await request.form()
    upload = form.get(attachments.FIELD)
    kept = None
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(settings.partnership_attachment_max_mb * 1024 * 1024 + 1)
        await upload.close()
        kept = attachments.keep(settings, uploader=actor.label, filename=upload.filename, content=content)
    elif receipt := str(form.get("attachment_receipt") or ""):
        kept = attachments.kept(settings, uploader=actor.label, receipt=receipt)
    if kept is not None:
        extra.update(attachment_receipt=kept.receipt, attachment_name=kept.filename)
    return kept


async def _record_with_file(
    request: Request,
    session: SessionDep,
    actor: Actor,
    lang: str,
    public_id: str,
    kind: AttachmentTarget,
    write: Callable[[Partnership], Awaitable[PurchaseOrder | Delivery | Invoice | Payment]],
    anchor: str,
    form: str | None = None,
) -> Response:
    """Keep the posted file first, ``write`` the ledger record, then attach the file to it (when one came)."""
    extra: dict[str, str] = {"form": form} if form else {}

    async def do(p: Partnership) -> None:
        kept = await _keep_upload(request, actor, extra)
        row = await write(p)
        if kept:
            attachments.attach(session, actor=actor, partnership=p, kind=kind, target_id=row.id, file=kept)

    return await act(request, session, actor, lang, public_id, do, anchor, extra=extra)


@router.post("/partnerships/{public_id}/orders")
async def add_order(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Record a purchase order (with the PO document, optionally)."""

    async def write(p: Partnership) -> PurchaseOrder:
        return ledger.add_order(session, actor=actor, partnership=p, data=await form_model(request, OrderIn))

    return await _record_with_file(request, session, actor, lang, public_id, AttachmentTarget.ORDER, write, "#orders")


@router.post("/partnerships/{public_id}/orders/{order_id}/deliveries")
async def add_delivery(
    public_id: str, order_id: int, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Record a delivery with its BAST (and the BAST scan, optionally)."""

    async def write(p: Partnership) -> Delivery:
        order = ledger.get_order(session, p, order_id)
        data = await form_model(request, DeliveryIn)
        return ledger.add_delivery(session, actor=actor, partnership=p, order=order, data=data)

    kind, anchor = AttachmentTarget.DELIVERY, f"#order-{order_id}"
    return await _record_with_file(request, session, actor, lang, public_id, kind, write, anchor, form="delivery")


@router.post("/partnerships/{public_id}/orders/{order_id}/invoices")
async def add_invoice(
    public_id: str, order_id: int, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Invoice delivered goods (with the invoice PDF or photo, optionally)."""

    async def write(p: Partnership) -> Invoice:
        order = ledger.get_order(session, p, order_id)
        data = await form_model(request, InvoiceIn)
        return ledger.add_invoice(session, actor=actor, partnership=p, order=order, data=data)

    kind, anchor = AttachmentTarget.INVOICE, f"#order-{order_id}"
    return await _record_with_file(request, session, actor, lang, public_id, kind, write, anchor, form="invoice")


@router.post("/partnerships/{public_id}/invoices/{invoice_id}/payments")
async def add_payment(
    public_id: str, invoice_id: int, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Record a payment (with the transfer receipt, optionally)."""

    async def write(p: Partnership) -> Payment:
        invoice = ledger.get_invoice(session, p, invoice_id)
        data = await form_model(request, PaymentIn)
        return ledger.add_payment(session, actor=actor, partnership=p, invoice=invoice, data=data)

    kind, anchor = AttachmentTarget.PAYMENT, f"#invoice-{invoice_id}"
    return await _record_with_file(request, session, actor, lang, public_id, kind, write, anchor)


@router.post("/partnerships/{public_id}/attachments")
async def add_attachment(
    public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Attach a file to an existing order, delivery, invoice or payment (e.g. the BAST scan, later)."""
    form = await request.form()
    target = str(form.get("target", ""))  # e.g. "delivery:12", from the page's select
    extra: dict[str, str] = {}

    async def do(p: Partnership) -> None:
        kept = await _keep_upload(request, actor, extra)
        kind, target_id = attachments.parse_target(target)
        if kept is None:
            raise DomainError("partnerships.error.attachment_missing", field=attachments.FIELD)
        attachments.attach(session, actor=actor, partnership=p, kind=kind, target_id=target_id, file=kept)

    return await act(request, session, actor, lang, public_id, do, "#orders", extra=extra)


@router.get("/partnerships/{public_id}/attachments/{attachment_id}")
def download_attachment(
    public_id: str, attachment_id: int, request: Request, session: SessionDep, actor: UserDep
) -> Response:
    """Download an attached file (the parties only)."""
    p = service.get(session, actor=actor, public_id=public_id)
    row, path = attachments.for_download(session, request.app.state.settings, actor, p, attachment_id)
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    return FileResponse(path, media_type=row.content_type, filename=row.filename, headers=headers)
