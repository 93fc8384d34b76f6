"""Markets benchmark: synthetic world, BACI import, indicators and one-firm recommendations, timed.

    .venv/bin/python benchmarks/markets_bench.py                        # 80 countries × 800 HS6 × 5 years
    .venv/bin/python benchmarks/markets_bench.py --countries 230 --products 5000 --baci-rows 10000000
                                                                         # the target scale (~12 GB of memory)

Steps, each timed in wall-clock seconds and in CPU seconds of this process (all threads; less sensitive
to other users of a shared machine), with the load average before and after:
(1) generate the synthetic world (gravity model, ``synth.py``);
(2) write it, or its first ``--baci-rows`` rows, as a BACI CSV and import it with ``baci.load`` (the same
    check-then-load path as ``jejaring markets load-baci``); the figure is measured on that file, not
    extrapolated;
(3) ``indicators.refresh`` (aggregations on DuckDB, complexity in NumPy), with the complexity part separately;
(4) with ``--ecomplexity``, the same RCA/PCI/density/COG computed by the Growth Lab's ``ecomplexity``
    package on the last year, for comparison;
(5) recommendations for ``--firms`` random firm profiles (1–3 HS6 codes each, random certificates),
    p50/p95 in milliseconds.
``--workdir DIR`` keeps the generated files (never inside the repository: they are gigabytes);
``--reuse`` then skips steps 1–2 when ``DIR`` already holds a trade table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from jejaring.markets import baci, indicators, recommend, store, synth

TARGET_BACI_ROWS = 10_000_000


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def timed(label: str, fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn``; print its wall and CPU seconds with the load average before and after."""
    before = _load()
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  [{label}] wall {wall:.1f} s, CPU {cpu:.1f} s; load average {before} → {_load()}", flush=True)
    return out, wall


def _ecomplexity(d: Path) -> None:
    import pandas as pd
    from ecomplexity import ecomplexity

    last = pl.read_parquet(store.trade_path(d), columns=["year"])["year"].max()
    flows = (
        pl.scan_parquet(store.trade_path(d))
        .filter(pl.col("year") == last)
        .group_by("year", "exporter", "hs6")
        .agg(pl.col("value").sum())
        .collect()
    )
    frame = pd.DataFrame(flows.to_dict(as_series=False))
    ecomplexity(frame, {"time": "year", "loc": "exporter", "prod": "hs6", "val": "value"})


def _recommendations(d: Path, firms: int, seed: int) -> list[float]:
    products = store.table("products", d)["hs6"].to_list()
    rng = np.random.default_rng(seed)
    certs = ["HALAL", "SVLK", "HACCP", "ISO_22000"]
    times = []
    for i in range(firms + 5):
        hs = rng.choice(products, size=int(rng.integers(1, 4)), replace=False)
        profile = recommend.Profile(
            "firm",
            f"F{i}",
            "bench",
            {h: {"weight": 1.0, "source": "declared", "confidence": 1.0} for h in hs},
            set(rng.choice(certs, size=int(rng.integers(0, 3)), replace=False)),
        )
        t = time.perf_counter()
        recommend.recommend(profile, data_dir=d)
        if i >= 5:
            times.append((time.perf_counter() - t) * 1000)
    return sorted(times)


def run(args: argparse.Namespace, d: Path) -> None:
    """All steps in data folder ``d``."""
    print(f"scale: {args.countries} countries (+ planted) × {args.products} HS6 × 5 years; {os.cpu_count()} cores")
    if not (args.reuse and store.trade_path(d).exists()):
        spec = synth.WorldSpec(countries=args.countries, products=args.products, seed=args.seed)
        flows, t_synth = timed("synthetic world", lambda: synth.generate(spec))
        print(f"synthetic world: {flows.height:,} flows in {t_synth:.1f} s")
        store.trade_path(d).parent.mkdir(parents=True, exist_ok=True)
        if args.skip_baci:
            flows.write_parquet(store.trade_path(d), compression=store.TRADE_COMPRESSION)
        else:
            csv_path = d / "baci.csv"
            part = flows.head(args.baci_rows) if args.baci_rows else flows
            baci.write_csv(part, csv_path)
            rest = flows.slice(part.height) if args.baci_rows else None
            del flows, part
            report, t_load = timed("BACI import", lambda: baci.load(csv_path, data_dir=d))
            assert report["loaded"], report
            rows = report["rows_loaded"]
            size = csv_path.stat().st_size / 1e6
            print(f"BACI import: {rows:,} rows ({size:,.0f} MB CSV) in {t_load:.1f} s = {rows / t_load:,.0f} rows/s")
            if rest is not None and rest.height:  # the rest of the world, for the indicators
                trade = store.trade_path(d)
                pl.concat([pl.read_parquet(trade), rest]).write_parquet(trade, compression=store.TRADE_COMPRESSION)
            csv_path.unlink()
        store.write_json(store.trade_path(d).with_suffix(".json"), {"source": "synthetic", "synthetic": True})
    summary, t_ind = timed("indicators", lambda: indicators.refresh(d))
    markets_rows = pl.read_parquet(store.indicators_dir(d) / "markets.parquet", columns=["hs6"]).height
    print(
        f"indicators: {t_ind:.1f} s for {summary['flows']:,} flows ({summary['exporters']} exporters × "
        f"{summary['products']} products × {len(summary['years'])} years, {markets_rows:,} market × product rows; "
        f"complexity {summary['seconds_complexity']} s)"
    )
    if args.ecomplexity:
        _, t_eco = timed("ecomplexity", lambda: _ecomplexity(d))
        print(f"ecomplexity package on the last year: {t_eco:.1f} s (our complexity step above does the same)")
    times = _recommendations(d, args.firms, args.seed)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"recommendation per firm: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({args.firms} firms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--countries", type=int, default=80)
    parser.add_argument("--products", type=int, default=800)
    parser.add_argument("--firms", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--skip-baci", action="store_true", help="Write the world as parquet; do not time the import.")
    parser.add_argument("--baci-rows", type=int, default=0, help="Import only the first N rows as the BACI file.")
    parser.add_argument("--ecomplexity", action="store_true", help="Also time the ecomplexity package.")
    parser.add_argument("--workdir", type=Path, help="Keep the files here (outside the repository).")
    parser.add_argument("--reuse", action="store_true", help="Reuse the trade table in --workdir.")
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="markets-bench-") as tmp:
            run(args, Path(tmp))


if __name__ == "__main__":
    main()
