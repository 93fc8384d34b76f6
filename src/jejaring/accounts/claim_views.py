"""HTML pages for firm claims: an owner submits with evidence, the province's officer approves or rejects."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import ValidationError

from jejaring.accounts import claims
from jejaring.accounts.authz import allowed, authorize
from jejaring.accounts.deps import UserDep
from jejaring.accounts.schemas import ClaimReview
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.i18n import translate
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/firms/{public_id}/claim")
def claim_form(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The claim form for a firm (owners only)."""
    firm = claims.firm_for_claim(session, public_id=public_id)
    authorize(actor, "claim.submit", firm)
    context: dict[str, object] = {"firm": firm, "error": None, "text": "", "facts": {}}
    return render(request, "accounts/claim_form.html", context, lang=lang)


@router.post("/firms/{public_id}/claim")
async def submit_claim(
    public_id: str,
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: UserDep,
    evidence_text: Annotated[str, Form(max_length=20_000)],
    evidence_file: Annotated[UploadFile | None, File()] = None,
    claimed_nib: Annotated[str, Form(max_length=40)] = "",
    claimed_owner: Annotated[str, Form(max_length=200)] = "",
    claimed_address: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Submit a claim with evidence text and an optional file (PDF, JPEG, PNG)."""
    settings = request.app.state.settings
    firm = claims.firm_for_claim(session, public_id=public_id)
    authorize(actor, "claim.submit", firm)
    evidence = None
    if evidence_file is not None and evidence_file.filename:
        limit = settings.claim_evidence_max_mb * 1024 * 1024
        content = await evidence_file.read(limit + 1)
        evidence = claims.Evidence(filename=evidence_file.filename, content=content)
    try:
        facts = claims.ClaimFacts(
            nib=claimed_nib.replace(" ", "").strip(), owner=claimed_owner.strip(), address=claimed_address.strip()
        )
        claim = claims.submit_claim(
            session,
            actor=actor,
            firm=firm,
            evidence_text=evidence_text,
            evidence=evidence,
            settings=settings,
            facts=facts,
        )
    except DomainError as exc:
        session.rollback()
        context = {
            "firm": firm,
            "error": translate(exc.key, lang, **exc.params),
            "text": evidence_text,
            "facts": {"nib": claimed_nib, "owner": claimed_owner, "address": claimed_address},
        }
        return render(request, "accounts/claim_form.html", context, lang=lang, status_code=422)
    return RedirectResponse(f"/claims/{claim.public_id}", status_code=303)


@router.get("/claims")
def claim_list(
    request: Request, session: SessionDep, lang: LangDep, actor: UserDep, status: str | None = None
) -> Response:
    """My claims (owner), or the claims to review in my province (officer), or all (admin)."""
    status = status if status in ("pending", "approved", "rejected") else None
    rows = [claims.claim_out(session, c) for c in claims.list_claims(session, actor=actor, status=status)]
    return render(request, "accounts/claims.html", {"claims": rows, "status": status or ""}, lang=lang)


@router.get("/claims/{public_id}")
def claim_detail(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """One claim, with the review form for the officer in charge."""
    claim = claims.get_claim(session, actor=actor, public_id=public_id)
    reviewer = claim.user_id != actor.user_id and allowed(actor, "claim.review", claim)
    context = {
        "claim": claims.claim_out(session, claim),
        "can_review": claim.status == "pending" and reviewer,
        "compare": claims.comparison(session, actor=actor, claim=claim) if reviewer else [],
        "error": None,
    }
    return render(request, "accounts/claim_detail.html", context, lang=lang)


@router.post("/claims/{public_id}/review")
def review_claim(
    public_id: str,
    request: Request,
    session: SessionDep,
    lang: LangDep,
    actor: UserDep,
    decision: Annotated[str, Form(max_length=10)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Approve or reject a claim (officer of the firm's province, or admin)."""
    claim = claims.get_claim(session, actor=actor, public_id=public_id)
    authorize(actor, "claim.review", claim)
    try:
        review = ClaimReview.model_validate({"decision": decision, "reason": reason})
        claims.review_claim(session, actor=actor, claim=claim, review=review)
    except (DomainError, ValidationError) as exc:
        session.rollback()
        if isinstance(exc, DomainError):
            message = translate(exc.key, lang, **exc.params)
        else:
            message = translate("accounts.error.bad_decision", lang)
        claim = claims.get_claim(session, actor=actor, public_id=public_id)
        context = {
            "claim": claims.claim_out(session, claim),
            "can_review": True,
            "compare": claims.comparison(session, actor=actor, claim=claim),
            "error": message,
        }
        return render(request, "accounts/claim_detail.html", context, lang=lang, status_code=422)
    return RedirectResponse(f"/claims/{claim.public_id}", status_code=303)


@router.get("/claims/{public_id}/evidence")
def claim_evidence(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The evidence file, to its claimant and reviewers only, always as a download."""
    claim = claims.get_claim(session, actor=actor, public_id=public_id)
    path = claims.evidence_path(claim, request.app.state.settings)
    if path is None:
        raise NotFound("accounts.error.no_evidence_file", field="claim")
    response = FileResponse(
        path,
        media_type=claim.evidence_content_type or "application/octet-stream",
        filename=claim.evidence_filename or path.name,
        content_disposition_type="attachment",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
