"""The development plan: which interventions close the most weighted gap within a budget and a time limit.

A mixed-integer programme solved by HiGHS (``highspy``). For eligible interventions i (cost to the firm
fᵢ, to the government gᵢ, duration dᵢ months) and gap criteria c (weight w_c, shortfall δ_c):

    maximise   Σ_c w_c·z_c − ε·Σ_i (fᵢ + gᵢ)/C·xᵢ
    subject to z_c ≤ Σ_i r_ic·v_ic,  Σ_i v_ic ≤ 1,  v_ic ≤ xᵢ,  0 ≤ z_c ≤ δ_c        (one intervention lifts c)
               Σ_i fᵢ·xᵢ ≤ B (firm budget),  Σ_i gᵢ·xᵢ ≤ G (government budget, when given)
               sᵢ + dᵢ·xᵢ ≤ T,  sᵢ ≥ 0                                                (time limit)
               for every prerequisite (i needs c at level L, not met yet):
               Σ_j u_ij ≥ xᵢ,  u_ij ≤ x_j,  sᵢ ≥ s_j + d_j − M·(1 − u_ij)            (j lifts c to ≥ L first)

r_ic = max(0, min(lift_ic, required_c) − current_c) is what i closes of c; xᵢ, v_ic, u_ij are binary.
ε·(cost) only breaks ties: among plans that close the same weighted gap, the cheapest (firm + state) wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jejaring.capability.catalogue import Intervention, criterion
from jejaring.capability.gaps import Gap
from jejaring.core.i18n import translate
from jejaring.core.solver import new_highs

EPSILON = 1e-3


@dataclass
class Step:
    """One intervention of the plan, when it runs, what it closes and what it prepares."""

    code: str
    name: str
    provider: str
    start: float
    end: float
    cost_firm: int
    cost_gov: int
    closes: list[str]
    enables: list[str]
    source: str
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return dict(self.__dict__)


@dataclass
class Plan:
    """The chosen interventions in order, and the figures of the choice."""

    status: str  # optimal | nothing_to_close | infeasible
    steps: list[Step] = field(default_factory=list)
    gap_total: float = 0.0
    gap_closed: float = 0.0
    cost_firm: int = 0
    cost_gov: int = 0
    months: float = 0.0
    remaining: list[str] = field(default_factory=list)  # gap criteria no chosen step closes
    excluded: list[dict[str, str]] = field(default_factory=list)  # ineligible interventions and why
    objective: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON form used by the API and the CLI."""
        out = dict(self.__dict__)
        out["steps"] = [s.to_json() for s in self.steps]
        return out


def eligible(
    catalogue: Sequence[Intervention], *, size_class: str | None, group: str, lang: str = "id"
) -> tuple[list[Intervention], list[dict[str, str]]]:
    """Interventions open to the firm, and the others with the reason (size class or product group)."""
    ok, excluded = [], []
    for iv in catalogue:
        if iv.eligible_sizes and (size_class or "kecil") not in iv.eligible_sizes:
            reason = translate("capability.plan.not_for_size", lang, size=size_class or "–")
        elif iv.eligible_groups and group not in iv.eligible_groups:
            reason = translate("capability.plan.not_for_group", lang, group=group)
        else:
            ok.append(iv)
            continue
        excluded.append({"code": iv.code, "name": iv.name(lang), "reason": reason})
    return ok, excluded


def make_plan(
    *,
    levels: Mapping[str, float],
    gaps: Sequence[Gap],
    catalogue: Sequence[Intervention],
    budget_firm: int,
    months: float,
    budget_gov: int | None = None,
    size_class: str | None = None,
    group: str = "lainnya",
    lang: str = "id",
) -> Plan:
    """The plan closing the most weighted gap within the budget and ``months``, honouring prerequisites."""
    items, excluded = eligible(catalogue, size_class=size_class, group=group, lang=lang)
    gap_of = {g.criterion: g for g in gaps if g.size > 0}
    total = round(sum(g.weighted for g in gap_of.values()), 4)
    objective_words = translate(
        "capability.plan.objective", lang, budget=_rupiah(budget_firm), months=_months(float(months), lang)
    )
    if not gap_of:
        return Plan(status="nothing_to_close", excluded=excluded, objective=objective_words)
    items = _relevant(items, set(gap_of), levels)
    h = new_highs(time_limit=5.0)
    n = len(items)
    x = [h.addBinary() for _ in items]
    s = [h.addVariable(lb=0.0, ub=float(months)) for _ in items]
    big_m = float(months) + max((iv.duration for iv in items), default=0.0) + 1.0
    cost_scale = float(max((iv.cost_firm + iv.cost_gov for iv in items), default=1) or 1)
    objective: Any = 0
    lifter: dict[tuple[int, str], Any] = {}
    for c, g in gap_of.items():
        z = h.addVariable(lb=0.0, ub=g.size)
        options = []
        for i, iv in enumerate(items):
            r = max(0.0, min(iv.lifts.get(c, 0.0), g.required) - levels.get(c, 0.0))
            if r > 0:
                v = h.addBinary()
                h.addConstr(v <= x[i])
                lifter[(i, c)] = v
                options.append(r * v)
        if options:
            h.addConstr(sum(options) >= z)
            h.addConstr(sum(lifter[(i, c)] for i in range(n) if (i, c) in lifter) <= 1)
        else:
            h.addConstr(z <= 0)
        objective = objective + g.weight * z
    precedence: dict[tuple[int, int], Any] = {}
    for i, iv in enumerate(items):
        h.addConstr(s[i] + iv.duration * x[i] <= float(months))
        for c, level in iv.requires.items():
            if levels.get(c, 0.0) + 1e-9 >= level:
                continue
            firsts = [j for j, jv in enumerate(items) if j != i and jv.lifts.get(c, 0.0) + 1e-9 >= level]
            if not firsts:
                h.addConstr(x[i] <= 0)
                continue
            us = []
            for j in firsts:
                u = h.addBinary()
                h.addConstr(u <= x[j])
                h.addConstr(s[i] - s[j] - big_m * u >= items[j].duration - big_m)
                precedence[(i, j)] = u
                us.append(u)
            h.addConstr(sum(us) >= x[i])
    h.addConstr(sum(iv.cost_firm * x[i] for i, iv in enumerate(items)) <= float(budget_firm))
    if budget_gov is not None:
        h.addConstr(sum(iv.cost_gov * x[i] for i, iv in enumerate(items)) <= float(budget_gov))
    for i, iv in enumerate(items):  # tie-breakers: cheaper, then sooner
        objective = objective - EPSILON * (iv.cost_firm + iv.cost_gov) / cost_scale * x[i] - EPSILON * 1e-2 * s[i]
    h.maximize(objective)
    if str(h.getModelStatus()) != "HighsModelStatus.kOptimal":
        return Plan(status="infeasible", gap_total=total, excluded=excluded, objective=objective_words)
    chosen = [i for i in range(n) if h.val(x[i]) > 0.5]
    closes = {i: [c for (j, c), v in lifter.items() if j == i and h.val(v) > 0.5] for i in chosen}
    enables: dict[int, list[str]] = {i: [] for i in chosen}
    for (i, j), u in precedence.items():
        if h.val(u) > 0.5 and j in enables:
            enables[j].append(items[i].name(lang))
    steps = []
    for i in sorted(chosen, key=lambda k: (round(h.val(s[k]), 6), items[k].code)):
        iv = items[i]
        start = round(h.val(s[i]), 2)
        step = Step(
            code=iv.code,
            name=iv.name(lang),
            provider=iv.provider,
            start=start,
            end=round(start + iv.duration, 2),
            cost_firm=iv.cost_firm,
            cost_gov=iv.cost_gov,
            closes=sorted(closes[i]),
            enables=enables[i],
            source=iv.source,
        )
        step.text = _explain(step, gap_of, lang)
        steps.append(step)
    closed = sum(gap_of[c].weight * min(gap_of[c].size, _closed(c, steps, items, levels, gap_of)) for c in gap_of)
    return Plan(
        status="optimal",
        steps=steps,
        gap_total=total,
        gap_closed=round(closed, 4),
        cost_firm=sum(st.cost_firm for st in steps),
        cost_gov=sum(st.cost_gov for st in steps),
        months=max((st.end for st in steps), default=0.0),
        remaining=sorted(c for c in gap_of if not any(c in st.closes for st in steps)),
        excluded=excluded,
        objective=objective_words,
    )


def _relevant(items: list[Intervention], wanted: set[str], levels: Mapping[str, float]) -> list[Intervention]:
    """Interventions that lift a gap criterion, and (transitively) those that meet their unmet prerequisites."""
    chosen: list[Intervention] = []
    need = set(wanted)
    while True:
        more = [iv for iv in items if iv not in chosen and any(iv.lifts.get(c, 0.0) > 0 for c in need)]
        if not more:
            return [iv for iv in items if iv in chosen]  # catalogue order
        chosen += more
        need = {c for iv in more for c, lv in iv.requires.items() if levels.get(c, 0.0) + 1e-9 < lv}


def _closed(
    c: str, steps: list[Step], items: Sequence[Intervention], levels: Mapping[str, float], gap_of: dict[str, Gap]
) -> float:
    by_code = {iv.code: iv for iv in items}
    best = 0.0
    for st in steps:
        if c in st.closes:
            lift = by_code[st.code].lifts.get(c, 0.0)
            best = max(best, max(0.0, min(lift, gap_of[c].required) - levels.get(c, 0.0)))
    return best


def _explain(step: Step, gap_of: dict[str, Gap], lang: str) -> str:
    closes = ", ".join(criterion(c).short(lang) for c in step.closes) or "–"
    text = translate(
        "capability.plan.step",
        lang,
        start=_months(step.start, lang),
        end=_months(step.end, lang),
        name=step.name,
        closes=closes,
        firm=_rupiah(step.cost_firm),
        gov=_rupiah(step.cost_gov),
    )
    if step.enables:
        text += " " + translate("capability.plan.enables", lang, names=", ".join(step.enables))
    return text


def _months(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "id" else text


def _rupiah(value: int) -> str:
    return "Rp" + f"{value:,}".replace(",", ".")
