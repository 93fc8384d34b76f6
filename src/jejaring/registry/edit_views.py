"""HTML form to edit a firm: its owner (after an approved claim), its province's officer, or an admin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from jejaring.accounts.authz import authorize
from jejaring.accounts.deps import UserDep
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate, validation_messages
from jejaring.registry import edits, service
from jejaring.registry.schemas import FirmUpdate
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)
TEXT_FIELDS = ("name", "address", "products", "capacity_unit", "brand", "owner_name", "phone", "email")
NUMBER_FIELDS = ("kbli_code", "workers", "investment", "capacity", "production_value", "founded_year")


def _values(firm: Any, private: Any) -> dict[str, Any]:
    values = {f: getattr(firm, f) for f in (*TEXT_FIELDS[:5], *NUMBER_FIELDS)}
    values.update({"owner_name": private.owner_name, "phone": private.phone, "email": private.email})
    return {k: ("" if v is None else v) for k, v in values.items()}


@router.get("/firms/{public_id}/edit")
def edit_form(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The edit form, filled with the current values (including contact data, for those entitled)."""
    firm = service.get_firm(session, public_id=public_id)
    authorize(actor, "firm.edit", firm)
    private = edits.firm_private(session, actor=actor, firm=firm)
    context = {"firm": firm, "values": _values(firm, private), "error": None}
    response = render(request, "firms/edit.html", context, lang=lang)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/firms/{public_id}/edit")
async def edit_submit(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Save the changes through the registry service (authorised and audited)."""
    firm = service.get_firm(session, public_id=public_id)
    authorize(actor, "firm.edit", firm)
    form = await request.form()
    raw = {f: str(form.get(f, "")).strip() for f in (*TEXT_FIELDS, *NUMBER_FIELDS)}
    data = {k: (v if v != "" else None) for k, v in raw.items()}
    try:
        update = FirmUpdate.model_validate(data)
        edits.update_firm(session, actor=actor, firm=firm, data=update)
    except (ValidationError, DomainError) as exc:
        session.rollback()
        if isinstance(exc, DomainError):
            message = translate(exc.key, lang, **exc.params)
        else:
            message = "; ".join(validation_messages(exc.errors(), lang))
        context = {"firm": firm, "values": raw, "error": message}
        return render(request, "firms/edit.html", context, lang=lang, status_code=422)
    return RedirectResponse(f"/firms/{firm.public_id}?saved=1", status_code=303)
