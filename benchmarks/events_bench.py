"""Meeting-scheduler benchmark: a generated temu bisnis, the CP-SAT scheduler against the greedy first-come
baseline, side by side.

    .venv/bin/python benchmarks/events_bench.py                      # the issue's scale: 1,500 / 6,000 / 2×16 / 150
    .venv/bin/python benchmarks/events_bench.py --participants 300 --requests 1200 --tables 30 --seconds 20

The event (seeded): ``--hosted`` hosted buyers have fixed booths (tables 1..hosted) and attract a third of the
requests; the rest meet at pool tables; 10 % of requests are online (no table); every participant is away for
a random half-day with probability 0.3 and a slot in the middle of each day is the lunch break. Weights are
priority (1–3) × match score (1–100). The target: weight placed ≥ 99 % of the proven bound within the time
limit, with at most ``--workers`` CP-SAT workers (2 on the shared machine).
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from jejaring.events.greedy import greedy
from jejaring.events.problem import Problem, Request, check, idle_gaps, idle_slots, table_changes, weight
from jejaring.events.scheduler import schedule


def generate(participants: int, requests: int, days: int, slots: int, tables: int, hosted: int, seed: int) -> Problem:
    """A seeded event: hosted buyers with booths, popular firms, half-day absences, a lunch break."""
    rng = random.Random(seed)
    people = list(range(1, participants + 1))
    buyers = people[:hosted]
    others = people[hosted:]
    popularity = [rng.paretovariate(2.0) for _ in others]
    pairs: set[tuple[int, int]] = set()
    out: list[Request] = []
    while len(out) < requests:
        from_buyer = buyers and rng.random() < 1 / 3
        a = rng.choice(buyers) if from_buyer else rng.choices(others, weights=popularity)[0]
        b = rng.choices(others, weights=popularity)[0]
        key = (min(a, b), max(a, b))
        if a == b or key in pairs:
            continue
        pairs.add(key)
        w = rng.randint(1, 3) * rng.randint(1, 100)
        out.append(Request(len(out) + 1, a, b, w, online=rng.random() < 0.1))
    lunch = {d * slots + slots // 2 for d in range(days)}
    off: dict[int, frozenset[int]] = {}
    for p in people:
        away = set(lunch)
        if rng.random() < 0.3:
            d, half = rng.randrange(days), rng.randrange(2)
            start = d * slots + half * (slots // 2)
            away |= set(range(start, start + slots // 2))
        off[p] = frozenset(away)
    return Problem(
        days=days,
        slots_per_day=slots,
        tables=tables,
        requests=out,
        unavailable=off,
        booths={b: i + 1 for i, b in enumerate(buyers)},
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the comparison."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--participants", type=int, default=1500)
    ap.add_argument("--requests", type=int, default=6000)
    ap.add_argument("--days", type=int, default=2)
    ap.add_argument("--slots", type=int, default=16)
    ap.add_argument("--tables", type=int, default=150)
    ap.add_argument("--hosted", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    problem = generate(args.participants, args.requests, args.days, args.slots, args.tables, args.hosted, args.seed)
    t0 = time.monotonic()
    base = greedy(problem)
    greedy_s = time.monotonic() - t0
    result = schedule(problem, time_limit=args.seconds, workers=args.workers, seed=args.seed)
    for name, placements in (("greedy", base), ("scheduler", result.placements)):
        errors = check(problem, placements)
        if errors:
            sys.stdout.write(f"{name} schedule INVALID: {errors[:3]}\n")
            return 1
    total = sum(r.weight for r in problem.requests)
    reached = "reached: weight proven optimal" if result.weight_optimal else "not reached"
    rows = [
        ("meetings placed", len(base), len(result.placements)),
        ("weight placed", weight(problem, base), result.weight),
        ("share of proven bound", f"{weight(problem, base) / result.bound:.2%}", f"{result.ratio:.2%}"),
        ("idle gaps", idle_gaps(problem, base), result.gaps),
        ("idle slots", idle_slots(problem, base), idle_slots(problem, result.placements)),
        ("table changes", table_changes(problem, base), result.table_changes),
        ("seconds", f"{greedy_s:.2f}", f"{result.seconds:.1f}"),
    ]
    sys.stdout.write(
        f"event: {args.participants} participants, {len(problem.requests)} accepted requests (weight {total}), "
        f"{args.days}×{args.slots} slots, {args.tables} tables ({args.hosted} booths), "
        f"{args.workers} CP-SAT workers, limit {args.seconds:.0f} s\n"
        f"proven bound on weight: {result.bound} ({reached})\n"
    )
    sys.stdout.write(f"{'':24}{'greedy':>14}{'scheduler':>14}\n")
    for label, g, c in rows:
        sys.stdout.write(f"{label:24}{g!s:>14}{c!s:>14}\n")
    ok = result.ratio >= 0.99 and result.seconds <= args.seconds + 5
    sys.stdout.write(f"target (≥ 99 % of bound within {args.seconds:.0f} s): {'met' if ok else 'NOT met'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
