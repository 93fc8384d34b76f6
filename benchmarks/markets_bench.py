"""Markets benchmark: synthetic world, BACI import, indicators and one-firm recommendations, timed.

    .venv/bin/python benchmarks/markets_bench.py                                   # 80 countries × 800 HS6 × 5 years
    .venv/bin/python benchmarks/markets_bench.py --countries 230 --products 5613   # the target scale (needs ~16 GB)

Steps, each timed: (1) generate the synthetic world (gravity model, ``synth.py``); (2) write it as a BACI
CSV and import it with ``baci.load`` (the same check-then-load path as ``jejaring markets load-baci``),
printing rows per second and the time extrapolated to a 10 M-row BACI year; (3) ``indicators.refresh``
(aggregations on DuckDB, complexity in NumPy), with the complexity part separately; (4) recommendations
for --firms random firm profiles (1–3 HS6 codes each, random certificates), p50/p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from jejaring.markets import baci, indicators, recommend, store, synth

TARGET_BACI_ROWS = 10_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--countries", type=int, default=80)
    parser.add_argument("--products", type=int, default=800)
    parser.add_argument("--firms", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--skip-baci", action="store_true", help="Write the world as parquet; do not time the import.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="markets-bench-") as tmp:
        d = Path(tmp)
        t = time.perf_counter()
        flows = synth.generate(synth.WorldSpec(countries=args.countries, products=args.products, seed=args.seed))
        t_synth = time.perf_counter() - t
        rows = flows.height
        t_load = 0.0
        if args.skip_baci:
            store.trade_path(d).parent.mkdir(parents=True, exist_ok=True)
            flows.write_parquet(store.trade_path(d))
        else:
            csv_path = d / "baci.csv"
            baci.write_csv(flows, csv_path)
            t = time.perf_counter()
            report = baci.load(csv_path, data_dir=d)
            t_load = time.perf_counter() - t
            assert report["loaded"], report
        del flows
        store.write_json(store.trade_path(d).with_suffix(".json"), {"source": "synthetic", "synthetic": True})
        t = time.perf_counter()
        summary = indicators.refresh(d)
        t_ind = time.perf_counter() - t
        products = store.table("products", d)["hs6"].to_list()
        rng = np.random.default_rng(args.seed)
        certs = ["HALAL", "SVLK", "HACCP", "ISO_22000"]
        times = []
        for i in range(args.firms + 5):
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
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        markets_rows = pl.read_parquet(store.indicators_dir(d) / "markets.parquet").height
        print(f"scale: {args.countries} countries (+ planted) × {args.products} HS6 × 5 years")
        print(f"synthetic world: {rows:,} flows in {t_synth:.1f} s")
        if t_load:
            print(
                f"BACI import: {rows:,} rows in {t_load:.1f} s = {rows / t_load:,.0f} rows/s; "
                f"a 10 M-row year ≈ {TARGET_BACI_ROWS / (rows / t_load):.0f} s (linear extrapolation)"
            )
        print(
            f"indicators: {t_ind:.1f} s ({summary['exporters']} exporters × {summary['products']} products, "
            f"{markets_rows:,} market × product rows; complexity {summary['seconds_complexity']} s)"
        )
        print(f"recommendation per firm: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({args.firms} firms)")


if __name__ == "__main__":
    main()
