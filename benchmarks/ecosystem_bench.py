"""Gap-finder quality and speed on the synthetic nation's planted gaps, through the real demo load.

    .venv/bin/python benchmarks/ecosystem_bench.py --scale 0.002 [--work DIR]

Loads a synthetic nation the way `make run` does (synth → intake → resolution → linkages and partnership
history → derived links) into a fresh SQLite database, runs the gap finder, and compares its gaps with
``ground_truth/ecosystem_gaps.csv``: for each planted kind, precision and recall over the labelled places
(planted gaps and their controls). Prints the figures; the seconds to load the columns and find every gap
with the vectorised finder (``rollup.py``) and, in the same run, with the dict path it replaced
(``network.load`` + ``gaps.find``), their ratio and whether both give the same gaps; and the p95 of a page's
gap table read from the stored rollup. Exits non-zero when precision or recall is below 0.9 or the two
paths differ. With ``--work DIR`` the database is kept, and a second run skips the load. ``--seed 4242`` is
the held-out nation: no threshold or planting rule was tuned on it.

    .venv/bin/python benchmarks/ecosystem_bench.py --memory-firms 4400000 [--old-max 440000]

times the vectorised finder on a random network of N IKM built straight as columns (national size without a
national database), the dict path on min(N, old-max) IKM with the vectorised one on the same network, and
page reads from a stored rollup of the N-IKM gaps.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET = 0.9


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.002)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=2026, help="2026 = the demo's (tuning); 4242 is held out")
    parser.add_argument(
        "--memory-firms", type=int, default=0, help="only time the gap finder on a random in-memory network of N IKM"
    )
    parser.add_argument("--old-max", type=int, default=440_000, help="largest network the dict path is timed on")
    args = parser.parse_args()
    if args.memory_firms:
        return _memory(args.memory_firms, args.old_max)
    work = args.work or Path(tempfile.mkdtemp(prefix="eco-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "ecosystem.db"
    os.environ["JEJARING_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["JEJARING_DATA_DIR"] = str(work / "var")
    from jejaring.core import migrate
    from jejaring.core.config import get_settings
    from jejaring.core.db import build_engine, session_scope
    from jejaring.ecosystem import arrays, evaluation, gaps, network, rollup, stored
    from jejaring.reference import service as reference_service
    from jejaring.synth import flows

    settings = get_settings()
    engine = build_engine(settings.database_url)
    t0 = time.perf_counter()
    if not db.exists() or not (work / "var" / "demo-synth" / "MANIFEST.json").exists():
        migrate.upgrade(settings.database_url)
        with session_scope(engine) as s:
            reference_service.load_reference(s)
        flows.load_synthetic_demo(engine, settings, scale=args.scale, seed=args.seed, report=lambda m: None)
        print(f"loaded the synthetic nation at scale {args.scale} in {time.perf_counter() - t0:.0f} s")
    out = work / "var" / "demo-synth"
    with session_scope(engine) as s:
        t1, c1 = time.perf_counter(), time.process_time()
        a = arrays.load(s)
        t2, c2 = time.perf_counter(), time.process_time()
        found = rollup.find(a)
        t3, c3 = time.perf_counter(), time.process_time()
        net = network.load(s)
        t4, c4 = time.perf_counter(), time.process_time()
        old = gaps.find(net)
        t5, c5 = time.perf_counter(), time.process_time()
        scores = evaluation.evaluate(s, out, found)
        same = _same(found, old)
        current = stored.state(s)
        t6 = time.perf_counter()
        stored.store(s, found, current, t3 - t2)
        t7 = time.perf_counter()
        pages = _pages(s, found)
        states, states_cpu = [], []
        for _ in range(20):
            a0, b0 = time.perf_counter(), time.process_time()
            stored.is_fresh(s, stored.state(s))
            states.append((time.perf_counter() - a0) * 1000)
            states_cpu.append((time.process_time() - b0) * 1000)
    ok = same
    print(f"links {len(a.links):,}, firms {len(a.firms):,}, sentra {len(a.sentra):,}, gaps {len(found):,}")
    for kind, sc in sorted(scores.items()):
        ok &= sc.precision >= TARGET and sc.recall >= TARGET
        print(
            f"{kind:24} planted {sc.tp + sc.fn:3}  controls {sc.fp + sc.tn:3}  "
            f"precision {sc.precision:.2f}  recall {sc.recall:.2f}"
        )
    vec, ref = t3 - t2, t5 - t4
    print(
        f"vectorised: load columns {t2 - t1:.2f} s ({c2 - c1:.2f} s CPU), "
        f"find all gaps {vec:.2f} s ({c3 - c2:.2f} s CPU)"
    )
    print(
        f"dict path (before): load network {t4 - t3:.2f} s ({c4 - c3:.2f} s CPU), find all gaps {ref:.2f} s "
        f"({c5 - c4:.2f} s CPU); ratio {ref / vec:.1f}x wall, {(c5 - c4) / (c3 - c2):.1f}x CPU"
    )
    print(f"same gaps from both: {same}; store the rollup {t7 - t6:.2f} s")
    print(
        f"pages from the stored rollup: {pages}; "
        f"freshness check p95 {_p95(states):.1f} ms ({_p95(states_cpu):.1f} ms CPU)"
    )
    return 0 if ok else 1


def _same(found: list[Any], old: list[Any]) -> bool:
    def key(g: Any) -> tuple[str, str, str, float, str]:
        return (g.kind.value, g.place, g.reason("en"), round(g.score, 4), str(sorted(g.search.items())))

    return sorted(map(key, found)) == sorted(map(key, old))


def _p95(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=20)[18] if len(ms) >= 2 else (ms[0] if ms else 0.0)


def _pages(session: Any, found: list[Any]) -> str:
    """p95 (ms) of a page's gap table (the first 50 and the count) from the stored rollup, per place kind."""
    from jejaring.ecosystem import reports, stored

    rng = random.Random(3)
    regencies = sorted({g.regency_code for g in found})
    sentra = [g for g in found if g.place_kind.value == "sentra"]
    places = {
        "nation": [reports.Place()] * 5,
        "province": [reports.Place(p) for p in sorted({g.province_code for g in found})],
        "regency": [reports.Place(r[:2], r) for r in rng.sample(regencies, min(60, len(regencies)))],
        "sentra": [
            reports.Place(g.province_code, g.regency_code, g.place) for g in rng.sample(sentra, min(60, len(sentra)))
        ],
    }
    out = []
    for name, chosen in places.items():
        ms, cpu = [], []
        for p in chosen * 2:
            t, c = time.perf_counter(), time.process_time()
            args = {"province": p.province, "regency": p.regency, "sentra": p.sentra}
            stored.read(session, **args, limit=50)
            stored.count(session, **args)
            ms.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        out.append(f"{name} p95 {_p95(ms):.1f} ms ({_p95(cpu):.1f} ms CPU)")
    return ", ".join(out)


def _memory(n: int, old_max: int) -> int:
    """Time the vectorised finder on a random network of ``n`` IKM, the dict path at min(n, old_max) (and the
    vectorised one at that size for the ratio), and page reads from a stored rollup of the ``n``-IKM gaps."""
    import tempfile

    from jejaring.core import migrate
    from jejaring.core.db import build_engine, session_scope
    from jejaring.ecosystem import gaps, randomnet, rollup, stored

    t = time.perf_counter()
    a, roles = randomnet.random_arrays(n)
    print(
        f"random network: {n:,} IKM, {len(a.firms) - n:,} partners, {len(a.links):,} links, "
        f"{len(a.sentra):,} sentra (made in {time.perf_counter() - t:.1f} s)"
    )
    t, c = time.perf_counter(), time.process_time()
    found = rollup.find(a)
    print(
        f"vectorised, {n:,} IKM: find all gaps {time.perf_counter() - t:.1f} s wall, "
        f"{time.process_time() - c:.1f} s CPU ({len(found):,} gaps)"
    )
    m = min(n, old_max)
    small = (a, roles) if m == n else randomnet.random_arrays(m)
    t, c = time.perf_counter(), time.process_time()
    vec = rollup.find(small[0])
    tv, cv = time.perf_counter() - t, time.process_time() - c
    net = randomnet.to_network(*small)
    t, c = time.perf_counter(), time.process_time()
    ref = gaps.find(net)
    tr, cr = time.perf_counter() - t, time.process_time() - c
    print(
        f"at {m:,} IKM: vectorised {tv:.1f} s ({cv:.1f} s CPU), dict path (before) {tr:.1f} s ({cr:.1f} s CPU); "
        f"ratio {tr / tv:.1f}x wall, {cr / cv:.1f}x CPU; same gaps: {_same(vec, ref)}"
    )
    work = Path(tempfile.mkdtemp(prefix="eco-rollup-"))
    url = f"sqlite:///{work / 'rollup.db'}"
    migrate.upgrade(url)
    engine = build_engine(url)
    with session_scope(engine) as s:
        t = time.perf_counter()
        stored.store(s, found, "bench", 0.0)
        print(f"stored rollup of {len(found):,} gaps written in {time.perf_counter() - t:.1f} s")
    with session_scope(engine) as s:
        print(f"pages from the stored rollup: {_pages(s, found)} (the data state check is not included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
