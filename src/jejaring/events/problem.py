"""The meeting-scheduling problem as plain data, with its constraint checker, metrics and table seating.

No database here: the service turns an event into a ``Problem``; ``scheduler`` and ``greedy`` turn a
``Problem`` into placements; ``check`` says which constraints (if any) a schedule breaks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(frozen=True)
class Request:
    """An accepted meeting request between participants ``a`` and ``b`` worth ``weight`` (priority × score)."""

    id: int
    a: int
    b: int
    weight: int = 1
    online: bool = False


@dataclass(frozen=True)
class Placement:
    """A meeting: request ``request_id`` in global slot ``slot`` at ``table`` (None for online meetings)."""

    request_id: int
    slot: int
    table: int | None


@dataclass
class Problem:
    """One event: ``days`` × ``slots_per_day`` slots (slot = day × slots_per_day + position), tables 1..``tables``.

    ``unavailable`` lists the slots each participant cannot meet in; ``booths`` gives hosted buyers their fixed
    table; ``fixed`` are published meetings that must stay where they are.
    """

    days: int
    slots_per_day: int
    tables: int
    requests: list[Request]
    unavailable: dict[int, frozenset[int]] = field(default_factory=dict)
    booths: dict[int, int] = field(default_factory=dict)
    fixed: list[Placement] = field(default_factory=list)

    @property
    def n_slots(self) -> int:
        """Number of slots over all days."""
        return self.days * self.slots_per_day

    def booth_of(self, r: Request) -> int | None:
        """The booth an in-person meeting must take place at (the hosted buyer's), or None for a pool table."""
        if r.online:
            return None
        return self.booths.get(r.a, self.booths.get(r.b))

    def pool_tables(self) -> list[int]:
        """Tables that are nobody's booth, in order."""
        booths = set(self.booths.values())
        return [t for t in range(1, self.tables + 1) if t not in booths]

    def by_id(self) -> dict[int, Request]:
        """Requests keyed by id."""
        return {r.id: r for r in self.requests}


def check(problem: Problem, placements: Iterable[Placement]) -> list[str]:
    """Every constraint the schedule breaks, as readable strings (empty list: the schedule is valid)."""
    errors: list[str] = []
    requests = problem.by_id()
    booth_tables = set(problem.booths.values())
    seen: set[int] = set()
    busy: set[tuple[int, int]] = set()
    used_tables: set[tuple[int, int]] = set()
    placed = list(placements)
    for p in placed:
        r = requests.get(p.request_id)
        if r is None:
            errors.append(f"unknown request {p.request_id}")
            continue
        if p.request_id in seen:
            errors.append(f"request {r.id} placed twice")
        seen.add(p.request_id)
        if not 0 <= p.slot < problem.n_slots:
            errors.append(f"request {r.id} in slot {p.slot} outside the event")
        for who in (r.a, r.b):
            if p.slot in problem.unavailable.get(who, frozenset()):
                errors.append(f"participant {who} unavailable in slot {p.slot} (request {r.id})")
            if (who, p.slot) in busy:
                errors.append(f"participant {who} has two meetings in slot {p.slot}")
            busy.add((who, p.slot))
        if r.online:
            if p.table is not None:
                errors.append(f"online request {r.id} given table {p.table}")
            continue
        if p.table is None or not 1 <= p.table <= problem.tables:
            errors.append(f"request {r.id} has no valid table ({p.table})")
            continue
        if (p.table, p.slot) in used_tables:
            errors.append(f"table {p.table} used twice in slot {p.slot}")
        used_tables.add((p.table, p.slot))
        booth = problem.booth_of(r)
        if booth is not None and p.table != booth:
            errors.append(f"request {r.id} of a hosted buyer not at booth {booth}")
        if booth is None and p.table in booth_tables:
            errors.append(f"request {r.id} at another firm's booth {p.table}")
    placed_set = set(placed)
    for f in problem.fixed:
        if f not in placed_set:
            errors.append(f"published meeting {f.request_id} moved or dropped")
    return errors


def weight(problem: Problem, placements: Iterable[Placement]) -> int:
    """Total weight of the placed meetings."""
    requests = problem.by_id()
    return sum(requests[p.request_id].weight for p in placements)


def _days_of(problem: Problem, placements: Iterable[Placement]) -> dict[tuple[int, int], list[Placement]]:
    requests = problem.by_id()
    days: dict[tuple[int, int], list[Placement]] = defaultdict(list)
    for p in placements:
        r = requests[p.request_id]
        for who in (r.a, r.b):
            days[(who, p.slot // problem.slots_per_day)].append(p)
    for meetings in days.values():
        meetings.sort(key=lambda m: m.slot)
    return days


def idle_gaps(problem: Problem, placements: Iterable[Placement]) -> int:
    """Idle gaps: runs of free slots between two meetings of the same participant on the same day."""
    return sum(sum(1 for x, y in pairwise(ms) if y.slot - x.slot > 1) for ms in _days_of(problem, placements).values())


def idle_slots(problem: Problem, placements: Iterable[Placement]) -> int:
    """Free slots that lie between a participant's first and last meeting of a day."""
    return sum(sum(y.slot - x.slot - 1 for x, y in pairwise(ms)) for ms in _days_of(problem, placements).values())


def table_changes(problem: Problem, placements: Iterable[Placement]) -> int:
    """Times a participant moves to another table between consecutive in-person meetings of a day."""
    total = 0
    for ms in _days_of(problem, placements).values():
        tables = [m.table for m in ms if m.table is not None]
        total += sum(1 for x, y in pairwise(tables) if x != y)
    return total


def seat(problem: Problem, chosen: Iterable[tuple[int, int]]) -> list[Placement]:
    """Give tables to ``(request_id, slot)`` pairs: booths for hosted buyers, else the table a participant sat at
    last if free (fewer table changes), else the lowest free pool table. Fixed meetings keep theirs."""
    requests = problem.by_id()
    pool = problem.pool_tables()
    taken: dict[int, set[int]] = defaultdict(set)
    last_table: dict[int, int] = {}
    out: list[Placement] = []
    for f in problem.fixed:
        if f.table is not None:
            taken[f.slot].add(f.table)
    fixed_by_slot: dict[int, list[Placement]] = defaultdict(list)
    for f in problem.fixed:
        fixed_by_slot[f.slot].append(f)
    by_slot: dict[int, list[int]] = defaultdict(list)
    for rid, s in chosen:
        by_slot[s].append(rid)
    for s in sorted(set(by_slot) | set(fixed_by_slot)):
        if s % problem.slots_per_day == 0:
            last_table.clear()
        for f in fixed_by_slot.get(s, []):
            r = requests[f.request_id]
            if f.table is not None:
                last_table[r.a] = last_table[r.b] = f.table
        for rid in sorted(by_slot.get(s, [])):
            r = requests[rid]
            table = problem.booth_of(r)
            if not r.online and table is None:
                free = [t for t in (last_table.get(r.a), last_table.get(r.b)) if t in pool and t not in taken[s]]
                table = free[0] if free else next(t for t in pool if t not in taken[s])
            if table is not None:
                taken[s].add(table)
                last_table[r.a] = last_table[r.b] = table
            out.append(Placement(rid, s, table))
    return out
