"""Shared helpers of the partnership pages: the detail page's context, and acting on a
partnership with the same page shown again (message and input kept) when the action is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import Forbidden, Unauthenticated
from jejaring.accounts.roles import Actor
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate, validation_message
from jejaring.partnerships import (
    access,
    agreement,
    attachments,
    consortium,
    ledger,
    service,
)
from jejaring.partnerships.enums import PartnershipStatus
from jejaring.partnerships.models import Partnership
from jejaring.reference import catalog
from jejaring.web.rendering import environment, render


def back(p: Partnership, anchor: str = "") -> RedirectResponse:
    """Back to the partnership page (at ``anchor``) after an action."""
    return RedirectResponse(f"/partnerships/{p.public_id}{anchor}", status_code=303)


def detail_context(session: Session, actor: Actor, p: Partnership, lang: str) -> dict[str, Any]:
    """Everything the detail page shows, with only the actions that are the viewer's to take."""
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
        "transitions": my_transitions(p, access.party_firm_id(actor, p)),
        "my_signature": my_signature(p, access.signatory_firm_id(actor, p)),
        "signer": access.signatory_firm_id(actor, p),
        "signatories": consortium.signatories(session, p),
        "files": attachments.by_target(session, p),
        "history": history(session, p),
        "last_change": last_agreement_change(session, p),
        "error": None,
        "posted": {},
        "error_at": "",
    }


def my_transitions(p: Partnership, party: int | None) -> list[str]:
    """Only the moves this party may make now (the recipient's moves are not offered to the proposer)."""
    if party is None:
        return []
    out = []
    for (frm, to), who in service.TRANSITIONS.items():
        if frm != p.status or who == "system" or (who == "recipient" and party == p.proposer_firm_id):
            continue
        out.append(to)
    return out


def my_signature(p: Partnership, party: int | None) -> Any:
    """When the viewer's party signed (None: not yet, or not a party)."""
    ag = p.agreement
    if ag is None or party is None:
        return None
    if party == p.larger_firm_id:
        return ag.signed_larger_at
    if party == p.smaller_firm_id:
        return ag.signed_smaller_at
    member = consortium.member_row(p, party)
    return member.signed_at if member else None


def history(session: Session, p: Partnership) -> list[dict[str, Any]]:
    """Riwayat: every recorded write on the partnership (state changes, agreement edits, signatures, orders,
    BAST, invoices, payments, evaluations) with who and when, from the audit log."""
    return [
        {"at": e.at, "who": e.actor_label, "action": e.action, "after": audit.loads(e.after_json) or {}}
        for e in audit.entity_events(session, entity_type="partnership", entity_id=p.public_id)
    ]


def last_agreement_change(session: Session, p: Partnership) -> dict[str, Any] | None:
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
    cleared = bool(after.pop("signatures_cleared", False))
    rows = [(k, before.get(k), after.get(k)) for k in after if k != "checklist" and before.get(k) != after.get(k)]
    if before.get("checklist") != after.get("checklist"):
        items = {i["item"]: i for i in agreement.checklists().get(p.pattern_code, [])}

        def texts(value: Any) -> list[dict[str, str]]:
            codes = json.loads(value) if isinstance(value, str) and value.startswith("[") else []
            return [items.get(c, {"text_id": c, "text_en": c}) for c in codes]

        rows.append(("checklist", texts(before.get("checklist")), texts(after.get("checklist"))))
    return {"at": last.at, "who": last.actor_label, "rows": rows, "cleared": cleared} if rows else None


def message(exc: Exception, lang: str) -> str:
    """A refusal in the user's words, naming the field."""
    if isinstance(exc, RequestValidationError):
        parts = []
        for err in exc.errors():
            loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path")]
            field = translate("partnerships.label." + (loc[-1] if loc else "-"), lang)
            parts.append(translate("error.field", lang, field=field, message=validation_message(err, lang)))
        return "; ".join(parts)
    assert isinstance(exc, DomainError)
    return translate(exc.key, lang, **readable_params(exc.params, lang))


STATE_PARAMS = ("current", "target")  # partnership states: shown by name, never as codes
MONEY_PARAMS = ("outstanding", "delivered_value", "invoiced")
NUMBER_PARAMS = ("quantity", "ordered", "delivered", "remaining")


def readable_params(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """A refusal's parameters as the reader reads them: states by name, amounts and quantities in the
    language's number format."""
    filters = environment().filters
    out = dict(params)
    for k, v in params.items():
        if k in STATE_PARAMS and isinstance(v, str):
            out[k] = translate(f"partnerships.state.{v}", lang)
        elif (k in MONEY_PARAMS and isinstance(v, int | float)) or (k in NUMBER_PARAMS and isinstance(v, int | float)):
            out[k] = filters["number"](v, lang)
    return out


async def act(
    request: Request,
    session: Session,
    actor: Actor,
    lang: str,
    public_id: str,
    do: Callable[[Partnership], Any],
    anchor: str,
    template: str = "partnerships/detail.html",
    extra: dict[str, str] | None = None,
) -> Response:
    """Run ``do``; on a refusal, show the same page again with the message and what was typed (no dead end);
    ``extra`` (filled by ``do``, e.g. a kept upload's receipt) is shown again as well."""
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
        context = detail_context(session, actor, p, lang)
        posted = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"} | (extra or {})
        context.update({"error": message(exc, lang), "posted": posted, "error_at": anchor.lstrip("#")})
        return render(request, template, context, lang=lang, status_code=422)
    return back(p, anchor)
