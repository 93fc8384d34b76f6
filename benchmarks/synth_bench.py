"""Time and peak memory of `jejaring synth`: `.venv/bin/python benchmarks/synth_bench.py --scale 1`."""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from jejaring.synth import service


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=None, help="keep the output here (default: a temp dir)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="synth_bench_"))
    t0 = time.monotonic()
    summary = service.generate(scale=args.scale, seed=args.seed, out=out)
    elapsed = time.monotonic() - t0
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    own, children = me.ru_maxrss / 1024, kids.ru_maxrss / 1024
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6
    print(f"scale={args.scale} seed={args.seed} ikm_units={summary.ikm_units:,} rows={summary.rows:,}")
    print(f"elapsed_seconds={elapsed:.1f} cpu_seconds={cpu:.1f}")
    print(f"peak_rss_main_mb={own:.0f} peak_rss_worker_mb={children:.0f} (2 workers run at once)")
    print(f"peak_memory_bound_mb={own + 2 * children:.0f} (main + 2 x largest worker)")
    print(f"output_mb={size:.0f} files={len(summary.files)}")
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
