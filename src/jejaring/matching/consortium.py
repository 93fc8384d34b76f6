"""Consortium proposals: when no single firm can supply a need, choose a set of firms with shares.

A mixed-integer programme solved by HiGHS (``highspy``). For candidates i (each already holding
every required certificate and within the maximum distance), with capacity cᵢ, match score sᵢ and
distance dᵢ, choose shares xᵢ, membership yᵢ ∈ {0,1} and one lead ℓᵢ ∈ {0,1}:

    minimise   Σ α·yᵢ + Σ (1 − sᵢ)·xᵢ/Q + Σ β·(dᵢ/D)·xᵢ/Q − Σ (γ·sᵢ + δ·min(cᵢ, Q)/Q)·ℓᵢ
    subject to Σ xᵢ = Q,  xᵢ ≤ cᵢ·yᵢ,  xᵢ ≥ m·Q·yᵢ,  Σ ℓᵢ = 1,  ℓᵢ ≤ yᵢ,  xᵢ ≥ L·Q·ℓᵢ,  Σ yᵢ ≤ K

α is the coordination cost of one more member (halved when every member is in one sentra, which is
solved as its own programme), β weighs distance to the buyer, γ and δ reward a lead that matches well
and can carry a large share, m is the smallest useful share and L the lead's minimum share. The best
of the unrestricted programme and the per-sentra programmes is proposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jejaring.core.i18n import translate
from jejaring.core.solver import new_highs
from jejaring.matching.enums import ProposalStatus
from jejaring.matching.ranking import MatchRequest, Ranked

ALPHA = 0.15
BETA = 0.3
GAMMA = 0.2
DELTA = 0.2
MIN_SHARE = 0.03
LEAD_SHARE = 0.2
MAX_MEMBERS = 12
MAX_CANDIDATES = 60
MIN_SCORE = 0.25  # a member must be a real match: at least this score …
RELATIVE_SCORE = 0.6  # … and at least this share of the best candidate's score
BASE_UNITS = {
    "mass": "kg",
    "volume": "l",
    "length": "m",
    "area": "m²",
    "count": "pcs",
    "pair": "pasang",
    "sheet": "lembar",
}


@dataclass
class Consortium:
    """A proposed set of firms with shares and a lead."""

    status: str  # proposed | insufficient
    quantity: float
    unit: str
    members: list[dict[str, Any]] = field(default_factory=list)
    sentra: str | None = None
    objective: float | None = None
    explanation: str = ""
    coverage: float = 1.0

    def to_json(self) -> dict[str, Any]:
        """JSON form used by the CLI and the API."""
        return dict(self.__dict__)


def _solve(
    items: list[Ranked], q: float, alpha: float, d_max: float
) -> tuple[float, list[tuple[Ranked, float, bool]]] | None:
    h = new_highs(time_limit=5.0)
    xs, ys, ls = [], [], []
    for r in items:
        cap = min(r.candidate.doc.capacity or 0.0, q)
        xs.append(h.addVariable(lb=0.0, ub=cap))
        ys.append(h.addBinary())
        ls.append(h.addBinary())
    h.addConstr(sum(xs) == q)
    for x, y, lead, r in zip(xs, ys, ls, items, strict=True):
        cap = min(r.candidate.doc.capacity or 0.0, q)
        h.addConstr(x <= cap * y)
        h.addConstr(x >= MIN_SHARE * q * y)
        h.addConstr(lead <= y)
        h.addConstr(x >= LEAD_SHARE * q * lead)
    h.addConstr(sum(ls) == 1)
    h.addConstr(sum(ys) <= MAX_MEMBERS)
    objective = 0
    for x, y, lead, r in zip(xs, ys, ls, items, strict=True):
        dist = r.candidate.distance_km or 0.0
        per_unit = ((1.0 - r.score) + BETA * (dist / d_max if d_max else 0.0)) / q
        lead_merit = GAMMA * r.score + DELTA * min(r.candidate.doc.capacity or 0.0, q) / q
        objective = objective + alpha * y + per_unit * x - lead_merit * lead
    h.minimize(objective)
    if str(h.getModelStatus()) != "HighsModelStatus.kOptimal":
        return None
    chosen = [(r, h.val(x), h.val(lead) > 0.5) for r, x, lead in zip(items, xs, ls, strict=True) if h.val(x) > 1e-6]
    return float(h.getInfo().objective_function_value), chosen


def eligible(req: MatchRequest, ranked: list[Ranked]) -> list[Ranked]:
    """Candidates that may join: good matches with capacity in the need's unit, every certificate, within distance."""
    assert req.quantity is not None
    floor = max(MIN_SCORE, RELATIVE_SCORE * max((r.score for r in ranked), default=0.0))
    out = []
    for r in ranked:
        doc = r.candidate.doc
        if doc.capacity is None or doc.capacity <= 0 or doc.capacity_dimension != req.quantity.dimension:
            continue
        if any(c not in doc.certificates for c in req.certificates):
            continue
        d = r.candidate.distance_km
        if req.max_distance_km and (d is None or d > req.max_distance_km):
            continue
        if r.score < floor:
            continue
        out.append(r)
    return out[:MAX_CANDIDATES]


def needs_consortium(req: MatchRequest, ranked: list[Ranked], *, top: int = 20) -> bool:
    """True when a quantity is asked and no eligible firm among the best ``top`` can supply it alone."""
    if req.quantity is None or req.quantity.amount <= 0:
        return False
    return not any((r.candidate.doc.capacity or 0) >= req.quantity.amount for r in eligible(req, ranked[:top]))


def propose(req: MatchRequest, ranked: list[Ranked], *, lang: str = "id") -> Consortium | None:
    """The best consortium for the need, or None when no quantity is asked or one firm suffices."""
    if not needs_consortium(req, ranked):
        return None
    assert req.quantity is not None
    q, dim = req.quantity.amount, req.quantity.dimension
    unit = BASE_UNITS.get(dim, dim.removeprefix("unit:"))
    pool = eligible(req, ranked)
    total = sum(r.candidate.doc.capacity or 0.0 for r in pool)
    if not pool or total < q:
        return Consortium(
            status="insufficient",
            quantity=q,
            unit=unit,
            coverage=round(total / q, 3) if q else 0.0,
            explanation=translate("match.consortium.insufficient", lang, pct=round(100 * total / q) if q else 0),
        )
    d_max = max((r.candidate.distance_km or 0.0) for r in pool) or 1.0
    best: tuple[float, list[tuple[Ranked, float, bool]], str | None] | None = None
    groups: dict[str, tuple[str, list[Ranked]]] = {}
    for r in pool:
        for pid, name in r.candidate.doc.sentra:
            groups.setdefault(pid, (name, []))[1].append(r)
    runs: list[tuple[list[Ranked], float, str | None]] = [(pool, ALPHA, None)]
    for name, members in groups.values():
        if len(members) >= 2 and sum(m.candidate.doc.capacity or 0.0 for m in members) >= q:
            runs.append((members, ALPHA / 2, name))
    for members, alpha, sentra_name in runs:
        solved = _solve(members, q, alpha, d_max)
        if solved and (best is None or solved[0] < best[0] - 1e-9):
            best = (solved[0], solved[1], sentra_name)
    if best is None:
        return None
    objective, chosen, sentra_name = best
    chosen.sort(key=lambda t: (not t[2], -t[1]))
    members_out = [
        {
            "id": r.candidate.doc.public_id,
            "name": r.candidate.doc.name,
            "role": "lead" if lead else "member",
            "share": round(x, 3),
            "share_pct": round(100 * x / q, 1),
            "capacity": r.candidate.doc.capacity,
            "score": r.score,
            "distance_km": None if r.candidate.distance_km is None else round(r.candidate.distance_km, 1),
        }
        for r, x, lead in chosen
    ]
    words = translate(
        "match.consortium.objective",
        lang,
        n=len(members_out),
        lead=members_out[0]["name"],
        alpha=ALPHA,
        lead_pct=round(LEAD_SHARE * 100),
    )
    if sentra_name:
        words += " " + translate("match.consortium.sentra", lang, sentra=sentra_name)
    return Consortium(
        status=ProposalStatus.PROPOSED,
        quantity=q,
        unit=unit,
        members=members_out,
        sentra=sentra_name,
        objective=round(objective, 4),
        explanation=words,
    )
