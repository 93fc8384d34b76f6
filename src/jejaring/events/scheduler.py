"""The optimal meeting scheduler: OR-Tools CP-SAT, solved lexicographically in two phases.

Phase 1 maximises the weight (priority × match score) of the meetings held; phase 2 keeps that weight and
minimises idle gaps in each participant's day. Tables are then seated by ``problem.seat`` (booths for hosted
buyers, a participant's previous table where free). Published meetings (``problem.fixed``) stay put and
the rest is re-optimised around them. See docs/events.md for the model.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from jejaring.events import decompose
from jejaring.events.greedy import greedy
from jejaring.events.problem import Placement, Problem, Request, idle_gaps, seat, table_changes, weight


@dataclass
class Result:
    """A schedule with how good it is: ``bound`` is a proven upper bound on the weight any schedule can reach;
    ``optimal`` means both the weight and (given it) the idle gaps are proven optimal."""

    placements: list[Placement]
    weight: int
    bound: int
    optimal: bool
    gaps: int
    table_changes: int
    seconds: float

    @property
    def weight_optimal(self) -> bool:
        """True when the weight placed reaches the proven bound (``optimal`` also needs the gaps proven minimal)."""
        return self.weight >= self.bound

    @property
    def ratio(self) -> float:
        """Weight placed as a share of the proven bound (1.0 when nothing can be placed)."""
        return self.weight / self.bound if self.bound else 1.0


class _Model:
    """Variables x[r, s] for every request r and slot s both parties are free in, with the hard constraints."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        requests = problem.by_id()
        fixed_ids = {f.request_id for f in problem.fixed}
        self.fixed_busy: set[tuple[int, int]] = set()
        fixed_pool: dict[int, int] = defaultdict(int)
        booth_tables = set(problem.booths.values())
        for f in problem.fixed:
            r = requests[f.request_id]
            self.fixed_busy.update({(r.a, f.slot), (r.b, f.slot)})
            if f.table is not None and f.table not in booth_tables:
                fixed_pool[f.slot] += 1
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        pool_by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        self.free = [r for r in problem.requests if r.id not in fixed_ids and r.a != r.b]
        for r in self.free:
            off = problem.unavailable.get(r.a, frozenset()) | problem.unavailable.get(r.b, frozenset())
            needs_pool = not r.online and problem.booth_of(r) is None
            for s in range(problem.n_slots):
                if s in off or (r.a, s) in self.fixed_busy or (r.b, s) in self.fixed_busy:
                    continue
                v = self.model.new_bool_var(f"x{r.id}_{s}")
                self.x[(r.id, s)] = v
                self.by_person_slot[(r.a, s)].append(v)
                self.by_person_slot[(r.b, s)].append(v)
                if needs_pool:
                    pool_by_slot[s].append(v)
        by_request: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (rid, _), v in self.x.items():
            by_request[rid].append(v)
        for vs in by_request.values():
            self.model.add_at_most_one(vs)
        for vs in self.by_person_slot.values():
            if len(vs) > 1:
                self.model.add_at_most_one(vs)
        n_pool = len(problem.pool_tables())
        for s, vs in pool_by_slot.items():
            cap = n_pool - fixed_pool[s]
            if len(vs) > cap:
                self.model.add(sum(vs) <= cap)
        weights = {r.id: r.weight for r in self.free}
        self.weight_expr = sum(weights[rid] * v for (rid, _), v in self.x.items())

    def gap_expr(self) -> Any:
        """Idle gaps summed over participants and days: (runs of meetings) − (days with a meeting)."""
        p = self.problem
        people = {who for who, _ in self.by_person_slot} | {who for who, _ in self.fixed_busy}
        starts: list[cp_model.IntVar] = []
        actives: list[cp_model.IntVar] = []
        for who in sorted(people):
            for d in range(p.days):
                day = range(d * p.slots_per_day, (d + 1) * p.slots_per_day)
                busy = [1 if (who, s) in self.fixed_busy else sum(self.by_person_slot.get((who, s), [])) for s in day]
                if all(isinstance(b, int) and b == 0 for b in busy):
                    continue
                active = self.model.new_bool_var("")
                self.model.add(active <= sum(busy))
                actives.append(active)
                prev: object = 0
                for b in busy:
                    start = self.model.new_bool_var("")
                    self.model.add(start >= b - prev)  # type: ignore[operator]
                    starts.append(start)
                    prev = b
        return sum(starts) - sum(actives)

    def chosen(self, solver: cp_model.CpSolver) -> list[tuple[int, int]]:
        """The (request, slot) pairs set in the solver's solution."""
        return [key for key, v in self.x.items() if solver.boolean_value(v)]


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.1)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


EXACT_LIMIT = 6000  # x[r, s] variables up to which one CP-SAT model is solved; above it, ``decompose``


def feasible(problem: Problem) -> tuple[list[Request], dict[int, list[int]], list[int]]:
    """Requests still to place, the slots each could take, and the pool tables free per slot."""
    requests = problem.by_id()
    fixed_ids = {f.request_id for f in problem.fixed}
    busy: set[tuple[int, int]] = set()
    cap = [len(problem.pool_tables())] * problem.n_slots
    booth_tables = set(problem.booths.values())
    for f in problem.fixed:
        r = requests[f.request_id]
        busy.update({(r.a, f.slot), (r.b, f.slot)})
        if f.table is not None and f.table not in booth_tables:
            cap[f.slot] -= 1
    free = [r for r in problem.requests if r.id not in fixed_ids and r.a != r.b]
    slots: dict[int, list[int]] = {}
    for r in free:
        off = problem.unavailable.get(r.a, frozenset()) | problem.unavailable.get(r.b, frozenset())
        pooled = not r.online and problem.booth_of(r) is None
        slots[r.id] = [
            s
            for s in range(problem.n_slots)
            if s not in off and (r.a, s) not in busy and (r.b, s) not in busy and (cap[s] > 0 or not pooled)
        ]
    return free, slots, cap


def _result(problem: Problem, chosen: list[tuple[int, int]], bound: int, optimal: bool, started: float) -> Result:
    placements = list(problem.fixed) + seat(problem, chosen)
    placed = weight(problem, placements)
    return Result(
        placements=placements,
        weight=placed,
        bound=max(bound + weight(problem, problem.fixed), placed),
        optimal=optimal,
        gaps=idle_gaps(problem, placements),
        table_changes=table_changes(problem, placements),
        seconds=time.monotonic() - started,
    )


def schedule(
    problem: Problem, *, time_limit: float = 60.0, workers: int = 2, seed: int = 0, exact_limit: int = EXACT_LIMIT
) -> Result:
    """Schedule ``problem``: most weight first, then fewest idle gaps; published meetings stay fixed.

    Small events get one exact CP-SAT model (two lexicographic phases); large ones the decomposition in
    ``decompose`` (an LP bound and selection, then slots by local search).
    """
    started = time.monotonic()
    free, slots, cap = feasible(problem)
    if sum(len(v) for v in slots.values()) > exact_limit:
        chosen, bound = decompose.solve(problem, free, slots, cap, time_limit=time_limit)
        return _result(problem, chosen, bound, False, started)
    lp, _ = decompose.lp_bound(problem, free, slots, sum(cap))
    base = _Model(problem)
    start_pairs = [(p.request_id, p.slot) for p in greedy(problem) if p not in set(problem.fixed)]
    hint = set(start_pairs)
    for key, v in base.x.items():
        base.model.add_hint(v, key in hint)
    base.model.maximize(base.weight_expr)
    first = _solver(time_limit * 0.6, workers, seed)
    status = first.solve(base.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _result(problem, start_pairs, lp, False, started)
    chosen = base.chosen(first)
    best = round(first.objective_value)
    # CP-SAT's own bound only: a CP-SAT schedule once beat the aggregated LP's (tests/events/test_scheduler.py)
    bound = round(first.best_objective_bound)
    proven = status == cp_model.OPTIMAL or best >= bound
    if base.x:
        base.model.clear_hints()  # type: ignore[no-untyped-call]  # ortools ships no annotation here
        picked = set(chosen)
        for key, v in base.x.items():
            base.model.add_hint(v, key in picked)
        base.model.add(base.weight_expr >= best)
        # fewest idle gaps; among equals, the earliest slots (the day ends sooner for everyone)
        earliness = sum(s * v for (_, s), v in base.x.items())
        scale = problem.n_slots * len(base.free) + 1
        base.model.minimize(scale * base.gap_expr() + earliness)
        second = _solver(time_limit - (time.monotonic() - started), workers, seed)
        status2 = second.solve(base.model)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = base.chosen(second)
        proven = proven and status2 == cp_model.OPTIMAL
    return _result(problem, chosen, bound, proven, started)
