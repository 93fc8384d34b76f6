"""The scheduler for events too large for one CP-SAT model: bound and selection first, then slots.

1. **Bound and selection** (HiGHS LP): drop the time dimension — each request y_r ∈ [0, 1]; a participant holds
   at most as many meetings as it has free slots; pool-table meetings fit in the pool's table-slots. Every
   schedule satisfies these, so the LP optimum (rounded down: weights are integers) is a proven upper bound
   on the weight any schedule can place; its y_r order the requests.
2. **Slots** (local search): place requests in that order at the free slot next to the parties' other meetings,
   then insert the ones left over by moving a blocking meeting elsewhere (or displacing a lighter one) for a
   fixed number of rounds (the weight placed is the same on a busy or an idle machine), then move meetings to
   close idle gaps while the weight stays, until no move helps or the time limit.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from itertools import pairwise

from jejaring.core.solver import new_highs
from jejaring.events.problem import Problem, Request

log = logging.getLogger(__name__)
DISPLACE_ROUNDS = 3  # rounds of displacing lighter meetings for the requests left over


def lp_bound(
    problem: Problem, free: list[Request], slots: dict[int, list[int]], pool_cap: int
) -> tuple[int, dict[int, float]]:
    """The aggregated LP: its optimum rounded down (a proven bound on the free requests' weight) and y_r."""
    h = new_highs()  # no per-model thread count: HiGHS refuses one once its process-wide scheduler runs
    cand = [r for r in free if slots[r.id]]
    ys = {r.id: h.addVariable(lb=0.0, ub=1.0) for r in cand}
    by_person: dict[int, list[int]] = defaultdict(list)
    for r in cand:
        by_person[r.a].append(r.id)
        by_person[r.b].append(r.id)
    fixed_busy: dict[int, int] = defaultdict(int)
    requests = problem.by_id()
    for f in problem.fixed:
        fr = requests[f.request_id]
        fixed_busy[fr.a] += 1
        fixed_busy[fr.b] += 1
    for who, rids in by_person.items():
        free_slots = problem.n_slots - len(problem.unavailable.get(who, frozenset())) - fixed_busy[who]
        if len(rids) > free_slots:
            h.addConstr(sum(ys[i] for i in rids) <= max(free_slots, 0))
    pool = [ys[r.id] for r in cand if not r.online and problem.booth_of(r) is None]
    if len(pool) > pool_cap:
        h.addConstr(sum(pool) <= pool_cap)
    if not cand:
        return 0, {}
    h.maximize(sum(r.weight * ys[r.id] for r in cand))
    if str(h.getModelStatus()) != "HighsModelStatus.kOptimal":
        # only an optimal LP value bounds the schedule; otherwise fall back to the trivial bound (all placed)
        log.warning("events LP bound not solved (%s): using the total weight", h.getModelStatus())
        return sum(r.weight for r in cand), {r.id: 1.0 for r in cand}
    value = float(h.getInfo().objective_function_value)
    return int(value + 1e-6), {r.id: float(h.val(ys[r.id])) for r in cand}


class State:
    """Who meets whom when: the partial schedule the local search edits."""

    def __init__(self, problem: Problem, free: list[Request], slots: dict[int, list[int]], cap: list[int]) -> None:
        self.p = problem
        self.req = {r.id: r for r in free}
        self.slots = slots
        self.cap = cap
        self.busy: dict[tuple[int, int], int] = {}  # (participant, slot) → request id (−1: a fixed meeting)
        self.at: dict[int, int] = {}  # request id → slot
        self.pool_used = [0] * problem.n_slots
        self.by_day: dict[tuple[int, int], list[int]] = defaultdict(list)  # (participant, day) → slots
        requests = problem.by_id()
        for f in problem.fixed:
            fr = requests[f.request_id]
            for who in (fr.a, fr.b):
                self.busy[(who, f.slot)] = -1
                self.by_day[(who, f.slot // problem.slots_per_day)].append(f.slot)

    def pooled(self, r: Request) -> bool:
        """True when the meeting needs a pool table."""
        return not r.online and self.p.booth_of(r) is None

    def fits(self, r: Request, s: int) -> bool:
        """Both parties free in ``s`` and a table there if needed."""
        return (
            (r.a, s) not in self.busy
            and (r.b, s) not in self.busy
            and (not self.pooled(r) or self.pool_used[s] < self.cap[s])
        )

    def put(self, r: Request, s: int) -> None:
        """Place ``r`` in ``s``."""
        self.at[r.id] = s
        d = s // self.p.slots_per_day
        for who in (r.a, r.b):
            self.busy[(who, s)] = r.id
            self.by_day[(who, d)].append(s)
        if self.pooled(r):
            self.pool_used[s] += 1

    def take(self, r: Request) -> int:
        """Remove ``r`` from its slot and return the slot."""
        s = self.at.pop(r.id)
        d = s // self.p.slots_per_day
        for who in (r.a, r.b):
            del self.busy[(who, s)]
            self.by_day[(who, d)].remove(s)
        if self.pooled(r):
            self.pool_used[s] -= 1
        return s

    def gaps(self, who: int, day: int) -> int:
        """Idle gaps of one participant on one day."""
        ss = sorted(self.by_day.get((who, day), []))
        return sum(1 for x, y in pairwise(ss) if y - x > 1)

    def cost(self, r: Request, s: int) -> int:
        """Gaps of r's parties on s's day (used to compare slots)."""
        d = s // self.p.slots_per_day
        return self.gaps(r.a, d) + self.gaps(r.b, d)

    def best_slot(self, r: Request) -> int | None:
        """The free slot that leaves r's parties the fewest gaps (earliest on ties)."""
        best, best_key = None, None
        for s in self.slots[r.id]:
            if not self.fits(r, s):
                continue
            self.put(r, s)
            key = (self.cost(r, s), s)
            self.take(r)
            if best_key is None or key < best_key:
                best, best_key = s, key
        return best


def _relocate(st: State, rid: int, avoid: int) -> bool:
    """Move placed request ``rid`` to another slot (not ``avoid``) where it fits; True if moved."""
    r = st.req[rid]
    old = st.take(r)
    for s in st.slots[rid]:
        if s != avoid and s != old and st.fits(r, s):
            st.put(r, s)
            return True
    st.put(r, old)
    return False


def _insert(st: State, r: Request) -> bool:
    """Place ``r`` directly, or after moving its blockers away, or by displacing lighter meetings."""
    s = st.best_slot(r)
    if s is not None:
        st.put(r, s)
        return True
    for s in st.slots[r.id]:
        blockers = {st.busy[(w, s)] for w in (r.a, r.b) if (w, s) in st.busy}
        if -1 in blockers:
            continue
        moved = [b for b in blockers if _relocate(st, b, s)]
        if st.fits(r, s):
            st.put(r, s)
            return True
        if st.pooled(r) and all((w, s) not in st.busy for w in (r.a, r.b)):
            pooled = [rid for rid, at in st.at.items() if at == s and st.pooled(st.req[rid])][:20]
            if any(_relocate(st, q, s) for q in pooled) and st.fits(r, s):
                st.put(r, s)
                return True
        del moved
    return False


def _displace(st: State, r: Request) -> list[int]:
    """Place ``r`` where the meetings in the way weigh less; returns the ids taken out (empty: not placed)."""
    best: tuple[int, int, list[int]] | None = None
    for s in st.slots[r.id]:
        out = {st.busy[(w, s)] for w in (r.a, r.b) if (w, s) in st.busy}
        if -1 in out:
            continue
        if st.pooled(r) and st.pool_used[s] >= st.cap[s]:
            pooled_here = [q for q, at in st.at.items() if at == s and st.pooled(st.req[q]) and q not in out]
            if not any(st.pooled(st.req[q]) for q in out) and pooled_here:
                out.add(min(pooled_here, key=lambda q: st.req[q].weight))
        loss = sum(st.req[q].weight for q in out)
        if loss < r.weight and (best is None or loss < best[0]):
            best = (loss, s, sorted(out))
    if best is None:
        return []
    _, s, taken = best
    for q in taken:
        st.take(st.req[q])
    if not st.fits(r, s):
        for q in taken:
            st.put(st.req[q], s)
        return []
    st.put(r, s)
    return taken


def _close_gaps(st: State, deadline: float) -> None:
    """Move single meetings to slots that lower their parties' idle gaps, until no move helps."""
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for rid in list(st.at):
            r = st.req[rid]
            old = st.at[rid]
            days = {old // st.p.slots_per_day}
            before = {d: st.gaps(r.a, d) + st.gaps(r.b, d) for d in range(st.p.days)}
            st.take(r)
            best_s, best_gain = old, 0
            for s in st.slots[rid]:
                if s == old or not st.fits(r, s):
                    continue
                st.put(r, s)
                days_s = days | {s // st.p.slots_per_day}
                gain = sum(before[d] - (st.gaps(r.a, d) + st.gaps(r.b, d)) for d in days_s)
                st.take(r)
                if gain > best_gain:
                    best_s, best_gain = s, gain
            st.put(r, best_s)
            improved = improved or best_s != old
            if time.monotonic() > deadline:
                return


def solve(
    problem: Problem, free: list[Request], slots: dict[int, list[int]], cap: list[int], *, time_limit: float
) -> tuple[list[tuple[int, int]], int]:
    """Decomposed schedule of the free requests: (request, slot) pairs and the proven bound on their weight."""
    deadline = time.monotonic() + time_limit
    bound, y = lp_bound(problem, free, slots, sum(cap))
    st = State(problem, free, slots, cap)
    order = sorted((r for r in free if slots[r.id]), key=lambda r: (-round(y.get(r.id, 0.0), 3), -r.weight, r.id))
    left = [r for r in order if not _insert(st, r)]
    # A fixed number of rounds, not a clock: the weight placed must not depend on how busy the machine is.
    for _ in range(DISPLACE_ROUNDS):
        if not left:
            break
        again: list[Request] = []
        for r in sorted(left, key=lambda q: -q.weight):
            if r.id in st.at or _insert(st, r):
                continue
            out = _displace(st, r)
            if out:
                again.extend(st.req[q] for q in out)
            else:
                again.append(r)
        left = [r for r in again if r.id not in st.at and not _insert(st, r)]
    _close_gaps(st, deadline)
    return sorted(st.at.items()), bound
