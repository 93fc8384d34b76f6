"""Orders, deliveries with BAST, invoices, payments, overdue alerts and evaluations of active partnerships."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.roles import Actor
from jejaring.core.errors import DomainError, NotFound
from jejaring.partnerships import access, notify
from jejaring.partnerships.enums import REALISED, PartnershipStatus
from jejaring.partnerships.models import Delivery, Evaluation, Invoice, Partnership, Payment, PurchaseOrder
from jejaring.partnerships.schemas import DeliveryIn, EvaluationIn, InvoiceIn, OrderIn, PaymentIn


def _require_active(p: Partnership) -> None:
    if p.status != PartnershipStatus.AKTIF:
        raise DomainError("partnerships.error.not_active", field="status", current=p.status)


def _other(p: Partnership, firm_id: int) -> int:
    return p.smaller_firm_id if firm_id == p.larger_firm_id else p.larger_firm_id


def _tell(session: Session, p: Partnership, firm_id: int, **note: Any) -> None:
    """Notify every party but ``firm_id`` (a consortium's members too)."""
    for other in access.others(p, firm_id):
        notify.notify(session, firm_id=other, partnership=p, **note)


def _audit(session: Session, actor: Actor, p: Partnership, action: str, after: dict[str, Any]) -> None:
    audit.log(session, actor, action, "partnership", p, after=after)


def record_entry(
    session: Session,
    actor: Actor,
    p: Partnership,
    firm_id: int,
    row: object,
    *,
    kind: str,
    after: dict[str, Any],
    parent: object = None,
    **note: Any,
) -> None:
    """Write a ledger ``row`` or attachment (reloading the ``parent`` whose totals it changes), audit it as
    ``partnership.<kind>`` and tell the other parties (``partnerships.note.<kind>``)."""
    session.add(row)
    session.flush()
    if parent is not None:
        session.refresh(parent)
    _audit(session, actor, p, f"partnership.{kind}", after)
    _tell(session, p, firm_id, kind=kind, key=f"partnerships.note.{kind}", **note)


def agreement_period(partnership: Partnership) -> tuple[date, date] | None:
    """First and last day of the agreement (start date plus its duration in months), when both are set."""
    ag = partnership.agreement
    if ag is None or ag.start_date is None or not ag.duration_months:
        return None
    months = ag.start_date.month - 1 + ag.duration_months
    year, month = ag.start_date.year + months // 12, months % 12 + 1
    end = date(year, month, min(ag.start_date.day, calendar.monthrange(year, month)[1])) - timedelta(days=1)
    return ag.start_date, end


def _dmy(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _check_in_period(partnership: Partnership, day: date, field: str) -> None:
    period = agreement_period(partnership)
    if period is not None and not period[0] <= day <= period[1]:
        raise DomainError(
            "partnerships.error.outside_period", field=field, day=_dmy(day), start=_dmy(period[0]), end=_dmy(period[1])
        )


def _not_before(day: date, first: date, key: str, field: str, first_as: str = "ordered_on") -> None:
    """Refuse a ``day`` before the record it follows (a delivery or invoice before its order, a payment before
    its invoice); the message names both dates, the earlier one as ``first_as``."""
    if day < first:
        raise DomainError(key, field=field, day=_dmy(day), **{first_as: _dmy(first)})


def add_order(session: Session, *, actor: Actor, partnership: Partnership, data: OrderIn) -> PurchaseOrder:
    """Record a purchase order (either party; the partnership must be active; dated within the agreement)."""
    firm_id = access.require_party(actor, partnership)
    _require_active(partnership)
    _check_in_period(partnership, data.issued_on, "issued_on")
    order = PurchaseOrder(partnership_id=partnership.id, **data.model_dump())
    record_entry(session, actor, partnership, firm_id, order, kind="order", after=data.model_dump(), number=data.number)
    return order


def get_order(session: Session, partnership: Partnership, order_id: int) -> PurchaseOrder:
    """An order of this partnership."""
    order = session.get(PurchaseOrder, order_id)
    if order is None or order.partnership_id != partnership.id:
        raise NotFound("partnerships.error.order_not_found", field="order", value=order_id)
    return order


def delivered_quantity(order: PurchaseOrder) -> float:
    """Accepted quantity delivered so far."""
    return sum(d.quantity for d in order.deliveries if d.accepted)


def add_delivery(
    session: Session, *, actor: Actor, partnership: Partnership, order: PurchaseOrder, data: DeliveryIn
) -> Delivery:
    """Record a delivery and its handover record (BAST); deliveries may not exceed the order."""
    firm_id = access.require_party(actor, partnership)
    _require_active(partnership)
    _not_before(data.delivered_on, order.issued_on, "partnerships.error.delivery_before_order", "delivered_on")
    _check_in_period(partnership, data.delivered_on, "delivered_on")
    if data.accepted and delivered_quantity(order) + data.quantity > order.quantity + 1e-9:
        remaining = max(order.quantity - delivered_quantity(order), 0)
        raise DomainError(
            "partnerships.error.over_delivery_explained",
            field="quantity",
            quantity=data.quantity,
            ordered=order.quantity,
            delivered=delivered_quantity(order),
            remaining=remaining,
            unit=order.unit,
        )
    delivery = Delivery(order_id=order.id, **data.model_dump())
    after = {"order": order.number, **data.model_dump()}
    note = {"bast": data.bast_number}
    record_entry(session, actor, partnership, firm_id, delivery, kind="delivery", after=after, parent=order, **note)
    return delivery


def invoiced_amount(order: PurchaseOrder) -> int:
    """Total invoiced on an order."""
    return sum(i.amount for i in order.invoices)


def add_invoice(
    session: Session, *, actor: Actor, partnership: Partnership, order: PurchaseOrder, data: InvoiceIn
) -> Invoice:
    """Invoice delivered goods; due after the agreement's payment period; never more than was delivered."""
    firm_id = access.require_party(actor, partnership)
    _require_active(partnership)
    _not_before(data.issued_on, order.issued_on, "partnerships.error.invoice_before_order", "issued_on")
    deliverable_value = round(delivered_quantity(order) * order.unit_price)
    if invoiced_amount(order) + data.amount > deliverable_value:
        raise DomainError(
            "partnerships.error.over_invoice",
            field="amount",
            delivered_value=deliverable_value,
            invoiced=invoiced_amount(order),
        )
    period = partnership.agreement.payment_period_days if partnership.agreement else None
    invoice = Invoice(
        order_id=order.id,
        number=data.number,
        issued_on=data.issued_on,
        amount=data.amount,
        due_on=data.issued_on + timedelta(days=period or 0),
    )
    after = {"order": order.number, **data.model_dump()}
    note = {"number": data.number, "due": invoice.due_on.isoformat()}
    record_entry(session, actor, partnership, firm_id, invoice, kind="invoice", after=after, parent=order, **note)
    return invoice


def get_invoice(session: Session, partnership: Partnership, invoice_id: int) -> Invoice:
    """An invoice of this partnership."""
    invoice = session.get(Invoice, invoice_id)
    order = session.get(PurchaseOrder, invoice.order_id) if invoice else None
    if invoice is None or order is None or order.partnership_id != partnership.id:
        raise NotFound("partnerships.error.invoice_not_found", field="invoice", value=invoice_id)
    return invoice


def paid_amount(invoice: Invoice) -> int:
    """Total paid on an invoice."""
    return sum(p.amount for p in invoice.payments)


def invoice_status(invoice: Invoice, today: date) -> str:
    """``lunas`` (paid), ``terlambat`` (overdue), or ``terbuka`` (open)."""
    if paid_amount(invoice) >= invoice.amount:
        return "lunas"
    return "terlambat" if today > invoice.due_on else "terbuka"


def paid_on_time(invoice: Invoice) -> bool | None:
    """Whether the invoice was paid in full by its due date (None while unpaid and not yet due)."""
    total = 0
    for p in sorted(invoice.payments, key=lambda x: x.paid_on):
        total += p.amount
        if total >= invoice.amount:
            return p.paid_on <= invoice.due_on
    return None


def add_payment(
    session: Session, *, actor: Actor, partnership: Partnership, invoice: Invoice, data: PaymentIn
) -> Payment:
    """Record a payment (either party); never more than the outstanding amount."""
    firm_id = access.require_party(actor, partnership)
    _not_before(data.paid_on, invoice.issued_on, "partnerships.error.payment_before_invoice", "paid_on", "issued_on")
    outstanding = invoice.amount - paid_amount(invoice)
    if data.amount > outstanding:
        raise DomainError("partnerships.error.over_payment", field="amount", outstanding=outstanding)
    payment = Payment(invoice_id=invoice.id, **data.model_dump())
    after = {"invoice": invoice.number, **data.model_dump()}
    note = {"number": invoice.number}
    record_entry(session, actor, partnership, firm_id, payment, kind="payment", after=after, parent=invoice, **note)
    return payment


def overdue_invoices(session: Session, *, today: date, partnership: Partnership | None = None) -> list[Invoice]:
    """Invoices past their due date and not fully paid."""
    stmt = select(Invoice).where(Invoice.due_on < today)
    if partnership is not None:
        stmt = stmt.join(PurchaseOrder).where(PurchaseOrder.partnership_id == partnership.id)
    return [i for i in session.scalars(stmt) if paid_amount(i) < i.amount]


def check_overdue(session: Session, *, today: date, partnership: Partnership | None = None) -> int:
    """Alert both parties once for every newly overdue invoice (of one partnership, or all); returns how many."""
    raised = 0
    for invoice in overdue_invoices(session, today=today, partnership=partnership):
        if invoice.overdue_notified_on is not None:
            continue
        order = session.get(PurchaseOrder, invoice.order_id)
        p = session.get(Partnership, order.partnership_id) if order else None
        if p is None:
            continue
        days = (today - invoice.due_on).days
        for firm_id in access.all_parties(p):
            notify.notify(
                session,
                firm_id=firm_id,
                partnership=p,
                kind="overdue",
                key="partnerships.note.overdue",
                number=invoice.number,
                days=days,
                amount=invoice.amount - paid_amount(invoice),
            )
        invoice.overdue_notified_on = today
        raised += 1
    session.flush()
    return raised


def add_evaluation(session: Session, *, actor: Actor, partnership: Partnership, data: EvaluationIn) -> Evaluation:
    """A party evaluates the other party for one period (once per period)."""
    firm_id = access.require_party(actor, partnership)
    if partnership.status not in REALISED:
        raise DomainError("partnerships.error.evaluation_state", field="status", current=partnership.status)
    exists = session.scalar(
        select(func.count())
        .select_from(Evaluation)
        .where(
            Evaluation.partnership_id == partnership.id,
            Evaluation.evaluator_firm_id == firm_id,
            Evaluation.period == data.period,
        )
    )
    if exists:
        raise DomainError("partnerships.error.evaluation_exists", field="period", value=data.period)
    ev = Evaluation(
        partnership_id=partnership.id,
        evaluator_firm_id=firm_id,
        evaluated_firm_id=_other(partnership, firm_id),
        **data.model_dump(),
    )
    session.add(ev)
    session.flush()
    _audit(session, actor, partnership, "partnership.evaluation", data.model_dump())
    _tell(
        session,
        partnership,
        firm_id,
        kind="evaluation",
        key="partnerships.note.evaluation",
        period=data.period,
    )
    return ev


def evaluations(session: Session, partnership: Partnership) -> list[Evaluation]:
    """All evaluations of a partnership."""
    stmt = select(Evaluation).where(Evaluation.partnership_id == partnership.id).order_by(Evaluation.id)
    return list(session.scalars(stmt))
