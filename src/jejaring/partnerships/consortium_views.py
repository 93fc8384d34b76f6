"""HTML pages of a consortium proposal: the buyer proposes one partnership to the lead and members of a
consortium (from a match result), each with its share."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from jejaring.accounts.authz import Forbidden, Unauthenticated
from jejaring.accounts.deps import UserDep
from jejaring.accounts.roles import Actor
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.numbers import parse_number
from jejaring.partnerships import consortium
from jejaring.partnerships.pages import message
from jejaring.partnerships.schemas import ConsortiumIn
from jejaring.reference import catalog
from jejaring.registry import service as registry_service
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.forms import validated
from jejaring.web.rendering import environment, render

router = APIRouter(include_in_schema=False)
FIELDS = ("proposer_firm", "pattern", "title", "unit", "note", "origin_ref")


def _shown(machine: str, lang: str) -> str:
    """A share from a match result (``1234.5``) as the reader types it (``1.234,5`` in Indonesian)."""
    try:
        value = float(machine)
    except ValueError:
        return machine[:40]
    return str(environment().filters["number"](value, lang)) if lang == "id" else f"{value:g}"


def _typed(text: str) -> str | float:
    """A share as typed (``3.000``, ``2,5``, ``3000``); left as typed when it is no number, to be refused."""
    try:
        value = parse_number(text)
    except ValueError:
        return text
    return text if value is None else value


def _members(session: Any, rows: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """The members as the form shows them: firm ID and name, role, share as typed."""
    out = []
    for firm_id, role, share in rows[:12]:
        try:
            name = registry_service.get_firm(session, public_id=firm_id).name
        except NotFound:
            name = firm_id
        out.append({"firm": firm_id, "name": name, "role": role, "share": share})
    return out


def _page(
    request: Request, session: Any, actor: Actor, lang: str, members: list[dict[str, Any]], posted: dict[str, str]
) -> dict[str, Any]:
    mine = [registry_service.firm_by_id(session, fid) for fid in sorted(actor.firm_ids)]
    return {
        "mine": [f for f in mine if f is not None],
        "members": members,
        "posted": posted,
        "patterns": catalog.partnership_patterns(),
        "error": None,
    }


@router.get("/partnerships/consortium/new")
def consortium_form(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: UserDep,
    member: list[str] = Query(default=[]),
    unit: str = "",
    origin: str = "",
    title: str = "",
) -> Response:
    """The consortium proposal form, filled from a match result (``member=ID|role|share``, repeated)."""
    parts = [[*m.split("|"), "", ""] for m in member]
    members = _members(session, [(x[0], x[1], _shown(x[2], lang)) for x in parts])
    posted = {"unit": unit[:40], "origin_ref": origin[:100], "title": title[:300]}
    return render(
        request, "partnerships/consortium_new.html", _page(request, session, actor, lang, members, posted), lang=lang
    )


@router.post("/partnerships/consortium")
async def propose_consortium(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Submit one proposal to the whole consortium; a refusal shows the form again with what was typed."""
    form = await request.form()
    posted = {k: str(form.get(k) or "") for k in FIELDS}
    firms = [str(v) for v in form.getlist("member_firm")]
    roles = [str(v) for v in form.getlist("member_role")]
    shares = [_typed(str(v)) for v in form.getlist("member_share")]
    rows = list(zip(firms, roles, shares, strict=False))
    shown = [(f, r, str(form.getlist("member_share")[i])) for i, (f, r, _) in enumerate(rows)]
    data: dict[str, Any] = {k: v for k, v in posted.items() if v}
    data["members"] = [{"firm": f, "role": r, "share": s} for f, r, s in rows]
    try:
        p = consortium.propose(session, actor=actor, data=validated(ConsortiumIn, data))
    except (Unauthenticated, Forbidden):
        raise
    except (DomainError, RequestValidationError, NotFound) as exc:
        session.rollback()
        context = _page(request, session, actor, lang, _members(session, shown), posted)
        context["error"] = message(exc, lang)
        return render(request, "partnerships/consortium_new.html", context, lang=lang, status_code=422)
    return RedirectResponse(f"/partnerships/{p.public_id}", status_code=303)
