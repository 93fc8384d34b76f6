"""Gap-finder quality and speed on the synthetic nation's planted gaps, through the real demo load.

    .venv/bin/python benchmarks/ecosystem_bench.py --scale 0.002 [--work DIR]

Loads a synthetic nation the way `make run` does (synth → intake → resolution → linkages and partnership
history → derived links) into a fresh SQLite database, runs the gap finder, and compares its gaps with
``ground_truth/ecosystem_gaps.csv``: for each planted kind, precision and recall over the labelled places
(planted gaps and their controls). Prints the figures, the seconds to load the network and find every gap,
and the p95 of an ecosystem page's gaps from the in-memory rollup; exits non-zero when precision or recall
is below 0.9. With ``--work DIR`` the database is kept, and a second run skips the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.9


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.002)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="eco-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "ecosystem.db"
    os.environ["JEJARING_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["JEJARING_DATA_DIR"] = str(work / "var")
    from jejaring.core import migrate
    from jejaring.core.config import get_settings
    from jejaring.core.db import build_engine, session_scope
    from jejaring.ecosystem import evaluation, gaps, network, reports
    from jejaring.reference import service as reference_service
    from jejaring.synth import flows

    settings = get_settings()
    engine = build_engine(settings.database_url)
    t0 = time.perf_counter()
    if not db.exists() or not (work / "var" / "demo-synth" / "MANIFEST.json").exists():
        migrate.upgrade(settings.database_url)
        with session_scope(engine) as s:
            reference_service.load_reference(s)
        flows.load_synthetic_demo(engine, settings, scale=args.scale, report=lambda m: None)
        print(f"loaded the synthetic nation at scale {args.scale} in {time.perf_counter() - t0:.0f} s")
    out = work / "var" / "demo-synth"
    with session_scope(engine) as s:
        t1 = time.perf_counter()
        net = network.load(s)
        t2 = time.perf_counter()
        found = gaps.find(net)
        t3 = time.perf_counter()
        scores = evaluation.evaluate(s, out, found)
        timings = []
        provinces = sorted({g.province_code for g in found})
        reports.gaps_for(s, reports.Place())
        for code in provinces * 3:
            a = time.perf_counter()
            reports.gaps_for(s, reports.Place(province=code))
            timings.append((time.perf_counter() - a) * 1000)
    ok = True
    print(f"links {len(net.links):,}, firms {len(net.firms):,}, sentra {len(net.sentra):,}, gaps {len(found):,}")
    for kind, sc in sorted(scores.items()):
        ok &= sc.precision >= TARGET and sc.recall >= TARGET
        print(
            f"{kind:24} planted {sc.tp + sc.fn:3}  controls {sc.fp + sc.tn:3}  "
            f"precision {sc.precision:.2f}  recall {sc.recall:.2f}"
        )
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else (timings[0] if timings else 0.0)
    print(f"load network {t2 - t1:.2f} s, find all gaps {t3 - t2:.2f} s, page gaps p95 {p95:.1f} ms (from the rollup)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
