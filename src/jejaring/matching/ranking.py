"""Ranking as declared, explainable components.

Each component scores a candidate in [0, 1], has a weight, says when it applies and renders one
sentence in the user's language. The final score is the weighted mean of the components that apply
to the request, so a need without a location is not punished for distance, and the "why" list is the
same breakdown the score was computed from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Protocol

from jejaring.core.dates import long_date
from jejaring.core.i18n import translate
from jejaring.core.numbers import amount_text
from jejaring.matching.index import Candidate, OfferSummary
from jejaring.matching.text import matched_terms
from jejaring.matching.units import Quantity
from jejaring.reference import catalog


@dataclass
class MatchRequest:
    """A need as the ranking sees it."""

    text: str
    kbli_code: str | None = None
    kbli_codes: list[str] = field(default_factory=list)  # read from the sentence (HS codes, product words)
    kbli_from_hs: list[str] = field(default_factory=list)  # those of them that the HS codes named
    hs_codes: list[str] = field(default_factory=list)
    deadline: date | None = None  # when the whole quantity must be ready
    one_off: bool = False  # the quantity is an order, not a rate per period
    quantity: Quantity | None = None  # per month, base unit
    quantity_label: str | None = None  # as the user wrote it
    certificates: list[str] = field(default_factory=list)
    near: tuple[float, float] | None = None
    province_code: str | None = None
    regency_code: str | None = None
    max_distance_km: float | None = None
    price_min: float | None = None  # budget, Rupiah per base unit of price_dimension
    price_max: float | None = None
    price_dimension: str | None = None
    price_unit: str | None = None  # the unit the buyer priced in, and its size in base units
    price_unit_factor: float = 1.0


@dataclass(slots=True)
class Part:
    """One component's verdict on one candidate."""

    name: str
    score: float
    weight: float
    sentence: str


class Component(Protocol):
    """A ranking component."""

    name: str
    weight: float

    def applies(self, req: MatchRequest) -> bool: ...

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]: ...


def _say(key: str, lang: str, **values: object) -> str:
    """The sentence of a component, or nothing while only scoring (``lang == ""``)."""
    return translate(key, lang, **values) if lang else ""


def _fmt(x: float, lang: str) -> str:
    text = f"{x:,.0f}" if x >= 10 or float(x).is_integer() else f"{x:,.1f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") if lang == "id" else text  # 1.250 · 3,5


class TextRelevance:
    """BM25 over stemmed, synonym-expanded text, relative to the best candidate."""

    name, weight = "text", 0.25

    def applies(self, req: MatchRequest) -> bool:
        return bool(req.text.strip())

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]:
        score = c.bm25 / ctx["max_bm25"] if ctx["max_bm25"] > 0 else 0.0
        if not lang:
            return score, ""
        words = matched_terms(req.text, c.doc.search_text)
        if not words:
            return score, _say("match.why.text_none", lang)
        return score, _say("match.why.text", lang, words=", ".join(words[:6]))


class SemanticSimilarity:
    """Cosine similarity of multilingual sentence embeddings (need ↔ products and offers)."""

    name, weight = "semantic", 0.2

    def applies(self, req: MatchRequest) -> bool:
        return bool(req.text.strip())

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]:
        score = min(1.0, max(0.0, (c.semantic - 0.2) / 0.55))
        return score, _say("match.why.semantic", lang, pct=round(c.semantic * 100))


class ClassificationCloseness:
    """How close the firm's KBLI 2020 / HS 2022 codes are to the need's (given, or read from the sentence)."""

    name, weight = "classification", 0.15
    LEVELS = ((5, 1.0, "kbli_same"), (4, 0.75, "kbli_class"), (3, 0.5, "kbli_group"), (2, 0.3, "kbli_div"))
    UNKNOWN = 0.3  # a firm without a KBLI when the classes were only read from the words: not known to differ

    def applies(self, req: MatchRequest) -> bool:
        return bool(req.kbli_code or req.kbli_codes or req.hs_codes)

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]:
        best, detail, fk = 0.0, _say("match.why.class_none", lang), c.doc.kbli_code or ""
        wanted = [req.kbli_code] if req.kbli_code else req.kbli_codes
        if not fk and not req.kbli_code and req.kbli_codes:
            best = self.UNKNOWN
        for want in wanted if fk else []:
            for n, s, key in self.LEVELS:
                if fk[:n] == want[:n]:
                    if s > best:
                        best = s
                        if lang:  # the sentence only for results someone reads
                            title = catalog.kbli_titles().get(fk[:n], (fk[:n], None))
                            label = (title[1] or title[0]) if lang == "en" else title[0]
                            key = "kbli_hs" if n == 5 and want in req.kbli_from_hs else key
                            hs = ", ".join(req.hs_codes)
                            detail = _say(f"match.why.{key}", lang, code=fk[:n], title=label, hs=hs)
                    break
        for want in req.hs_codes:
            for have in c.doc.hs_codes:
                for n, s in ((6, 1.0), (4, 0.7), (2, 0.4)):
                    if have[:n] == want[:n] and len(want) >= n:
                        if s > best:
                            best, detail = s, _say("match.why.hs", lang, code=have[:n])
                        break
        return best, detail


class Distance:
    """Nearer is better; beyond the need's maximum distance scores zero."""

    name, weight = "distance", 0.1

    def applies(self, req: MatchRequest) -> bool:
        return req.near is not None

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]:
        d = c.distance_km
        if d is None:
            return 0.3, _say("match.why.distance_unknown", lang)
        if req.max_distance_km:
            score = max(0.0, 1.0 - d / req.max_distance_km) * 0.7 + (0.3 if d <= req.max_distance_km else 0.0)
        else:
            score = math.exp(-d / 300.0)
        if c.doc.regency_code == req.regency_code:
            score = max(score, 0.95)
        if not lang:  # scoring only: no sentence to format
            return score, ""
        if c.doc.regency_code == req.regency_code:
            return score, _say("match.why.distance_same_regency", lang, km=_fmt(d, lang))
        return score, _say("match.why.distance", lang, km=_fmt(d, lang))


class CapacityFit:
    """Can the firm supply the quantity per month alone?"""

    name, weight = "capacity", 0.1

    def applies(self, req: MatchRequest) -> bool:
        return req.quantity is not None and req.quantity.amount > 0

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]:
        assert req.quantity is not None
        cap, label = c.doc.capacity, amount_text(c.doc.capacity_label, lang) if lang else ""
        if cap is None:
            return 0.3, _say("match.why.capacity_unknown", lang)
        if c.doc.capacity_dimension != req.quantity.dimension:
            return 0.3, _say("match.why.capacity_other_unit", lang, capacity=label)
        if cap >= req.quantity.amount:
            return 1.0, _say("match.why.capacity_ok", lang, capacity=label, need=req.quantity_label or "")
        share = cap / req.quantity.amount
        return share, _say("match.why.capacity_part", lang, capacity=label, pct=max(1, round(share * 100)))


LATE = 0.5  # a firm that cannot make the whole order by the deadline scores at most half


class DeliveryByDeadline:
    """Can the firm make the whole order by the deadline at its monthly capacity? (One-off orders only.)"""

    name, weight = "deadline", 0.1

    def applies(self, req: MatchRequest) -> bool:
        return req.deadline is not None and req.one_off and req.quantity is not None and req.quantity.amount > 0

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]:
        assert req.quantity is not None and req.deadline is not None
        days = max(1, (req.deadline - date.today()).days)
        when, need = long_date(req.deadline, lang) if lang else "", req.quantity_label or ""
        cap = c.doc.capacity
        if cap is None or c.doc.capacity_dimension != req.quantity.dimension:
            return 0.3, _say("match.why.deadline_unknown", lang, date=when)
        share = cap * days / 30.0 / req.quantity.amount
        capacity = amount_text(c.doc.capacity_label, lang) if lang else ""
        if share >= 1.0:
            return 1.0, _say("match.why.deadline_ok", lang, need=need, date=when, capacity=capacity, days=days)
        return LATE * share, _say("match.why.deadline_part", lang, pct=max(1, round(share * 100)), need=need, date=when,
                           capacity=capacity)  # fmt: skip


class CertificateCoverage:
    """Share of the required certificates the firm holds."""

    name, weight = "certificates", 0.1

    def applies(self, req: MatchRequest) -> bool:
        return bool(req.certificates)

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]:
        held = [x for x in req.certificates if x in c.doc.certificates]
        score = len(held) / len(req.certificates)
        if not lang:
            return score, ""
        names = _certificate_names(lang)
        missing = [names.get(x, x) for x in req.certificates if x not in held]
        if not missing:
            return score, _say("match.why.certs_all", lang, certs=", ".join(names.get(x, x) for x in held))
        return score, _say("match.why.certs_missing", lang, certs=", ".join(missing))


class TrackRecord:
    """Partnerships already carried out through the platform."""

    name, weight = "track_record", 0.05

    def applies(self, req: MatchRequest) -> bool:
        return True

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]:
        n = c.doc.track_record
        if n <= 0:
            return 0.0, ""
        return min(1.0, 0.4 + 0.15 * n), _say("match.why.track", lang, n=n)


class CounterpartInterest:
    """The other side: an open offer for this kind of product, a minimum order that fits, wanted regions."""

    name, weight = "interest", 0.05

    def applies(self, req: MatchRequest) -> bool:
        return True

    def judge(self, req: MatchRequest, c: Candidate, ctx: dict[str, float], lang: str) -> tuple[float, str]:
        relevant = [o for o in c.doc.offers if matched_terms(req.text, o.text)]
        if not relevant:
            return 0.0, ""
        offer = relevant[0]
        score, notes = 0.5, [_say("match.why.interest_offer", lang, title=offer.title)]
        if req.quantity and offer.min_order is not None and offer.dimension == req.quantity.dimension:
            if offer.min_order <= req.quantity.amount:
                score += 0.25
                notes.append(_say("match.why.interest_min_ok", lang))
            else:
                score -= 0.25
                notes.append(_say("match.why.interest_min_high", lang))
        else:
            score += 0.1
        wanted = set(offer.target_regions)
        if wanted and (req.province_code in wanted or req.regency_code in wanted):
            score += 0.25
            notes.append(_say("match.why.interest_region", lang))
        fits = _price_fits(req, offer)
        if fits is not None:
            score += 0.15 if fits else -0.25
            low = (offer.price_min if offer.price_min is not None else offer.price_max) or 0.0
            high = (offer.price_max if offer.price_max is not None else offer.price_min) or 0.0
            f = req.price_unit_factor
            price = _fmt(low * f, lang) if low == high else f"{_fmt(low * f, lang)}–{_fmt(high * f, lang)}"
            key = "match.why.interest_price_ok" if fits else "match.why.interest_price_out"
            notes.append(_say(key, lang, price=price, unit=req.price_unit or ""))
        return max(0.0, min(1.0, score)), "; ".join(notes)


@lru_cache(maxsize=4)
def _certificate_names(lang: str) -> dict[str, str]:
    return {r["code"]: catalog.certificate_name(r["code"], lang) for r in catalog.certificates()}


def _price_fits(req: MatchRequest, offer: OfferSummary) -> bool | None:
    """Whether the offer's price range meets the buyer's budget (None: nothing comparable)."""
    if not req.price_dimension or offer.price_dimension != req.price_dimension:
        return None
    if offer.price_min is None and offer.price_max is None:
        return None
    low = offer.price_min if offer.price_min is not None else offer.price_max
    high = offer.price_max if offer.price_max is not None else offer.price_min
    assert low is not None and high is not None
    budget_low = req.price_min if req.price_min is not None else 0.0
    budget_high = req.price_max if req.price_max is not None else math.inf
    return low <= budget_high and high >= budget_low


COMPONENTS: tuple[Component, ...] = (
    TextRelevance(),
    SemanticSimilarity(),
    ClassificationCloseness(),
    Distance(),
    CapacityFit(),
    DeliveryByDeadline(),
    CertificateCoverage(),
    TrackRecord(),
    CounterpartInterest(),
)


@dataclass
class Ranked:
    """A candidate with its score and its breakdown (sentences rendered when first asked for)."""

    candidate: Candidate
    score: float
    parts: list[Part]
    request: MatchRequest | None = None
    context: dict[str, float] = field(default_factory=dict)
    lang: str = "id"

    @property
    def why(self) -> list[str]:
        """The breakdown in words, strongest contribution first."""
        if self.request is not None:
            by_name = {c.name: c for c in COMPONENTS}
            for part in self.parts:
                if not part.sentence:
                    _, part.sentence = by_name[part.name].judge(self.request, self.candidate, self.context, self.lang)
            self.request = None
        ordered = sorted(self.parts, key=lambda p: -p.score * p.weight)
        return [p.sentence for p in ordered if p.sentence]


def rank(req: MatchRequest, candidates: list[Candidate], *, lang: str = "id") -> list[Ranked]:
    """Score every candidate with the components that apply; best first.

    Scoring runs for every candidate; the sentences of ``why`` only for the results someone reads.
    """
    active = [c for c in COMPONENTS if c.applies(req)]
    total_weight = sum(c.weight for c in active) or 1.0
    ctx = {"max_bm25": max((c.bm25 for c in candidates), default=0.0)}
    out = []
    for cand in candidates:
        parts = [Part(comp.name, round(comp.judge(req, cand, ctx, "")[0], 4), comp.weight, "") for comp in active]
        total = sum([p.score * p.weight for p in parts]) / total_weight
        out.append(Ranked(cand, round(total, 4), parts, request=req, context=ctx, lang=lang))
    out.sort(key=lambda r: (-r.score, r.candidate.doc.name))
    return out
