"""Needs, offers and partnership proposals: create, read, close. Partner search is in ``search.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import Actor
from jejaring.core.db import get_by_public_id, utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.ids import IdPrefix, canonical_public_id, new_public_id
from jejaring.matching.enums import ListingStatus
from jejaring.matching.models import MatchProposal, Need, Offer
from jejaring.matching.schemas import ListingIn, NeedIn, OfferIn, ProposalIn
from jejaring.reference import catalog, wilayah
from jejaring.registry import service as registry_service

ListingT = TypeVar("ListingT", Need, Offer)

if TYPE_CHECKING:
    from jejaring.registry.models import Firm


@dataclass(frozen=True)
class Place:
    """A resolved location: regency, province and seat coordinates."""

    regency_code: str
    province_code: str
    latitude: float | None
    longitude: float | None
    label: str


def embed_texts(texts: list[str]) -> Any:
    """Unit vectors (n × 512) of ``texts`` from the multilingual encoder partner search uses (for other domains)."""
    from jejaring.matching import embedding

    return embedding.embed(texts)


def resolve_place(value: str, *, field: str = "location") -> Place:
    """A kode wilayah (province ``33``, regency ``33.75``, district ``33.75.01``) or a regency name."""
    text = value.strip()
    code = wilayah.normalize_code(text) if any(ch.isdigit() for ch in text) else None
    if code and len(code) == 2 and (p := wilayah.province(code)):
        return Place("", code, p.get("latitude"), p.get("longitude"), p["name"])
    if code and len(code) == 5 and (r := wilayah.regency(code)):
        return Place(code, r["province_code"], r.get("latitude"), r.get("longitude"), r["name"])
    if code and len(code) == 8 and (d := wilayah.district(code)):
        r = wilayah.regency(d["regency_code"]) or {}
        return Place(
            d["regency_code"], r.get("province_code", code[:2]), d.get("latitude"), d.get("longitude"), d["name"]
        )
    if not code:
        res = wilayah.resolve_regency(text)
        if res.code and (r := wilayah.regency(res.code)):
            return Place(res.code, r["province_code"], r.get("latitude"), r.get("longitude"), r["name"])
        prov = wilayah.resolve_province(text)  # "Jawa Tengah", as chosen from the list of names
        if prov.code and (p := wilayah.province(prov.code)):
            return Place("", prov.code, p.get("latitude"), p.get("longitude"), p["name"])
    raise DomainError("match.error.unknown_place", field=field, value=value)


def region_names() -> list[str]:
    """Every province and regency/city name, for choosing regions by name (search as you type)."""
    from jejaring.reference import catalog

    provinces = sorted(p["name"] for p in catalog.provinces())
    return provinces + sorted(r["name"] for r in catalog.regencies())


def resolve_certificates(values: list[str], *, field: str = "certificates") -> list[str]:
    """Certificate codes from names, aliases or codes; an unknown one is an error naming it."""
    lookup = catalog.certificate_lookup()
    out: list[str] = []
    for v in values:
        for part in v.split(";"):
            part = part.strip()
            if not part:
                continue
            code = lookup.get(part.lower()) or lookup.get(part.lower().replace("_", " "))
            if code is None:
                raise DomainError("match.error.unknown_certificate", field=field, value=part)
            if code not in out:
                out.append(code)
    return out


def _check_kbli(code: str | None) -> None:
    if code and code not in catalog.kbli_titles():
        raise DomainError("error.unknown_kbli", field="kbli_code", value=code)


def _unique_id(session: Session, prefix: IdPrefix, model: type[Need] | type[Offer] | type[MatchProposal]) -> str:
    while True:
        pid = new_public_id(prefix)
        if not session.scalar(select(exists().where(model.public_id == pid))):
            return pid


def _fill(session: Session, row: Need | Offer, data: ListingIn, firm: Firm | None) -> None:
    _check_kbli(data.kbli_code)
    row.kind, row.title, row.description = data.kind, data.title, data.description
    row.kbli_code, row.hs_codes = data.kbli_code, ";".join(data.hs_codes)
    row.quantity, row.unit, row.period = data.quantity, data.unit, data.period
    row.certificates = ";".join(resolve_certificates(data.certificates))
    row.max_distance_km, row.deadline = data.max_distance_km, data.deadline
    row.price_min, row.price_max = data.price_min, data.price_max
    place = resolve_place(data.location) if data.location else None
    if place is None and firm is not None:
        place = resolve_place(firm.district_code or firm.regency_code)
    if place is not None:
        row.regency_code = place.regency_code or None
        row.latitude, row.longitude = place.latitude, place.longitude
    if firm is not None and firm.latitude is not None and not data.location:
        row.latitude, row.longitude = firm.latitude, firm.longitude


def find_firm(session: Session, public_id: str | None, *, field: str = "firm") -> Firm | None:
    """The firm behind a public ID (None when not given); an unknown ID is an error naming the field."""
    if not public_id:
        return None
    try:
        return registry_service.get_firm(session, public_id=public_id)
    except NotFound as exc:
        raise DomainError("error.firm_not_found", field=field, value=public_id) from exc


LISTING_FIELDS = ("kind", "title", "kbli_code", "quantity", "unit", "period", "certificates", "regency_code", "status")


def _audit_listing(session: Session, actor: Actor, action: str, row: Need | Offer, firm: Firm | None) -> None:
    after = {**audit.snapshot(row, LISTING_FIELDS), "firm": firm.public_id if firm else None}
    province = firm.province_code if firm else (row.regency_code or "")[:2] or None
    audit.log(session, actor, action, action.split(".")[0], row, after=after, province_code=province)


def _authorize_for(actor: Actor, firm: Firm | None) -> None:
    """Acting for a firm needs ``firm.act`` (its owner, or an admin); without a firm any signed-in writer posts."""
    if firm is not None:
        authorize(actor, "firm.act", firm)
    else:
        authorize(actor, "listing.post")


def create_need(session: Session, *, actor: Actor, data: NeedIn) -> Need:
    """Post a kebutuhan (for a firm the actor may act for when ``data.firm`` is given)."""
    firm = find_firm(session, data.firm)
    _authorize_for(actor, firm)
    need = Need(
        public_id=_unique_id(session, IdPrefix.NEED, Need),
        firm_id=firm.id if firm else None,
        created_by=actor.label[:200],
    )
    _fill(session, need, data, firm)
    session.add(need)
    session.flush()
    _audit_listing(session, actor, "need.create", need, firm)
    return need


def create_offer(session: Session, *, actor: Actor, data: OfferIn) -> Offer:
    """Post a penawaran for a firm the actor may act for; the firm's index entry picks it up at the next refresh."""
    firm = find_firm(session, data.firm)
    if firm is None:
        raise DomainError("match.error.offer_needs_firm", field="firm")
    _authorize_for(actor, firm)
    capacity = data.quantity if data.quantity is not None else firm.capacity
    if data.min_order is not None and capacity is not None and data.min_order > capacity:
        raise DomainError(
            "matching.offer.min_over_capacity",
            field="min_order",
            min_order=f"{data.min_order:g}",
            capacity=f"{capacity:g}",
            unit=data.unit or firm.capacity_unit or "",
        )
    offer = Offer(public_id=_unique_id(session, IdPrefix.OFFER, Offer), firm_id=firm.id, created_by=actor.label[:200])
    _fill(session, offer, data, firm)
    offer.min_order = data.min_order
    regions = []
    for r in data.target_regions:
        place = resolve_place(r, field="target_regions")
        regions.append(place.regency_code or place.province_code)
    offer.target_regions = ";".join(regions)
    session.add(offer)
    session.flush()
    _audit_listing(session, actor, "offer.create", offer, firm)
    return offer


def get_need(session: Session, *, public_id: str) -> Need:
    """The need with ``public_id``."""
    return get_by_public_id(session, Need, public_id, missing="match.error.need_not_found")


def get_offer(session: Session, *, public_id: str) -> Offer:
    """The offer with ``public_id``."""
    pid = canonical_public_id(public_id, IdPrefix.OFFER)
    return get_by_public_id(session, Offer, pid, missing="match.error.offer_not_found")


def _listings(session: Session, model: type[ListingT], firm: Firm | None, status: str, limit: int) -> list[ListingT]:
    """Listings of ``model`` with ``status``, newest first (of one firm when given)."""
    stmt = select(model).where(model.status == status)
    if firm is not None:
        stmt = stmt.where(model.firm_id == firm.id)
    return list(session.scalars(stmt.order_by(model.id.desc()).limit(limit)))


def list_needs(
    session: Session, *, firm: Firm | None = None, status: str = ListingStatus.OPEN, limit: int = 50
) -> list[Need]:
    """Needs, newest first (of one firm when given)."""
    return _listings(session, Need, firm, status, limit)


def list_offers(
    session: Session, *, firm: Firm | None = None, status: str = ListingStatus.OPEN, limit: int = 50
) -> list[Offer]:
    """Offers, newest first (of one firm when given)."""
    return _listings(session, Offer, firm, status, limit)


def close_listing(session: Session, *, actor: Actor, listing: Need | Offer) -> None:
    """Close a need or offer (it stays on record): its firm's owner, or (no firm) its poster, or an admin."""
    firm = listing_firm(session, listing)
    if firm is not None:
        authorize(actor, "firm.act", firm)
    else:
        authorize(actor, "listing.close", listing)
    listing.status = ListingStatus.CLOSED
    listing.updated_at = utcnow()
    session.flush()
    _audit_listing(session, actor, f"{'offer' if isinstance(listing, Offer) else 'need'}.close", listing, firm)


def listing_firm(session: Session, listing: Need | Offer) -> Firm | None:
    """The firm that posted a need or offer."""
    return registry_service.firm_by_id(session, listing.firm_id) if listing.firm_id else None


def propose(
    session: Session, *, actor: Actor, data: ProposalIn, why: list[str] | None = None, score: float | None = None
) -> MatchProposal:
    """Record interest in a matched firm: the hand-over point to the partnerships domain.

    The proposing firm (given, or the need's) must be one the actor may act for."""
    to_firm = find_firm(session, data.to_firm, field="to_firm")
    assert to_firm is not None
    from_firm = find_firm(session, data.from_firm, field="from_firm")
    need = get_need(session, public_id=data.need) if data.need else None
    if need is not None and from_firm is None and need.firm_id:
        from_firm = registry_service.firm_by_id(session, need.firm_id)
    if from_firm is not None and from_firm.id == to_firm.id:
        raise DomainError("match.error.self_proposal", field="to_firm")
    _authorize_for(actor, from_firm)
    proposal = MatchProposal(
        public_id=_unique_id(session, IdPrefix.PROPOSAL, MatchProposal),
        need_id=need.id if need else None,
        from_firm_id=from_firm.id if from_firm else None,
        to_firm_id=to_firm.id,
        role=data.role,
        share=data.share,
        score=score,
        explanation="\n".join(why or []),
        message=data.message,
        created_by=actor.label[:200],
    )
    session.add(proposal)
    session.flush()
    after: dict[str, Any] = {"to_firm": to_firm.public_id, "from_firm": from_firm.public_id if from_firm else None}
    after |= {"need": need.public_id if need else None, "role": data.role, "score": score}
    province = (from_firm or to_firm).province_code
    audit.log(session, actor, "match.propose", "match_proposal", proposal, after=after, province_code=province)
    return proposal


def get_proposal(session: Session, *, public_id: str) -> MatchProposal:
    """A recorded proposal."""
    return get_by_public_id(session, MatchProposal, public_id, missing="match.error.proposal_not_found")


def proposals_for_firm(session: Session, *, firm: Firm, limit: int = 50) -> list[MatchProposal]:
    """Proposals received by a firm, newest first."""
    stmt = select(MatchProposal).where(MatchProposal.to_firm_id == firm.id).order_by(MatchProposal.id.desc())
    return list(session.scalars(stmt.limit(limit)))


def accepted_proposal_facts(session: Session) -> list[dict[str, Any]]:
    """Accepted match proposals: public ID, buyer and supplier firm ids, the need's kind and text, the year."""
    stmt = (
        select(MatchProposal, Need.kind, Need.title)
        .outerjoin(Need, Need.id == MatchProposal.need_id)
        .where(MatchProposal.status == "accepted", MatchProposal.from_firm_id.is_not(None))
        .order_by(MatchProposal.id)
    )
    return [
        {
            "public_id": p.public_id,
            "from_firm_id": p.from_firm_id,
            "to_firm_id": p.to_firm_id,
            "need_kind": kind,
            "text": text,
            "since": p.created_at.year,
        }
        for p, kind, text in session.execute(stmt)
    ]


def partners_among(
    session: Session, settings: object, *, firm: Firm, candidates: set[int], lang: str = "id", per_need: int = 20
) -> dict[int, tuple[Firm, float, list[str]]]:
    """Partner-search results for ``firm`` restricted to ``candidates`` (firm ids): firm, score and reasons.

    Both directions count: partners for the firm's own open needs, and firms whose open needs it could supply.
    Used by events to recommend meeting partners among an event's participants.
    """
    from jejaring.matching import search  # search imports this module

    out: dict[int, tuple[Firm, float, list[str]]] = {}
    for _need, ranked in search.partners_for_firm(session, settings, firm=firm, lang=lang, per_need=per_need):  # type: ignore[arg-type]
        for r in ranked:
            fid = r.candidate.doc.firm_id
            if fid in candidates and (fid not in out or out[fid][1] < r.score):
                other = registry_service.firm_by_id(session, fid)
                if other is not None:
                    out[fid] = (other, round(r.score, 4), r.why[:3])
    for s in search.needs_for_firm(session, firm=firm, lang=lang, limit=50):
        buyer = s.buyer
        if buyer is not None and buyer.id in candidates and (buyer.id not in out or out[buyer.id][1] < s.score):
            out[buyer.id] = (buyer, round(s.score, 4), s.why)
    return out
