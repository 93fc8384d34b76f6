"""**Usaha saya**: an owner's landing page after sign-in (firms, claims, needs, offers, partnerships, alerts)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from jejaring.accounts import claims, ownership
from jejaring.accounts.deps import UserDep
from jejaring.accounts.roles import PEMILIK
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)


def my_overview(session: Any, *, actor: Any) -> dict[str, Any]:
    """What an owner has, read through each domain's service."""
    from jejaring.matching import service as matching_service
    from jejaring.partnerships import notify
    from jejaring.partnerships import service as partnerships_service

    assert actor.user_id is not None
    firms = ownership.owned_firms(session, user_id=actor.user_id)
    needs, offers = [], []
    for firm in firms:
        for status in ("open", "closed"):
            needs += [(n, firm) for n in matching_service.list_needs(session, firm=firm, status=status)]
            offers += [(o, firm) for o in matching_service.list_offers(session, firm=firm, status=status)]
    rows = partnerships_service.list_for(session, actor=actor)
    firm_ids = frozenset(f.id for f in firms)
    notes = notify.for_firms(session, firm_ids=firm_ids)
    return {
        "firms": firms,
        "claims": [claims.claim_out(session, c) for c in claims.list_claims(session, actor=actor)],
        "needs": needs,
        "offers": offers,
        "partnerships": [(p, *partnerships_service.parties(session, p)) for p in rows],
        "notes": [(n, json.loads(n.params)) for n in notes[:20]],
    }


@router.get("/my")
def my_page(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Usaha saya (business owners); other roles go to their account page."""
    if actor.role != PEMILIK:
        return RedirectResponse("/account", status_code=303)
    response = render(request, "accounts/my.html", my_overview(session, actor=actor), lang=lang)
    response.headers["Cache-Control"] = "no-store"
    return response
