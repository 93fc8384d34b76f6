"""Partner search: read the need → generate candidates (BM25 ∪ embeddings) → rank → explain → consortium.

Also the other direction, "cocok untuk Anda": needs a firm could supply, scored with the same
components, and partners for the firm's own open needs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.core.config import Settings
from jejaring.matching import consortium as consortium_mod
from jejaring.matching import documents, lifecycle, vocabulary
from jejaring.matching.embedding import embed_query
from jejaring.matching.enums import ListingStatus
from jejaring.matching.index import Candidate, SearchIndex, SearchQuery, haversine_km
from jejaring.matching.models import Need
from jejaring.matching.ranking import MatchRequest, Ranked, rank
from jejaring.matching.schemas import MatchQuery
from jejaring.matching.service import resolve_certificates, resolve_place
from jejaring.matching.tantivy_index import TantivySearchIndex
from jejaring.matching.text import analyze
from jejaring.matching.understand import Understood, understand
from jejaring.matching.units import per_month, to_base, unit_price
from jejaring.registry import service as registry_service

if TYPE_CHECKING:
    from jejaring.registry.models import Firm

CANDIDATES_PER_CHANNEL = 60
SEMANTIC_FLOOR = 0.45  # a candidate without a shared word must at least mean something close
RANK_POOL = 60  # candidates fully ranked and explained (chosen by text + meaning)
MEMO_ENTRIES = 500  # partner-search outcomes kept per process (LRU)


@dataclass
class MatchOutcome:
    """Ranked partners for a request, and a consortium when no single firm suffices."""

    request: MatchRequest
    ranked: list[Ranked]
    consortium: consortium_mod.Consortium | None
    understood: Understood | None = None

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` shape: what was understood, results with id, name, score, why; consortium or null."""
        return {
            "understood": self.understood.to_json() if self.understood else None,
            "results": [
                {"id": r.candidate.doc.public_id, "name": r.candidate.doc.name, "score": r.score, "why": r.why}
                for r in self.ranked
            ],
            "consortium": self.consortium.to_json() if self.consortium else None,
        }


_MEMO: OrderedDict[tuple[Any, ...], MatchOutcome] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def index_version(session: Session, settings: Settings) -> int:
    """The version of the (fresh) partner-search index: changes whenever it is built or refreshed."""
    return _index_version(lifecycle.ensure_fresh(session, settings))


def _index_version(index: TantivySearchIndex) -> int:
    """Changes whenever the index is built or refreshed (its manifest's modification time in ns; 0: none)."""
    try:
        return index.manifest_path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _fmt_qty(quantity: float | None, unit: str | None, period: str | None) -> str | None:
    if quantity is None:
        return None
    amount = f"{quantity:g}"
    return f"{amount} {unit or ''}/{period}" if period and period != "sekali" else f"{amount} {unit or ''}"


def read(query: MatchQuery) -> Understood | None:
    """What the sentence says, minus the fields the user removed (``ignore``); None when reading is off."""
    if not query.understand:
        return None
    u = understand(query.text)
    for name in query.ignore:
        if name == "quantity":
            u.quantity = u.unit = u.period = None
        elif name == "certificates":
            u.certificates = []
        elif name == "place":
            u.place, u.radius_km = None, None
        elif name == "price":
            u.price_min = u.price_max = u.price_unit = None
        elif name in ("deadline", "radius_km"):
            setattr(u, name, None)
        elif name == "hs_codes":  # the KBLI classes of the product words stay
            u.hs_codes, u.kbli_codes = [], vocabulary.kbli_codes([], u.rest)
        u.spans.pop(name, None)
    return u


def build_request(query: MatchQuery, understood: Understood | None = None) -> tuple[MatchRequest, SearchQuery]:
    """The ranking request and the index query of a partner search (resolving places, certificates, units).

    Fields the user filled win; what the need reader found in the sentence fills the others: firm wording
    (``dari``/``from``/``khas`` a place, ``within 50 km``, a certificate) filters, soft wording boosts."""
    u = understood
    text = u.rest if u and u.rest else query.text
    hs_codes = list(query.hs_codes) or (list(u.hs_codes) if u else [])
    if u and u.hs_codes and not query.hs_codes and not vocabulary.rows_in(u.rest):
        # a code without product words naming a heading ("supplier HS 4602"): the heading's own words
        text = f"{'' if u.rest == u.text else text} {vocabulary.expansion(u.hs_codes)}".strip()
    certs = resolve_certificates(query.certificates)
    required = list(certs)
    if u and u.certificates:
        certs += [c for c in u.certificates if c not in certs]
        required += [c for c in u.certificates if c not in required] if u.certificates_firm else []
    quantity, unit, period = query.quantity, query.unit, str(query.period)
    deadline = query.deadline or (u.deadline if u else None)
    if quantity is None and u and u.quantity is not None:
        quantity, unit, period = u.quantity, u.unit, u.period or "sekali"
        if period == "hari":
            quantity, period = quantity * 30, "bulan"
    price_min, price_max = query.price_min, query.price_max
    if price_min is None and price_max is None and u and (u.price_unit or unit):
        price_min, price_max = u.price_min, u.price_max
    place = resolve_place(query.near, field="near") if query.near else None
    radius = query.radius_km
    near = (place.latitude, place.longitude) if place and place.latitude is not None else None
    areas: list[str] = []
    province, regency = (place.province_code, place.regency_code) if place else (None, None)
    if place is None and u and u.place is not None:
        up = u.place
        near = (up.latitude, up.longitude) if up.latitude is not None else None
        province, regency = up.codes[0][:2], (up.codes[0] if len(up.codes[0]) == 5 else None)
        if up.mode == "radius":
            radius = radius or u.radius_km
        elif up.firm:  # the supplier's region, a filter: not a point to measure the distance to the buyer from
            areas, near = list(up.codes), None
    qty = to_base(per_month(quantity, period), unit) if quantity else None
    price_unit = (
        unit if (query.price_min is not None or query.price_max is not None) else (u.price_unit or unit) if u else unit
    )
    low, high = unit_price(price_min, price_unit), unit_price(price_max, price_unit)
    per_unit = to_base(1.0, price_unit)
    req = MatchRequest(
        text=text,
        kbli_code=query.kbli_code,
        kbli_codes=[] if query.kbli_code or not u else list(u.kbli_codes),
        kbli_from_hs=vocabulary.kbli_for_hs(hs_codes) if u and u.hs_codes and not query.hs_codes else [],
        hs_codes=hs_codes,
        deadline=deadline,
        one_off=period == "sekali",
        quantity=qty,
        quantity_label=_fmt_qty(quantity, unit, period),
        certificates=certs,
        near=near,  # type: ignore[arg-type]
        province_code=province,
        regency_code=regency,
        max_distance_km=radius if near else None,
        price_min=low.amount if low else None,
        price_max=high.amount if high else None,
        price_dimension=(low or high).dimension if (low or high) else None,  # type: ignore[union-attr]
        price_unit=price_unit,
        price_unit_factor=per_unit.amount if per_unit else 1.0,
    )
    sq = SearchQuery(
        text=text,
        roles=list(query.roles),
        certificates=required,
        near=req.near,
        radius_km=radius if req.near else None,
        province_code=query.province,
        areas=areas,
        min_capacity=qty.amount if (qty and query.min_capacity) else None,
        capacity_dimension=qty.dimension if qty else None,
        limit=CANDIDATES_PER_CHANNEL,
        semantic_floor=SEMANTIC_FLOOR,
        pool=max(RANK_POOL, 3 * query.limit),
    )
    return req, sq


def search(
    session: Session,
    settings: Settings,
    *,
    query: MatchQuery,
    lang: str = "id",
    exclude_firm_ids: list[int] | None = None,
) -> MatchOutcome:
    """Ranked, explained partners for ``query`` and a consortium proposal when needed.

    The outcome depends only on the index and the question, so it is memoised per index version (read before
    the query: an answer is never older than its key); the day is part of the key (deadlines such as "in two
    weeks" are read relative to it). Callers must not change the outcome they get."""
    index = lifecycle.ensure_fresh(session, settings)
    excluded = tuple(exclude_firm_ids or ())
    key = (str(index.folder), _index_version(index), query.model_dump_json(), lang, excluded, date.today())
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    outcome = run_query(index, query, lang=lang, exclude_firm_ids=list(excluded))
    with _MEMO_LOCK:
        _MEMO[key] = outcome
        while len(_MEMO) > MEMO_ENTRIES:
            _MEMO.popitem(last=False)
    return outcome


def run_query(
    index: SearchIndex, query: MatchQuery, *, lang: str = "id", exclude_firm_ids: list[int] | None = None
) -> MatchOutcome:
    """The pipeline on an open index: request → candidates → relevance gate → rank → consortium."""
    understood = read(query)
    req, sq = build_request(query, understood)
    sq.exclude_firm_ids = list(exclude_firm_ids or [])
    text = sq.text
    # the need is embedded while the index's text channel searches (see TantivySearchIndex.query)
    ranked = rank(req, index.query(sq, vector=lambda: embed_query(text)), lang=lang)
    proposal = consortium_mod.propose(req, ranked, lang=lang)
    return MatchOutcome(request=req, ranked=ranked[: query.limit], consortium=proposal, understood=understood)


def need_query(need: Need, *, limit: int = 20) -> MatchQuery:
    """The partner search a posted need stands for."""
    title, description = need.title.strip(), (need.description or "").strip()
    text = description if description.startswith(title) else f"{title}. {description}".strip(". ")
    # the need's location defaults to the buyer's own; a place named in the text says more (as on /match)
    named = understand(text).place is not None
    return MatchQuery(
        text=text,
        near=None if named else need.regency_code,
        radius_km=need.max_distance_km if need.regency_code and not named else None,
        certificates=need.certificate_codes,
        quantity=need.quantity,
        unit=need.unit,
        period=need.period,
        kbli_code=need.kbli_code,
        hs_codes=need.hs_list,
        deadline=need.deadline,
        price_min=need.price_min if need.unit else None,
        price_max=need.price_max if need.unit else None,
        limit=limit,
    )


def match_need(session: Session, settings: Settings, *, need: Need, lang: str = "id", limit: int = 20) -> MatchOutcome:
    """Partners for a posted need (never the posting firm itself)."""
    exclude = [need.firm_id] if need.firm_id else []
    return search(session, settings, query=need_query(need, limit=limit), lang=lang, exclude_firm_ids=exclude)


@dataclass
class NeedSuggestion:
    """An open need of another firm that this firm could supply."""

    need: Need
    buyer: Firm | None
    score: float
    why: list[str]


def needs_for_firm(
    session: Session, *, firm: Firm, lang: str = "id", limit: int = 5, scan: int = 300
) -> list[NeedSuggestion]:
    """Open needs of other firms that ``firm`` could supply, ranked with the same components."""
    needs = list(
        session.scalars(
            select(Need)
            .where(Need.status == ListingStatus.OPEN, (Need.firm_id != firm.id) | Need.firm_id.is_(None))
            .order_by(Need.id.desc())
            .limit(scan)
        )
    )
    if not needs:
        return []
    doc = documents.doc_for(session, firm)
    firm_terms = set(analyze(doc.search_text))
    firm_vec = embed_query(doc.semantic_text) if doc.semantic_text else None
    out = []
    for need in needs:
        q = need_query(need)
        req, _ = build_request(q)
        terms = set(analyze(q.text))
        overlap = len(terms & firm_terms) / max(1, len(terms))
        sem = float(np.dot(embed_query(q.text), firm_vec)) if firm_vec is not None else 0.0
        if overlap == 0 and sem < 0.45:
            continue
        if req.certificates and any(c not in doc.certificates for c in req.certificates):
            continue
        dist = None
        if req.near and doc.latitude is not None and doc.longitude is not None:
            dist = haversine_km(req.near[0], req.near[1], doc.latitude, doc.longitude)
        if req.max_distance_km and dist is not None and dist > req.max_distance_km:
            continue
        cand = Candidate(doc=doc, bm25=overlap, semantic=sem, distance_km=dist)
        ranked = rank(req, [cand], lang=lang)[0]
        # bm25 here is a term-overlap share already in [0, 1]: rank() normalised it by itself, so rescale
        text_part = next((p for p in ranked.parts if p.name == "text"), None)
        if text_part is not None:
            text_part.score = round(overlap, 4)
            total_w = sum(p.weight for p in ranked.parts) or 1.0
            ranked.score = round(sum(p.score * p.weight for p in ranked.parts) / total_w, 4)
        buyer = registry_service.firm_by_id(session, need.firm_id) if need.firm_id else None
        out.append(NeedSuggestion(need=need, buyer=buyer, score=ranked.score, why=ranked.why[:3]))
    out.sort(key=lambda s: -s.score)
    return out[:limit]


def partners_for_firm(
    session: Session, settings: Settings, *, firm: Firm, lang: str = "id", per_need: int = 3
) -> list[tuple[Need, list[Ranked]]]:
    """For each of the firm's own open needs, its best partners."""
    own = list(
        session.scalars(
            select(Need)
            .where(Need.firm_id == firm.id, Need.status == ListingStatus.OPEN)
            .order_by(Need.id.desc())
            .limit(5)
        )
    )
    return [(n, match_need(session, settings, need=n, lang=lang, limit=per_need).ranked) for n in own]
