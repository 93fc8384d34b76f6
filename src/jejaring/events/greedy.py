"""The greedy first-come baseline: requests in the order they were accepted, each in its earliest free slot."""

from __future__ import annotations

from collections import defaultdict

from jejaring.events.problem import Placement, Problem, seat


def greedy(problem: Problem) -> list[Placement]:
    """Place requests first-come (by id) at the earliest slot both parties and a table are free."""
    n_pool = len(problem.pool_tables())
    busy: set[tuple[int, int]] = set()
    pool_used: dict[int, int] = defaultdict(int)
    booth_tables = set(problem.booths.values())
    requests = problem.by_id()
    fixed_ids = {f.request_id for f in problem.fixed}
    for f in problem.fixed:
        r = requests[f.request_id]
        busy.update({(r.a, f.slot), (r.b, f.slot)})
        if f.table is not None and f.table not in booth_tables:
            pool_used[f.slot] += 1
    chosen: list[tuple[int, int]] = []
    for r in sorted(problem.requests, key=lambda q: q.id):
        if r.id in fixed_ids:
            continue
        needs_pool = not r.online and problem.booth_of(r) is None
        off_a = problem.unavailable.get(r.a, frozenset())
        off_b = problem.unavailable.get(r.b, frozenset())
        for s in range(problem.n_slots):
            if s in off_a or s in off_b or (r.a, s) in busy or (r.b, s) in busy:
                continue
            if needs_pool and pool_used[s] >= n_pool:
                continue
            busy.update({(r.a, s), (r.b, s)})
            if needs_pool:
                pool_used[s] += 1
            chosen.append((r.id, s))
            break
    return list(problem.fixed) + seat(problem, chosen)
