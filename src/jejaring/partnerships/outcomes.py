"""Realised outcomes of partnerships, not potential value: proposals → agreements → first order →
repeat orders → value delivered → value paid → on-time payment rate."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jejaring.partnerships import ledger
from jejaring.partnerships.models import Invoice, Partnership, PurchaseOrder
from jejaring.reference import catalog
from jejaring.registry.models import Firm

GROUPINGS = ("total", "province", "sector", "pattern", "programme")


def _empty() -> dict[str, Any]:
    return {
        "proposals": 0,
        "agreements": 0,
        "first_order": 0,
        "repeat_orders": 0,
        "value_delivered": 0,
        "value_paid": 0,
        "invoices_settled_or_due": 0,
        "invoices_paid_on_time": 0,
    }


def outcome_metrics(session: Session, *, by: str = "total", today: date | None = None) -> list[dict[str, Any]]:
    """Realised figures grouped ``by`` total, province (of the IKM party), sector, pattern or programme."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}")
    today = today or date.today()
    stmt = select(Partnership).options(
        selectinload(Partnership.agreement),
        selectinload(Partnership.orders).selectinload(PurchaseOrder.deliveries),
        selectinload(Partnership.orders).selectinload(PurchaseOrder.invoices).selectinload(Invoice.payments),
    )
    smaller_kbli = dict(session.execute(select(Firm.id, Firm.kbli_code)).all()) if by == "sector" else {}
    groups: dict[str, dict[str, Any]] = defaultdict(_empty)
    for p in session.scalars(stmt):
        if by == "total":
            keys = ["total"]
        elif by == "province":
            keys = [p.province_code]
        elif by == "pattern":
            keys = [p.pattern_code]
        elif by == "programme":
            keys = [p.programme or "-"]
        else:
            kbli = smaller_kbli.get(p.smaller_firm_id)
            keys = sorted(catalog.sectors_of(kbli)) if kbli else []
            keys = keys or ["lainnya"]
        orders = p.orders
        delivered = sum(round(ledger.delivered_quantity(o) * o.unit_price) for o in orders)
        invoices = [i for o in orders for i in o.invoices]
        paid = sum(ledger.paid_amount(i) for i in invoices)
        settled = [i for i in invoices if ledger.paid_amount(i) >= i.amount or i.due_on < today]
        on_time = sum(1 for i in settled if ledger.paid_on_time(i))
        for key in keys:
            g = groups[key]
            g["proposals"] += 1
            ag = p.agreement
            g["agreements"] += bool(ag and ag.signed_larger_at and ag.signed_smaller_at)  # ever agreed
            g["first_order"] += len(orders) >= 1
            g["repeat_orders"] += len(orders) >= 2
            g["value_delivered"] += delivered
            g["value_paid"] += paid
            g["invoices_settled_or_due"] += len(settled)
            g["invoices_paid_on_time"] += on_time
    out = []
    for key, g in sorted(groups.items()):
        due = g["invoices_settled_or_due"]
        out.append({"group": key, **g, "on_time_payment_rate": (g["invoices_paid_on_time"] / due) if due else None})
    return out
