"""Where a partner search spends its time: the query thread's CPU time per stage, per query.

    .venv/bin/python benchmarks/match_profile.py --firms 1000000 --workdir DIR [--reuse] [--queries 200]

Uses the index and the needs of ``match_bench.py`` (the same generated firms; the needs written as sentences,
so the need reader runs). Each stage is timed by wrapping the function that does it with ``time.thread_time``
(the wrappers add about a microsecond a call); the stages nest, so the parent's figure is shown without its
children ("own"). Prints p50 / p95 / mean of each stage's CPU milliseconds per query, the whole query's CPU and
wall p50 / p95, the load average and the peak memory.
"""

from __future__ import annotations

import argparse
import inspect
import os
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import match_bench

from jejaring.matching import consortium, search, tantivy_index
from jejaring.matching import vectors as vectors_mod
from jejaring.matching.embedding import _embed_one

pct = match_bench.pct

_spent: dict[str, float] = defaultdict(float)
_stack: list[list[float]] = []  # per open stage: CPU spent by its children


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _stack.append([0.0])
        t0 = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            took = time.thread_time() - t0
            children = _stack.pop()[0]
            _spent[name] += took - children
            if _stack:
                _stack[-1][0] += took

    return wrapper


class _InlinePool:
    """Runs the text channel in the calling thread, so that every stage is timed on one thread."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        done: Future[Any] = Future()
        done.set_result(fn(*args))
        return done


def instrument() -> list[str]:
    """Wrap each stage's function; the names in pipeline order. The text channel, which a search runs on a
    second thread, runs in the query thread here (the figures are CPU per stage, not the overlapped wall time)."""
    tantivy_index._TEXT_POOL = _InlinePool()  # type: ignore[assignment]
    T = tantivy_index.TantivySearchIndex
    V = vectors_mod.VectorStore
    stages: list[tuple[str, Any, str]] = [
        ("read the sentence", search, "read"),
        ("build the request", search, "build_request"),
        ("embed the query", search, "embed_query"),
        ("retrieval: other (fast fields, documents)", T, "query"),
        ("retrieval: tantivy searches + exact checks", T, "_run"),
        ("retrieval: vector product (neighbours)", V, "nearest"),
        ("retrieval: semantic channel (column store)", T, "_semantic"),
        ("retrieval: firm addresses", T, "_addresses"),
        ("retrieval: shortlist (fast fields, documents)", tantivy_index, "shortlist"),
        ("retrieval: stored documents", tantivy_index, "stored"),
        ("retrieval: candidate similarities", V, "similarity"),
        ("scoring (rank)", search, "rank"),
        ("consortium", consortium, "propose"),
    ]
    stages = [st for st in stages if hasattr(st[1], st[2])]
    for name, owner, attr in stages:
        wrapped = _timed(name, getattr(owner, attr))
        is_static = isinstance(inspect.getattr_static(owner, attr), staticmethod)
        setattr(owner, attr, staticmethod(wrapped) if is_static else wrapped)
    names = [n for n, _, _ in stages]
    return [*names, "explanations (20 shown)"]


def main() -> None:
    """Build or reuse the index, run the sentence needs, print the stage table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--firms", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--structured", action="store_true", help="the structured needs instead of sentences")
    args = ap.parse_args()
    index = tantivy_index.TantivySearchIndex(args.workdir / "index")
    if not (args.reuse and index.exists() and index.stats()["documents"] == args.firms):
        started = time.perf_counter()
        index.build(match_bench.generate(args.firms), total=args.firms)
        print(f"built {args.firms:,} firms in {time.perf_counter() - started:.1f} s")
    queries = match_bench._queries(args.queries)
    batch = queries if args.structured else match_bench._sentences(queries)
    for q in batch[:10]:
        search.run_query(index, q)
    names = instrument()
    per_query: dict[str, list[float]] = {n: [] for n in names}
    total_cpu, total_wall = [], []
    for q in batch:
        _spent.clear()
        _embed_one.cache_clear()
        t0, c0 = time.perf_counter(), time.thread_time()
        out = search.run_query(index, q)
        c1 = time.thread_time()
        _ = [r.why for r in out.ranked]
        c2 = time.thread_time()
        total_wall.append((time.perf_counter() - t0) * 1000)
        total_cpu.append((c2 - c0) * 1000)
        _spent["explanations (20 shown)"] = c2 - c1
        for n in names:
            per_query[n].append(_spent.get(n, 0.0) * 1000)
    print(
        f"firms {args.firms:,}, {len(batch)} {'structured' if args.structured else 'sentence'} needs; "
        f"load average {os.getloadavg()}"
    )
    print(f"{'stage (own CPU ms per query)':<48} {'p50':>7} {'p95':>7} {'mean':>7} {'share':>6}")
    mean_total = statistics.fmean(total_cpu)
    for n in names:
        v = per_query[n]
        print(
            f"{n:<48} {pct(v, 0.5):7.3f} {pct(v, 0.95):7.3f} {statistics.fmean(v):7.3f} "
            f"{100 * statistics.fmean(v) / mean_total:5.1f}%"
        )
    accounted = sum(statistics.fmean(per_query[n]) for n in names)
    print(f"{'not in a stage (run_query glue)':<48} {'':>7} {'':>7} {mean_total - accounted:7.3f}")
    print(
        f"whole query CPU p50 {pct(total_cpu, 0.5):.2f} / p95 {pct(total_cpu, 0.95):.2f} / "
        f"p99 {pct(total_cpu, 0.99):.2f} ms; wall p50 {pct(total_wall, 0.5):.2f} / p95 {pct(total_wall, 0.95):.2f} ms; "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; "
        f"load average {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
