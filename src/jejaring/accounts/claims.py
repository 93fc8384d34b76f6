"""Firm claims, as in Open Supply Hub: an owner asks with evidence, the province's officer decides."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import Forbidden, allowed, authorize, scope_province, scope_regency
from jejaring.accounts.enums import ClaimStatus
from jejaring.accounts.models import Claim, FirmOwner
from jejaring.accounts.roles import ADMIN, PEMILIK, PETUGAS, Actor
from jejaring.accounts.schemas import ClaimOut, ClaimReview
from jejaring.core.config import Settings
from jejaring.core.db import find_by_public_id, utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.ids import IdPrefix, new_public_id
from jejaring.registry import service as registry_service

if TYPE_CHECKING:
    from jejaring.registry.models import Firm

# Evidence files: only these kinds, recognised by their first bytes, not by the name the user gave.
EVIDENCE_KINDS = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
MIN_EVIDENCE_CHARS = 20


@dataclass(frozen=True)
class ClaimFacts:
    """What the claimant states about the firm, to set beside the registry's record."""

    nib: str = ""
    owner: str = ""
    address: str = ""


@dataclass(frozen=True)
class Evidence:
    """An uploaded evidence file: the name the user gave and its bytes."""

    filename: str
    content: bytes


def _claim_snapshot(claim: Claim) -> dict[str, object]:
    return {
        "status": claim.status,
        "firm_id": claim.firm_id,
        "user": claim.user.email if claim.user else claim.user_id,
        "evidence_file": claim.evidence_filename,
        "review_reason": claim.review_reason,
    }


def _kind(content: bytes) -> tuple[str, str] | None:
    for magic, kind in EVIDENCE_KINDS.items():
        if content.startswith(magic):
            return kind
    return None


def _save_evidence(claim: Claim, evidence: Evidence, settings: Settings) -> None:
    if len(evidence.content) > settings.claim_evidence_max_mb * 1024 * 1024:
        raise DomainError("accounts.error.evidence_too_large", field="evidence_file", mb=settings.claim_evidence_max_mb)
    kind = _kind(evidence.content)
    if kind is None:
        raise DomainError("accounts.error.evidence_type", field="evidence_file", name=evidence.filename)
    content_type, suffix = kind
    folder = Path(settings.data_dir) / "claims"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{claim.public_id}{suffix}"
    path.write_bytes(evidence.content)
    claim.evidence_file = str(Path("claims") / path.name)
    claim.evidence_filename = (_SAFE_NAME.sub("_", Path(evidence.filename).name) or "bukti")[:200]
    claim.evidence_content_type = content_type


def submit_claim(
    session: Session,
    *,
    actor: Actor,
    firm: Firm,
    evidence_text: str,
    evidence: Evidence | None,
    settings: Settings,
    facts: ClaimFacts | None = None,
) -> Claim:
    """An owner (pemilik usaha) asks to manage ``firm``; the evidence file is kept under ``data_dir/claims``.

    ``facts`` (NIB, owner name, address as the claimant states them) are shown beside the registry's record.
    """
    authorize(actor, "claim.submit", firm)
    facts = facts or ClaimFacts()
    if facts.nib and not re.fullmatch(r"\d{13}", facts.nib):
        raise DomainError("accounts.claim.bad_nib", field="claimed_nib", value=facts.nib)
    text = (evidence_text or "").strip()
    if len(text) < MIN_EVIDENCE_CHARS:
        raise DomainError("accounts.error.evidence_short", field="evidence_text", min=MIN_EVIDENCE_CHARS)
    if len(text) > settings.max_cell_chars:
        raise DomainError("accounts.error.evidence_long", field="evidence_text", max=settings.max_cell_chars)
    if firm.id in actor.firm_ids or session.scalar(select(exists().where(FirmOwner.firm_id == firm.id))):
        raise DomainError("accounts.error.firm_already_claimed", field="firm", value=firm.public_id)
    pending = select(
        exists().where(Claim.firm_id == firm.id, Claim.user_id == actor.user_id, Claim.status == ClaimStatus.PENDING)
    )
    if session.scalar(pending):
        raise DomainError("accounts.error.claim_pending", field="firm", value=firm.public_id)
    claim = Claim(
        public_id=new_public_id(IdPrefix.CLAIM),
        firm_id=firm.id,
        user_id=actor.user_id,
        province_code=firm.province_code,
        regency_code=firm.regency_code,
        status=ClaimStatus.PENDING,
        evidence_text=text,
        created_at=utcnow(),
        claimed_nib=facts.nib or None,
        claimed_owner=facts.owner[:200] if facts.owner else None,
        claimed_address=facts.address[:2000] if facts.address else None,
    )
    if evidence is not None and evidence.content:
        _save_evidence(claim, evidence, settings)
    session.add(claim)
    session.flush()
    audit.log(session, actor, "claim.submit", "claim", claim, after=_claim_snapshot(claim))
    return claim


def get_claim(session: Session, *, actor: Actor, public_id: str) -> Claim:
    """A claim its claimant or a reviewer in scope may see; others get 404 (nothing revealed)."""
    if not actor.is_authenticated:
        authorize(actor, "claim.review")
    claim = find_by_public_id(session, Claim, public_id)
    if claim is None or not (claim.user_id == actor.user_id or allowed(actor, "claim.review", claim)):
        raise NotFound("accounts.error.claim_not_found", field="claim", value=public_id)
    return claim


def list_claims(session: Session, *, actor: Actor, status: str | None = None) -> list[Claim]:
    """Claims the actor sees: an owner their own, an officer their province's, an admin all."""
    stmt = select(Claim)
    if actor.role == PEMILIK:
        authorize(actor, "claim.submit")
        stmt = stmt.where(Claim.user_id == actor.user_id)
    elif actor.role in (ADMIN, PETUGAS):
        authorize(actor, "claim.review", {"province_code": actor.province_code, "regency_code": actor.regency_code})
        province = scope_province(actor) if actor.role == PETUGAS else None
        if province:
            stmt = stmt.where(Claim.province_code == province)
            regency = scope_regency(actor)
            if regency:
                stmt = stmt.where(Claim.regency_code == regency)
    else:
        authorize(actor, "claim.review", None)
    if status:
        stmt = stmt.where(Claim.status == status)
    return list(session.scalars(stmt.order_by(Claim.created_at.desc(), Claim.id.desc()).limit(500)))


def review_claim(session: Session, *, actor: Actor, claim: Claim, review: ClaimReview) -> Claim:
    """Approve (the claimant becomes an owner) or reject (with a reason) a pending claim."""
    authorize(actor, "claim.review", claim)
    if claim.user_id == actor.user_id:
        raise Forbidden("accounts.error.review_own_claim")
    if claim.status != ClaimStatus.PENDING:
        raise DomainError("accounts.error.claim_decided", field="claim", value=claim.public_id)
    if review.decision == "reject" and not review.reason:
        raise DomainError("accounts.error.reason_required", field="reason")
    before = _claim_snapshot(claim)
    claim.status = ClaimStatus.APPROVED if review.decision == "approve" else ClaimStatus.REJECTED
    claim.review_reason = review.reason or None
    claim.reviewed_by_id = actor.user_id
    claim.reviewed_at = utcnow()
    if claim.status == ClaimStatus.APPROVED:
        if session.scalar(select(exists().where(FirmOwner.firm_id == claim.firm_id))):
            raise DomainError("accounts.error.firm_already_claimed", field="firm", value=claim.public_id)
        session.add(FirmOwner(user_id=claim.user_id, firm_id=claim.firm_id, claim_id=claim.id, since=utcnow()))
    session.flush()
    audit.log(session, actor, f"claim.{claim.status}", "claim", claim, before=before, after=_claim_snapshot(claim))
    from jejaring.notifications import service as notifications_service

    firm = registry_service.firm_by_id(session, claim.firm_id)
    notifications_service.notify_user(
        session,
        user_id=claim.user_id,
        kind="claim",
        key=f"notifications.claim.{claim.status}",
        link=f"/claims/{claim.public_id}",
        firm=firm.name if firm else claim.public_id,
        reason=claim.review_reason or "",
    )
    return claim


def evidence_path(claim: Claim, settings: Settings) -> Path | None:
    """Where the claim's evidence file lies, or None."""
    if not claim.evidence_file:
        return None
    path = (Path(settings.data_dir) / claim.evidence_file).resolve()
    return path if path.is_file() else None


def claim_out(session: Session, claim: Claim) -> ClaimOut:
    """The output shape of a claim."""
    firm = registry_service.firm_by_id(session, claim.firm_id)
    assert firm is not None
    return ClaimOut(
        public_id=claim.public_id,
        firm_public_id=firm.public_id,
        firm_name=firm.name,
        status=claim.status,
        province_code=claim.province_code,
        claimant_email=claim.user.email,
        evidence_text=claim.evidence_text,
        has_evidence_file=bool(claim.evidence_file),
        created_at=claim.created_at,
        reviewed_at=claim.reviewed_at,
        review_reason=claim.review_reason,
    )


def firm_for_claim(session: Session, *, public_id: str) -> Firm:
    """The firm a claim is about (through the registry service)."""
    return registry_service.get_firm(session, public_id=public_id)


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", (text or "").casefold()) if len(w) > 1}


def _agree(field: str, claimed: str | None, registry: str | None) -> bool | None:
    """True/False when both sides state something, None when one side is empty."""
    if not claimed or not registry:
        return None
    if field == "nib":
        return claimed.strip() == registry.strip()
    a, b = _words(claimed), _words(registry)
    if not a or not b:
        return None
    overlap = len(a & b) / min(len(a), len(b))
    return overlap >= (0.99 if field == "owner" else 0.6)


def comparison(session: Session, *, actor: Actor, claim: Claim) -> list[dict[str, object]]:
    """The claimant's statements beside the registry's record (reviewers only: it shows private data)."""
    from jejaring.registry import edits as registry_edits

    firm = registry_service.firm_by_id(session, claim.firm_id)
    assert firm is not None
    private = registry_edits.firm_private(session, actor=actor, firm=firm)
    rows: list[dict[str, object]] = []
    for field, claimed, registry in (
        ("nib", claim.claimed_nib, private.nib),
        ("owner", claim.claimed_owner, private.owner_name),
        ("address", claim.claimed_address, firm.address),
    ):
        rows.append(
            {"field": field, "claimed": claimed, "registry": registry, "agrees": _agree(field, claimed, registry)}
        )
    return rows
