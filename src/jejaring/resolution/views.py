"""HTML pages of entity resolution: the review queue with side-by-side records, and runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from jejaring.accounts.deps import UserDep
from jejaring.reference import wilayah
from jejaring.resolution import explain, service
from jejaring.resolution.models import ResolutionRun
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import paging, render

router = APIRouter(include_in_schema=False)
COMPARED_FIELDS = ("name", "address", "desa", "kbli_code", "products", "workers", "reference_year")


@router.get("/resolution")
def queue_page(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: UserDep,
    province: Annotated[str | None, Query(pattern=r"^(\d{2})?$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The review queue: candidate pairs side by side, with the score and why."""
    province = service.review_scope(actor, province or None)
    rows, total = service.review_queue(session, province=province, page=page)
    pairs = []
    for cand in rows:
        a, b = service.firm_pair(session, cand)
        pairs.append({"cand": cand, "a": a, "b": b, "why": explain.reasons(cand.explanation, lang)})
    runs = list(session.scalars(select(ResolutionRun).order_by(ResolutionRun.id.desc()).limit(5)))
    context = {
        "pairs": pairs,
        **paging(total, page, 25),
        "province": province or "",
        "fields": COMPARED_FIELDS,
        "runs": runs,
        "region": lambda code: (wilayah.regency(code) or {}).get("name", code),
    }
    return render(request, "resolution/queue.html", context, lang=lang, partial="resolution/_pairs.html")


@router.post("/resolution/candidates/{candidate_id}/{decision}")
def decide(
    candidate_id: int, decision: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """Confirm or reject one pair; htmx swaps the pair's card, a plain form goes back to the queue."""
    service.bulk_decide(session, actor=actor, candidate_ids=[candidate_id], decision=decision)
    if request.headers.get("HX-Request") == "true":
        cand = service.get_candidate(session, candidate_id=candidate_id)
        return render(request, "resolution/_decided.html", {"cand": cand}, lang=lang)
    return RedirectResponse("/resolution", status_code=303)


@router.post("/resolution/bulk")
def bulk(
    session: SessionDep,
    actor: UserDep,
    decision: Annotated[str, Form()],
    candidate_ids: Annotated[list[int], Form()],
) -> Response:
    """Confirm or reject the selected pairs."""
    service.bulk_decide(session, actor=actor, candidate_ids=candidate_ids, decision=decision)
    return RedirectResponse("/resolution", status_code=303)
